//! The tile cache: compressed tiles by key, bounded in bytes, least recently used out first.
//!
//! Issue 13 asked for `moka` unless a benchmark shows ours is faster. It does: on a hit, the
//! tile server's whole job when warm, moka records every read for its admission policy and runs
//! its housekeeping on the reading thread, and a Leeds server answered cached tiles about a third
//! slower with it. `cargo bench -p equimap-server --bench tile_cache` measures the two side by
//! side; the figures are in BENCHMARKS.md.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::tiles::Tile;

/// A cached tile's key: set index, z, x, y.
pub type Key = (u16, u8, u32, u32);

/// Bytes a cached tile is charged beyond its body (key, tag and the cache's own bookkeeping).
pub const ENTRY_OVERHEAD: usize = 96;

/// What a tile costs the cache's bound.
pub fn weight(tile: &Tile) -> usize {
    tile.gz.len() + ENTRY_OVERHEAD
}

struct Lru {
    tiles: lru::LruCache<Key, Tile>,
    bytes: usize,
}

/// Compressed tiles bounded in bytes: a least-recently-used list under one mutex, held for a
/// hash look-up and two reference-count increments.
pub struct TileCache {
    lru: Mutex<Lru>,
    capacity: usize,
}

impl TileCache {
    /// An empty cache holding at most `capacity` bytes (tile bodies plus [`ENTRY_OVERHEAD`]
    /// each).
    pub fn new(capacity: usize) -> Self {
        Self {
            lru: Mutex::new(Lru {
                tiles: lru::LruCache::unbounded(),
                bytes: 0,
            }),
            capacity,
        }
    }

    // A poisoned lock still holds a consistent cache: no code path panics between the updates
    // of the list and of its byte count.
    fn lock(&self) -> MutexGuard<'_, Lru> {
        self.lru.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The tile, marked as just used.
    pub fn get(&self, key: &Key) -> Option<Tile> {
        self.lock().tiles.get(key).cloned()
    }

    /// Keep a tile, dropping the least recently used ones beyond the bound. A tile heavier than
    /// the whole bound is not kept.
    pub fn insert(&self, key: Key, tile: Tile) {
        let size = weight(&tile);
        if size > self.capacity {
            return;
        }
        let mut c = self.lock();
        c.bytes += size;
        if let Some(old) = c.tiles.put(key, tile) {
            c.bytes -= weight(&old);
        }
        while c.bytes > self.capacity {
            match c.tiles.pop_lru() {
                Some((_, old)) => c.bytes -= weight(&old),
                None => break,
            }
        }
    }

    /// Tiles held and the bytes they are charged.
    pub fn usage(&self) -> (u64, u64) {
        let c = self.lock();
        (c.tiles.len() as u64, c.bytes as u64)
    }

    /// The bound in bytes.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;
    use axum::http::HeaderValue;

    fn tile(len: usize) -> Tile {
        Tile {
            gz: Bytes::from(vec![1u8; len]),
            etag: HeaderValue::from_static("\"t\""),
        }
    }

    #[test]
    fn the_least_recently_used_go_first_and_the_bound_holds() {
        let per = 100 + ENTRY_OVERHEAD;
        let c = TileCache::new(3 * per);
        for i in 0..3 {
            c.insert((0, 1, i, 0), tile(100));
        }
        assert_eq!(c.usage(), (3, 3 * per as u64));
        assert!(c.get(&(0, 1, 0, 0)).is_some(), "touch the oldest");
        c.insert((0, 1, 3, 0), tile(100));
        assert!(
            c.get(&(0, 1, 1, 0)).is_none(),
            "the least recently used left"
        );
        assert!(c.get(&(0, 1, 0, 0)).is_some());
        assert_eq!(c.usage(), (3, 3 * per as u64));
        c.insert((0, 1, 0, 0), tile(10));
        assert_eq!(
            c.usage().1,
            (2 * per + 10 + ENTRY_OVERHEAD) as u64,
            "a replaced tile's bytes are returned"
        );
        c.insert((0, 2, 0, 0), tile(4 * per));
        assert!(
            c.get(&(0, 2, 0, 0)).is_none(),
            "heavier than the bound: not kept"
        );
        assert_eq!(c.usage().0, 3);
    }
}
