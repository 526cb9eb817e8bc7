//! Write → read round trips through this crate's own reader, plus the
//! writer's validation and determinism guarantees.

use equimap_pmtiles::{
    Compression, MAX_INITIAL_BYTES, PmTilesError, PmTilesReader, PmTilesWriter, TileType,
    WriterOptions, tile_id,
};
use std::collections::HashSet;

mod common;
use common::{leeds_options, unique_payload, write_archive};

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
    assert!(
        stats.entries < stats.tiles,
        "runs collapse entries: {stats:?}"
    );
    assert_eq!(stats.leaf_directories, 0);
    assert!(stats.initial_bytes <= MAX_INITIAL_BYTES as u64);

    let r = PmTilesReader::from_bytes(bytes).expect("valid archive");
    for ((z, x, y), data) in &tiles {
        assert_eq!(
            r.get(*z, *x, *y).expect("valid coord"),
            Some(data.as_slice()),
            "{z}/{x}/{y}"
        );
    }
    assert_eq!(
        r.get(5, 0, 0).expect("valid coord"),
        None,
        "zoom never written"
    );

    let h = r.header();
    assert_eq!((h.min_zoom, h.max_zoom), (0, 4));
    assert_eq!(h.addressed_tiles, stats.tiles);
    assert_eq!(h.tile_entries, stats.entries);
    assert_eq!(h.tile_contents, stats.unique_tiles);
    assert!(h.clustered);
    assert_eq!(h.internal_compression, Compression::Gzip);
    assert_eq!(h.tile_compression, Compression::Gzip);
    assert_eq!(h.tile_type, TileType::Mvt);
    // Each distinct blob is stored exactly once.
    let stored: u64 = distinct.iter().map(|d| d.len() as u64).sum();
    assert_eq!(h.data_length, stored);
    let opts = leeds_options(0, 4);
    for (got, want) in h.bounds.iter().zip(opts.bounds) {
        assert!((got - want).abs() < 1e-7, "bounds {:?}", h.bounds);
    }
    assert!((h.center.0 - opts.center.0).abs() < 1e-7 && (h.center.1 - opts.center.1).abs() < 1e-7);
    assert_eq!(h.center.2, 11);
    assert_eq!(r.metadata().expect("metadata"), opts.metadata);

    // The sea stretch at z4 (128 tiles) is one run.
    let run = r
        .entries()
        .iter()
        .map(|e| e.run_length)
        .max()
        .expect("entries");
    assert_eq!(run, 128);
    // Clustered: entries ascend and every offset is either new data right
    // after the furthest blob so far or a back-reference to earlier data.
    let mut end = 0;
    for pair in r.entries().windows(2) {
        assert!(pair[0].tile_id + u64::from(pair[0].run_length) <= pair[1].tile_id);
    }
    for e in r.entries() {
        assert!(e.offset <= end, "offset {} skips ahead of {end}", e.offset);
        end = end.max(e.offset + u64::from(e.length));
    }
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
    let mut out = Vec::new();
    let stats = w.finish(&mut out).expect("finish");
    assert_eq!(stats.tiles, 2);
    let r = PmTilesReader::from_bytes(out).expect("valid");
    assert_eq!(r.get(1, 0, 0).expect("coord"), Some(&b"synthetic-2"[..]));
}

#[test]
fn open_reads_from_a_file() {
    let (bytes, _) = write_archive(leeds_options(0, 4), &pyramid_tiles());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("leeds.pmtiles");
    std::fs::write(&path, &bytes).expect("write");
    let r = PmTilesReader::open(&path).expect("open");
    assert_eq!(
        r.get(0, 0, 0).expect("coord"),
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
        empty.finish(&mut Vec::new()),
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
        let r = w.finish(&mut Vec::new());
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
    assert_eq!(r.get_id(u64::MAX), None);
}

#[test]
fn reader_and_writer_can_cross_threads() {
    // The server shares one reader between request handlers.
    fn send_sync<T: Send + Sync>() {}
    send_sync::<PmTilesReader>();
    send_sync::<PmTilesWriter>();
}
