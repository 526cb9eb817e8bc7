//! Shared helpers for the integration tests.
//!
//! All tile payloads here are SYNTHETIC: arbitrary bytes standing in for
//! tiles, which PMTiles treats as opaque blobs. They are not map data.
#![allow(dead_code)] // each test binary uses a different subset

use equimap_pmtiles::{PmTilesWriter, WriteStats, WriterOptions};
use pmtiles::{TileCoord, TileId};
use serde_json::json;

/// One synthetic tile: `((z, x, y), payload)`.
pub type Tile = ((u8, u32, u32), Vec<u8>);

/// Deterministic xorshift64* generator so tests need no `rand` dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-ish value in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

/// Options resembling the real Leeds tileset: the Leeds district bounding
/// box and centre, with TileJSON-style metadata.
pub fn leeds_options(min_zoom: u8, max_zoom: u8) -> WriterOptions {
    WriterOptions {
        min_zoom,
        max_zoom,
        bounds: [-1.800_4, 53.698_9, -1.290_3, 53.945_9],
        center: (-1.549_1, 53.800_8, 11),
        metadata: json!({
            "name": "equimap test archive",
            "description": "synthetic payloads for PMTiles tests",
            "attribution": "test",
            "vector_layers": [
                {"id": "lsoa", "fields": {"imd_decile": "Number"}, "minzoom": min_zoom, "maxzoom": max_zoom}
            ]
        }),
        ..WriterOptions::default()
    }
}

/// Synthetic payload unique to `seed`, `len` bytes long (len ≥ 8).
pub fn unique_payload(seed: u64, len: usize) -> Vec<u8> {
    let mut p = seed.to_le_bytes().to_vec();
    p.resize(len.max(8), 0xA5);
    p
}

/// Writes `tiles` (in the given order) and returns the archive bytes.
pub fn write_archive(opts: WriterOptions, tiles: &[Tile]) -> (Vec<u8>, WriteStats) {
    let mut w = PmTilesWriter::new(opts);
    for ((z, x, y), data) in tiles {
        w.add_tile(*z, *x, *y, data).expect("add_tile");
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let stats = w.finish(&mut out).expect("finish");
    let out = out.into_inner();
    assert_eq!(stats.bytes, out.len() as u64, "stats.bytes matches output");
    (out, stats)
}

/// ~30k tiles with random id gaps and payload lengths so the directory does
/// not compress into 16 KiB and leaf directories are needed; a few payloads
/// repeat to exercise deduplication inside leaves.
pub fn leafy_tiles(count: usize, seed: u64) -> Vec<Tile> {
    let mut rng = Rng::new(seed);
    let mut tiles = Vec::with_capacity(count);
    let mut id = tile_id(10, 0, 0);
    for i in 0..count {
        id += rng.range(1, 17);
        let c = TileCoord::from(TileId::new(id).expect("id in pyramid"));
        let data = if i.is_multiple_of(10) {
            b"shared-synthetic".to_vec()
        } else {
            unique_payload(i as u64, rng.range(8, 40) as usize)
        };
        tiles.push(((c.z(), c.x(), c.y()), data));
    }
    tiles
}

/// The Hilbert tile id of `z/x/y` (pmtiles-rs's).
pub fn tile_id(z: u8, x: u32, y: u32) -> u64 {
    TileId::from(TileCoord::new(z, x, y).expect("coordinate in pyramid")).value()
}

/// Byte offsets and lengths of the four sections (root, metadata, leaves,
/// data), read from the fixed header layout of the PMTiles v3 spec.
pub fn sections(bytes: &[u8]) -> [(u64, u64); 4] {
    let u = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    [
        (u(8), u(16)),
        (u(24), u(32)),
        (u(40), u(48)),
        (u(56), u(64)),
    ]
}

/// Length of a PMTiles v3 header.
pub const HEADER_LEN: usize = 127;
