//! Acceptance tests for reading through pmtiles-rs: truncated, bit-flipped
//! and hand-crafted hostile archives must be refused with an error when
//! opened (or, for harmless flips, give a still-consistent reader), never a
//! panic.

use std::io::Write;

use equimap_pmtiles::{Compression, PmTilesError, PmTilesReader, PmtError};
use flate2::write::GzEncoder;

mod common;
use common::{
    HEADER_LEN, Rng, leafy_tiles, leeds_options, sections, tile_id, unique_payload, write_archive,
};

/// A small archive: 85 tiles at z0..=3 with a few repeats.
fn small_archive() -> (Vec<u8>, Vec<(u8, u32, u32)>) {
    let mut tiles = Vec::new();
    for z in 0..=3u8 {
        for x in 0..1u32 << z {
            for y in 0..1u32 << z {
                let id = tile_id(z, x, y);
                // Synthetic payloads.
                let data = if id.is_multiple_of(3) {
                    b"synthetic-repeat".to_vec()
                } else {
                    unique_payload(id, 12)
                };
                tiles.push(((z, x, y), data));
            }
        }
    }
    let coords = tiles.iter().map(|(c, _)| *c).collect();
    (write_archive(leeds_options(0, 3), &tiles).0, coords)
}

/// Parses `bytes`; on success touches every API so lazily reachable
/// problems would surface too. Returns whether parsing succeeded.
fn exercise(bytes: Vec<u8>, coords: &[(u8, u32, u32)]) -> bool {
    let Ok(r) = PmTilesReader::from_bytes(bytes) else {
        return false;
    };
    let _ = r.metadata();
    for &(z, x, y) in coords {
        // Opening checked every entry, so reads cannot fail later.
        assert!(
            r.get(z, x, y).is_ok(),
            "{z}/{x}/{y} failed after a clean open"
        );
    }
    true
}

fn section_points(bytes: &[u8]) -> Vec<usize> {
    let len = bytes.len();
    let mut cuts = vec![
        0,
        1,
        6,
        7,
        8,
        64,
        HEADER_LEN - 1,
        HEADER_LEN,
        HEADER_LEN + 1,
        len - 1,
    ];
    for (off, l) in sections(bytes) {
        let (off, l) = (off as usize, l as usize);
        cuts.extend([off + l / 2, (off + l).saturating_sub(1)]);
    }
    cuts.retain(|&c| c < len);
    cuts
}

#[test]
fn truncation_anywhere_is_an_error() {
    let (small, _) = small_archive();
    // Every possible cut of the small archive.
    for cut in 0..small.len() {
        assert!(
            PmTilesReader::from_bytes(small[..cut].to_vec()).is_err(),
            "cut at {cut}"
        );
    }
    // Section boundaries and midpoints of both archives.
    let (leafy, _) = write_archive(leeds_options(0, 14), &leafy_tiles(30_000, 7));
    assert!(sections(&leafy)[2].1 > 0, "fixture must exercise leaves");
    for bytes in [small, leafy] {
        assert!(PmTilesReader::from_bytes(bytes.clone()).is_ok(), "intact");
        for cut in section_points(&bytes) {
            let r = PmTilesReader::from_bytes(bytes[..cut].to_vec());
            assert!(r.is_err(), "truncated at {cut} of {} parsed", bytes.len());
        }
        // Every cut inside the header reports a bad header specifically.
        for cut in 0..HEADER_LEN {
            let r = PmTilesReader::from_bytes(bytes[..cut].to_vec());
            assert!(
                matches!(r, Err(PmTilesError::Format(PmtError::InvalidHeader))),
                "cut at {cut}: {r:?}"
            );
        }
    }
}

#[test]
fn flipping_any_header_or_directory_byte_never_panics() {
    let (bytes, coords) = small_archive();
    let [(root, root_len), (meta, meta_len), ..] = sections(&bytes);
    let dir_end = (root + root_len) as usize;
    let meta_range = meta as usize..(meta + meta_len) as usize;
    // Header, root directory and metadata; pmtiles-rs pads the root to
    // 16 KiB and nothing reads the padding.
    let mut rejected = 0;
    let mut flipped = 0;
    for at in (0..dir_end).chain(meta_range) {
        for mask in [0x01, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[at] ^= mask;
            flipped += 1;
            if !exercise(b, &coords) {
                rejected += 1;
            }
        }
    }
    assert!(
        rejected * 2 > flipped,
        "most flips are detected ({rejected} of {flipped})"
    );
}

#[test]
fn flipping_leaf_directory_bytes_never_panics() {
    let tiles = leafy_tiles(30_000, 11);
    let coords: Vec<_> = tiles.iter().map(|(c, _)| *c).step_by(50).collect();
    let (bytes, _) = write_archive(leeds_options(0, 14), &tiles);
    let (leaf_offset, leaf_length) = sections(&bytes)[2];
    let mut rng = Rng::new(99);
    for _ in 0..300 {
        let mut b = bytes.clone();
        let at = (leaf_offset + rng.range(0, leaf_length)) as usize;
        b[at] ^= rng.range(1, 256) as u8;
        exercise(b, &coords);
    }
}

#[test]
fn random_multi_byte_mutations_never_panic() {
    let (bytes, coords) = small_archive();
    let mut rng = Rng::new(2024);
    for _ in 0..2_000 {
        let mut b = bytes.clone();
        for _ in 0..rng.range(1, 6) {
            let at = rng.range(0, b.len() as u64) as usize;
            b[at] = rng.next() as u8;
        }
        exercise(b, &coords);
    }
}

#[test]
fn header_errors_are_specific() {
    let (bytes, _) = small_archive();
    let open = PmTilesReader::from_bytes;
    let mut b = bytes.clone();
    b[0] = b'X';
    assert!(matches!(
        open(b),
        Err(PmTilesError::Format(PmtError::InvalidMagicNumber))
    ));
    let mut b = bytes.clone();
    b[7] = 4;
    assert!(matches!(open(b), Err(PmTilesError::UnsupportedVersion(4))));
    // A PMTiles v2 file starts with "PM" and a little-endian u16 version.
    assert!(matches!(
        open([b"PM\x02\x00".as_slice(), &[0u8; 200]].concat()),
        Err(PmTilesError::Format(PmtError::UnsupportedPmTilesVersion))
    ));
    let mut b = bytes.clone();
    b[97] = 3; // Brotli internal compression
    assert!(matches!(
        open(b),
        Err(PmTilesError::Format(PmtError::UnsupportedCompression(
            Compression::Brotli
        )))
    ));
    let mut b = bytes.clone();
    b[98] = 9; // no such tile compression
    assert!(matches!(
        open(b),
        Err(PmTilesError::Format(PmtError::InvalidCompression))
    ));
    // Data section length pushed past the end of the file.
    let mut b = bytes.clone();
    b[64..72].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(
        open(b),
        Err(PmTilesError::Format(PmtError::InvalidHeader))
    ));
    // Errors read as sentences a user can act on.
    let mut b = bytes.clone();
    b[0] = b'X';
    let message = open(b).err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(
        message,
        "not a readable PMTiles v3 archive: Invalid magic number"
    );
}

// ---- hand-crafted archives -------------------------------------------------

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Raw directory: `(tile_id, run_length, length, offset + 1)` columns.
fn raw_dir(entries: &[(u64, u64, u64, u64)]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, entries.len() as u64);
    let mut last = 0;
    for e in entries {
        varint(&mut out, e.0 - last);
        last = e.0;
    }
    for col in [1, 2, 3] {
        for e in entries {
            varint(&mut out, [e.0, e.1, e.2, e.3][col]);
        }
    }
    out
}

/// Assembles header + root + metadata + leaves + data with the given
/// internal compression byte; directories are passed already encoded, and
/// the metadata is `{}` (raw, or gzipped when `internal` is gzip).
fn assemble(internal: Compression, root: &[u8], leaves: &[u8], data: &[u8]) -> Vec<u8> {
    let metadata = if internal == Compression::Gzip {
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"{}").expect("gzip to memory");
        enc.finish().expect("gzip to memory")
    } else {
        b"{}".to_vec()
    };
    let root_offset = HEADER_LEN as u64;
    let metadata_offset = root_offset + root.len() as u64;
    let leaf_offset = metadata_offset + metadata.len() as u64;
    let data_offset = leaf_offset + leaves.len() as u64;
    let mut h = b"PMTiles\x03".to_vec();
    for v in [
        root_offset,
        root.len() as u64,
        metadata_offset,
        metadata.len() as u64,
        leaf_offset,
        leaves.len() as u64,
        data_offset,
        data.len() as u64,
        0,
        0,
        0,
    ] {
        h.extend(v.to_le_bytes());
    }
    let internal_byte = if internal == Compression::Gzip { 2 } else { 1 };
    // clustered, internal, tile compression (none), tile type (unknown), zooms 0..=0.
    h.extend([1, internal_byte, 1, 0, 0, 0]);
    h.resize(HEADER_LEN, 0); // bounds and centre all zero
    [h.as_slice(), root, &metadata, leaves, data].concat()
}

#[test]
fn hand_crafted_uncompressed_archive_reads() {
    // Sanity check for the crafting helpers: one z0 tile, no compression,
    // empty metadata reads as {}.
    let root = raw_dir(&[(0, 1, 4, 1)]);
    let r = PmTilesReader::from_bytes(assemble(Compression::None, &root, &[], b"tile"))
        .expect("valid archive");
    assert_eq!(
        r.get(0, 0, 0).expect("coord").as_deref(),
        Some(&b"tile"[..])
    );
    assert_eq!(r.metadata().expect("metadata"), serde_json::json!({}));
}

#[test]
fn hostile_directories_are_rejected() {
    let none = Compression::None;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "tile past end of data",
            assemble(none, &raw_dir(&[(0, 1, 5, 1)]), &[], b"tile"),
        ),
        (
            "zero length",
            assemble(none, &raw_dir(&[(0, 1, 0, 1)]), &[], b"ab"),
        ),
        (
            "relative first offset",
            assemble(none, &raw_dir(&[(0, 1, 1, 0)]), &[], b"ab"),
        ),
        (
            "too many entries",
            assemble(none, &[0xff, 0xff, 0x03, 1, 1], &[], b"ab"),
        ),
        (
            "id beyond pyramid",
            assemble(none, &raw_dir(&[(u64::MAX - 1, 3, 1, 1)]), &[], b"ab"),
        ),
        (
            "leaf past leaf section",
            assemble(none, &raw_dir(&[(0, 0, 50, 1)]), &[0; 10], b"ab"),
        ),
        (
            "not gzip",
            assemble(Compression::Gzip, &raw_dir(&[(0, 1, 1, 1)]), &[], b"ab"),
        ),
    ];
    for (name, bytes) in cases {
        assert!(
            PmTilesReader::from_bytes(bytes).is_err(),
            "{name} was accepted"
        );
    }
}

#[test]
fn overlapping_runs_resolve_within_the_data() {
    // pmtiles-rs does not require runs to be disjoint (our old reader did).
    // Reads stay in bounds: a tile resolves to one of the two blobs or to
    // nothing (binary search finds the later entry and its shorter run).
    let root = raw_dir(&[(0, 5, 1, 1), (3, 1, 1, 2)]);
    let r = PmTilesReader::from_bytes(assemble(Compression::None, &root, &[], b"ab"))
        .expect("pmtiles-rs accepts overlapping runs");
    for (x, y) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        let got = r.get(1, x, y).expect("coord");
        assert!(
            matches!(got.as_deref(), None | Some(b"a" | b"b")),
            "{got:?}"
        );
    }
}

#[test]
fn leaf_pointer_cycle_is_rejected() {
    // A leaf whose only entry points back at itself: 5 raw bytes.
    let leaf = raw_dir(&[(0, 0, 5, 1)]);
    assert_eq!(leaf.len(), 5);
    let root = raw_dir(&[(0, 0, 5, 1)]);
    let r = PmTilesReader::from_bytes(assemble(Compression::None, &root, &leaf, b"ab"));
    assert!(
        matches!(r, Err(PmTilesError::Format(PmtError::InvalidEntry))),
        "{:?}",
        r.err()
    );
}

#[test]
fn gzip_bomb_directory_is_capped() {
    // 80 MiB of zeros compresses to ~80 KiB, more than the 16 KiB a root
    // directory may take, so pmtiles-rs refuses it before decompressing.
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..80 {
        enc.write_all(&zeros).expect("gzip to memory");
    }
    let bomb = enc.finish().expect("gzip to memory");
    let r = PmTilesReader::from_bytes(assemble(Compression::Gzip, &bomb, &[], b"ab"));
    assert!(
        matches!(r, Err(PmTilesError::Format(PmtError::InvalidHeader))),
        "{:?}",
        r.err()
    );
}
