//! Archives written by this crate, read back by an independent PMTiles v3
//! implementation: the `pmtiles` crate (stadiamaps/pmtiles-rs), via its
//! memory-mapped local-file backend (no network).

use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use pmtiles::{AsyncPmTilesReader, HashMapCache, MmapBackend, TileCoord};

mod common;
use common::{Tile, leafy_tiles, leeds_options, unique_payload, write_archive};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("gzip to memory");
    enc.finish().expect("gzip to memory")
}

async fn open_theirs(path: &Path) -> AsyncPmTilesReader<MmapBackend, HashMapCache> {
    // The cache keeps leaf directories decoded between lookups.
    AsyncPmTilesReader::new_with_cached_path(HashMapCache::default(), path)
        .await
        .expect("pmtiles-rs opens the archive")
}

fn coord(z: u8, x: u32, y: u32) -> TileCoord {
    TileCoord::new(z, x, y).expect("valid coordinate")
}

/// Tiles over the Leeds area at z6..=12. Synthetic payloads, gzipped as
/// real MVT tiles would be; every seventh tile is a shared "empty" tile and
/// a whole z12 column stretch is one repeated blob, giving runs.
fn leeds_tiles() -> (Vec<Tile>, Vec<Tile>) {
    let (mut raw, mut gz) = (Vec::new(), Vec::new());
    let empty = b"synthetic-empty".to_vec();
    for z in 6..=12u8 {
        // Leeds is roughly x ∈ [0.495, 0.4965], y ∈ [0.3225, 0.327] of the world.
        let n = f64::from(1u32 << z);
        let (x0, x1) = ((0.4950 * n) as u32, (0.4965 * n) as u32);
        let (y0, y1) = ((0.3225 * n) as u32, (0.3270 * n) as u32);
        for x in x0..=x1 {
            for y in y0..=y1 {
                let id = equimap_pmtiles::tile_id(z, x, y);
                let payload = if id.is_multiple_of(7) || (z == 12 && x == x0) {
                    empty.clone()
                } else {
                    unique_payload(id, 16 + (id % 50) as usize)
                };
                gz.push(((z, x, y), gzip(&payload)));
                raw.push(((z, x, y), payload));
            }
        }
    }
    (raw, gz)
}

#[tokio::test]
async fn pmtiles_rs_reads_tiles_header_and_metadata() {
    let (raw, gz) = leeds_tiles();
    assert!(gz.len() > 200, "a few hundred tiles, got {}", gz.len());
    let opts = leeds_options(6, 12);
    let (bytes, stats) = write_archive(opts.clone(), &gz);
    assert!(stats.unique_tiles < stats.tiles);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("leeds.pmtiles");
    std::fs::write(&path, &bytes).expect("write archive");

    let theirs = open_theirs(&path).await;
    for (((z, x, y), gz_data), (_, raw_data)) in gz.iter().zip(&raw) {
        let got = theirs.get_tile(coord(*z, *x, *y)).await.expect("get_tile");
        assert_eq!(got.as_deref(), Some(gz_data.as_slice()), "{z}/{x}/{y}");
        // The header's tile compression lets their reader gunzip ours.
        let plain = theirs
            .get_tile_decompressed(coord(*z, *x, *y))
            .await
            .expect("decompress");
        assert_eq!(plain.as_deref(), Some(raw_data.as_slice()), "{z}/{x}/{y}");
    }
    // Outside the written area and outside the zoom range.
    assert_eq!(
        theirs.get_tile(coord(12, 0, 0)).await.expect("get_tile"),
        None
    );
    assert_eq!(
        theirs
            .get_tile(coord(13, 4060, 2660))
            .await
            .expect("get_tile"),
        None
    );

    let h = theirs.get_header();
    assert_eq!((h.min_zoom, h.max_zoom), (6, 12));
    let [w, s, e, n] = opts.bounds;
    for (got, want) in [
        (h.min_longitude, w),
        (h.min_latitude, s),
        (h.max_longitude, e),
        (h.max_latitude, n),
    ] {
        assert!((got - want).abs() < 1e-7, "bound {got} vs {want}");
    }
    assert!((h.center_longitude - opts.center.0).abs() < 1e-7);
    assert!((h.center_latitude - opts.center.1).abs() < 1e-7);
    assert_eq!(h.center_zoom, 11);
    assert_eq!(h.tile_type, pmtiles::TileType::Mvt);
    assert_eq!(h.tile_compression, pmtiles::Compression::Gzip);
    assert_eq!(h.internal_compression(), pmtiles::Compression::Gzip);
    assert!(h.clustered());
    assert_eq!(h.n_addressed_tiles().map(u64::from), Some(stats.tiles));
    assert_eq!(h.n_tile_entries().map(u64::from), Some(stats.entries));
    assert_eq!(h.n_tile_contents().map(u64::from), Some(stats.unique_tiles));

    let meta: serde_json::Value =
        serde_json::from_str(&theirs.get_metadata().await.expect("metadata")).expect("JSON");
    assert_eq!(meta, opts.metadata);
    assert_eq!(meta["vector_layers"][0]["id"], "lsoa");
}

/// 100k distinct tiles (random id gaps and payload lengths defeat gzip, so
/// the directory cannot fit in 16 KiB) plus a long run of one repeated
/// blob: forces leaf directories, then both readers must find every tile.
#[tokio::test]
async fn leaf_directories_read_back_by_both_readers() {
    let mut tiles = leafy_tiles(100_000, 42);
    // A contiguous z14 stretch of one blob: a run that lands inside a leaf.
    let start = equimap_pmtiles::tile_id(14, 0, 0);
    for id in start..start + 20_000 {
        let c = equimap_pmtiles::tile_coord(id);
        tiles.push(((c.z, c.x, c.y), b"synthetic-sea".to_vec()));
    }
    let (bytes, stats) = write_archive(leeds_options(0, 14), &tiles);
    assert!(stats.leaf_directories > 1, "{stats:?}");
    assert!(stats.initial_bytes <= equimap_pmtiles::MAX_INITIAL_BYTES as u64);
    assert_eq!(stats.tiles, 120_000);

    let ours = equimap_pmtiles::PmTilesReader::from_bytes(bytes.clone()).expect("our reader");
    assert!(ours.header().leaf_length > 0);
    assert!(ours.header().root_offset + ours.header().root_length <= 16_384);
    assert!(ours.entries().iter().any(|e| e.run_length == 20_000));

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.pmtiles");
    std::fs::write(&path, &bytes).expect("write archive");
    let theirs = open_theirs(&path).await;

    for ((z, x, y), data) in &tiles {
        assert_eq!(
            ours.get(*z, *x, *y).expect("coord"),
            Some(data.as_slice()),
            "{z}/{x}/{y}"
        );
        let got = theirs.get_tile(coord(*z, *x, *y)).await.expect("get_tile");
        assert_eq!(got.as_deref(), Some(data.as_slice()), "{z}/{x}/{y}");
    }
    // Gaps between the sparse ids are absent for both readers.
    let present: std::collections::HashSet<_> = tiles.iter().map(|(c, _)| *c).collect();
    let mut checked = 0;
    for id in equimap_pmtiles::tile_id(10, 0, 0)..equimap_pmtiles::tile_id(10, 0, 0) + 5_000 {
        let c = equimap_pmtiles::tile_coord(id);
        if !present.contains(&(c.z, c.x, c.y)) {
            assert_eq!(ours.get(c.z, c.x, c.y).expect("coord"), None);
            assert_eq!(
                theirs
                    .get_tile(coord(c.z, c.x, c.y))
                    .await
                    .expect("get_tile"),
                None
            );
            checked += 1;
        }
    }
    assert!(checked > 1_000);
}
