//! Write → read round trips (pmtiles-rs underneath), plus the writer's
//! validation and determinism guarantees.

use equimap_pmtiles::{
    Compression, PmTilesError, PmTilesReader, PmTilesWriter, TileType, WriterOptions,
};
use std::collections::HashSet;

mod common;
use common::{leeds_options, sections, tile_id, unique_payload, write_archive};

type Tiles = Vec<common::Tile>;

/// Every tile of z0..=4 (341 tiles). Synthetic payloads: an "empty sea"
/// blob on a contiguous Hilbert stretch of each zoom (→ runs), a "full
/// cover" blob on every fifth tile elsewhere (→ dedup without runs), and
/// unique blobs for the rest.
fn pyramid_tiles() -> Tiles {
    let mut tiles = Vec::new();
    for z in 0..=4u8 {
        let n = 1u32 << z;
        let base = tile_id(z, 0, 0);
        for x in 0..n {
            for y in 0..n {
                let h = tile_id(z, x, y) - base;
                let data = if z >= 2 && h < u64::from(n * n) / 2 {
                    b"synthetic-empty-sea".to_vec()
                } else if h.is_multiple_of(5) {
                    b"synthetic-full-cover".to_vec()
                } else {
                    unique_payload(tile_id(z, x, y), 8 + (h as usize % 23))
                };
                tiles.push(((z, x, y), data));
            }
        }
    }
    tiles
}

#[test]
fn round_trip_with_duplicates_and_runs() {
    let tiles = pyramid_tiles();
    let (bytes, stats) = write_archive(leeds_options(0, 4), &tiles);
    let distinct: HashSet<&Vec<u8>> = tiles.iter().map(|(_, d)| d).collect();
    assert_eq!(stats.tiles, 341);
    assert_eq!(stats.unique_tiles, distinct.len() as u64);

    let r = PmTilesReader::from_bytes(bytes.clone()).expect("valid archive");
    for ((z, x, y), data) in &tiles {
        assert_eq!(
            r.get(*z, *x, *y).expect("valid coord").as_deref(),
            Some(data.as_slice()),
            "{z}/{x}/{y}"
        );
    }
    assert_eq!(
        r.get(5, 0, 0).expect("valid coord"),
        None,
        "zoom never written"
    );
    // Runs collapse entries: the sea stretches are one entry each.
    assert!(r.entries() < 341 - 100, "{} entries", r.entries());

    let h = r.header();
    assert_eq!((h.min_zoom, h.max_zoom), (0, 4));
    assert_eq!(h.addressed_tiles, stats.tiles);
    assert_eq!(h.tile_compression, Compression::Gzip);
    assert_eq!(h.tile_type, TileType::Mvt);
    // Each distinct blob is stored exactly once.
    let stored: u64 = distinct.iter().map(|d| d.len() as u64).sum();
    assert_eq!(sections(&bytes)[3].1, stored);
    // Clustered flag (byte 96): tiles went in in tile-id order.
    assert_eq!(bytes[96], 1);
    let opts = leeds_options(0, 4);
    for (got, want) in h.bounds.iter().zip(opts.bounds) {
        assert!((got - want).abs() < 1e-7, "bounds {:?}", h.bounds);
    }
    assert!((h.center.0 - opts.center.0).abs() < 1e-7 && (h.center.1 - opts.center.1).abs() < 1e-7);
    assert_eq!(h.center.2, 11);
    assert_eq!(r.metadata().expect("metadata"), opts.metadata);
}

#[test]
fn output_is_independent_of_insertion_order() {
    let tiles = pyramid_tiles();
    let (forward, _) = write_archive(leeds_options(0, 4), &tiles);
    let reversed: Tiles = tiles.iter().rev().cloned().collect();
    let (backward, _) = write_archive(leeds_options(0, 4), &reversed);
    // A stride coprime with 341 visits every tile in a scrambled order.
    let strided: Tiles = (0..tiles.len())
        .map(|i| tiles[(i * 97) % tiles.len()].clone())
        .collect();
    let (scrambled, _) = write_archive(leeds_options(0, 4), &strided);
    assert_eq!(forward, backward);
    assert_eq!(forward, scrambled);
}

#[test]
fn empty_tiles_are_skipped() {
    let mut w = PmTilesWriter::new(leeds_options(0, 2));
    w.add_tile(1, 0, 0, b"").expect("empty is fine");
    w.add_tile(1, 1, 1, b"synthetic").expect("add");
    // An empty tile does not claim the slot either.
    w.add_tile(1, 0, 0, b"synthetic-2").expect("add");
    let mut out = std::io::Cursor::new(Vec::new());
    let stats = w.finish(&mut out).expect("finish");
    assert_eq!(stats.tiles, 2);
    let r = PmTilesReader::from_bytes(out.into_inner()).expect("valid");
    assert_eq!(
        r.get(1, 0, 0).expect("coord").as_deref(),
        Some(&b"synthetic-2"[..])
    );
}

#[test]
fn open_reads_from_a_file() {
    let (bytes, _) = write_archive(leeds_options(0, 4), &pyramid_tiles());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("leeds.pmtiles");
    std::fs::write(&path, &bytes).expect("write");
    let r = PmTilesReader::open(&path).expect("open");
    assert_eq!(
        r.get(0, 0, 0).expect("coord").as_deref(),
        Some(&b"synthetic-full-cover"[..])
    );
    assert!(matches!(
        PmTilesReader::open(&dir.path().join("missing.pmtiles")),
        Err(PmTilesError::Io(_))
    ));
}

#[test]
fn writer_rejects_bad_input() {
    let mut w = PmTilesWriter::new(leeds_options(2, 4));
    w.add_tile(3, 1, 1, b"a").expect("add");
    assert!(matches!(
        w.add_tile(3, 1, 1, b"b"),
        Err(PmTilesError::DuplicateTile { z: 3, x: 1, y: 1 })
    ));
    assert!(matches!(
        w.add_tile(1, 0, 0, b"a"),
        Err(PmTilesError::ZoomOutOfRange { z: 1, .. })
    ));
    assert!(matches!(
        w.add_tile(5, 0, 0, b"a"),
        Err(PmTilesError::ZoomOutOfRange { z: 5, .. })
    ));
    assert!(matches!(
        w.add_tile(3, 8, 0, b"a"),
        Err(PmTilesError::InvalidCoord { .. })
    ));
    assert!(matches!(
        w.add_tile(40, 0, 0, b"a"),
        Err(PmTilesError::InvalidCoord { .. })
    ));

    let empty = PmTilesWriter::new(leeds_options(0, 4));
    assert!(matches!(
        empty.finish(std::io::Cursor::new(Vec::new())),
        Err(PmTilesError::Empty)
    ));

    let bad_opts = [
        WriterOptions {
            min_zoom: 5,
            max_zoom: 4,
            ..leeds_options(0, 4)
        },
        WriterOptions {
            max_zoom: 32,
            ..leeds_options(0, 4)
        },
        WriterOptions {
            bounds: [f64::NAN, 53.0, -1.0, 54.0],
            ..leeds_options(0, 4)
        },
        WriterOptions {
            bounds: [-1.0, 53.0, -2.0, 54.0],
            ..leeds_options(0, 4)
        },
        WriterOptions {
            bounds: [-1.0, 53.0, 200.0, 54.0],
            ..leeds_options(0, 4)
        },
        WriterOptions {
            center: (0.0, 91.0, 3),
            ..leeds_options(0, 4)
        },
        WriterOptions {
            metadata: serde_json::json!(["not", "an", "object"]),
            ..leeds_options(0, 4)
        },
    ];
    for opts in bad_opts {
        let mut w = PmTilesWriter::new(opts.clone());
        // Some options also make add_tile fail; finish must fail regardless.
        let _ = w.add_tile(4, 0, 0, b"a");
        let r = w.finish(std::io::Cursor::new(Vec::new()));
        assert!(
            matches!(r, Err(PmTilesError::InvalidOptions(_))),
            "{opts:?} gave {r:?}"
        );
    }
}

#[test]
fn reader_rejects_invalid_coordinates() {
    let (bytes, _) = write_archive(leeds_options(0, 4), &pyramid_tiles());
    let r = PmTilesReader::from_bytes(bytes).expect("valid");
    assert!(matches!(
        r.get(32, 0, 0),
        Err(PmTilesError::InvalidCoord { .. })
    ));
    assert!(matches!(
        r.get(2, 0, 4),
        Err(PmTilesError::InvalidCoord { .. })
    ));
}

#[test]
fn reader_and_writer_can_cross_threads() {
    // The server shares one reader between request handlers.
    fn send_sync<T: Send + Sync>() {}
    send_sync::<PmTilesReader>();
    send_sync::<PmTilesWriter>();
}
