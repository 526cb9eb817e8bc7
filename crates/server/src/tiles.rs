//! Vector tiles over HTTP: generated on demand from the atlas (or read from a PMTiles archive),
//! gzipped once, and kept in a byte-bounded LRU cache so a cached tile costs what a prebuilt one
//! does.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use equimap_pmtiles::PmTilesReader;
use equimap_tiles::TileOptions;
use equimap_tiles::atlas::AtlasTiles;
use serde_json::Value;

use crate::ApiError;

/// Tile serving settings.
#[derive(Debug, Clone)]
pub struct TileConfig {
    /// Bytes of compressed tiles kept in memory; 0 turns the cache off.
    pub cache_bytes: usize,
    /// Buffer around each tile, in tile units of 4096.
    pub buffer: u32,
    /// Lowest zoom served.
    pub min_zoom: u8,
    /// Highest zoom served.
    pub max_zoom: u8,
    /// The `Cache-Control` header of tile responses.
    pub cache_control: String,
    /// gzip level, 1 (fast) to 9 (small).
    pub gzip_level: u32,
}

impl Default for TileConfig {
    fn default() -> Self {
        Self {
            cache_bytes: 64 << 20,
            buffer: 64,
            min_zoom: 0,
            max_zoom: 16,
            cache_control: "public, max-age=3600".to_owned(),
            gzip_level: 1,
        }
    }
}

/// Where tiles come from.
pub enum TileSource {
    /// Generated from the loaded atlas.
    Atlas(Box<AtlasTiles>),
    /// Read from a PMTiles archive (all layers in one set, named after the file).
    Archive {
        /// The set name (file stem).
        name: String,
        /// The archive.
        reader: Box<PmTilesReader>,
    },
}

/// A tile ready to send: gzipped bytes (empty for an empty tile) and its entity tag.
#[derive(Clone)]
pub struct Tile {
    /// gzip-compressed MVT; empty when the tile has no features.
    pub gz: Bytes,
    /// Strong entity tag.
    pub etag: String,
}

struct Cache {
    lru: lru::LruCache<(u16, u8, u32, u32), Tile>,
    bytes: usize,
}

/// The tile service: source, cache and counters.
pub struct TileService {
    /// Settings.
    pub config: TileConfig,
    source: TileSource,
    names: Vec<String>,
    cache: Option<Mutex<Cache>>,
    /// Requests answered from the cache.
    pub hits: AtomicU64,
    /// Requests that generated a tile.
    pub misses: AtomicU64,
}

fn etag(bytes: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("\"{:016x}-{}\"", h.finish(), bytes.len())
}

impl TileService {
    /// A service over a source.
    pub fn new(source: TileSource, config: TileConfig) -> Self {
        let names = match &source {
            TileSource::Atlas(t) => t.names().map(str::to_owned).collect(),
            TileSource::Archive { name, .. } => vec![name.clone()],
        };
        let cache = (config.cache_bytes > 0).then(|| {
            Mutex::new(Cache {
                lru: lru::LruCache::unbounded(),
                bytes: 0,
            })
        });
        Self {
            config,
            source,
            names,
            cache,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The tile set names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Check z/x/y against the zoom range and the tile grid.
    pub fn check(&self, z: u32, x: u32, y: u32) -> Result<u8, ApiError> {
        let (lo, hi) = (
            u32::from(self.config.min_zoom),
            u32::from(self.config.max_zoom),
        );
        if !(lo..=hi).contains(&z) {
            return Err(ApiError::BadRequest(format!(
                "zoom {z} is outside the served range {lo}..{hi}"
            )));
        }
        let n = 1u64 << z;
        if u64::from(x) >= n || u64::from(y) >= n {
            return Err(ApiError::BadRequest(format!(
                "tile {z}/{x}/{y} does not exist: at zoom {z}, x and y run from 0 to {}",
                n - 1
            )));
        }
        u8::try_from(z).map_err(|_| ApiError::BadRequest(format!("zoom {z} is out of range")))
    }

    /// The tile, from the cache or freshly made. `Ok(None)` for an unknown set.
    pub fn tile(&self, name: &str, z: u8, x: u32, y: u32) -> Result<Option<Tile>, ApiError> {
        let Some(set) = self.names.iter().position(|n| n == name) else {
            return Ok(None);
        };
        let key = (u16::try_from(set).unwrap_or(u16::MAX), z, x, y);
        if let Some(c) = &self.cache
            && let Ok(mut c) = c.lock()
            && let Some(t) = c.lru.get(&key)
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(Some(t.clone()));
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let gz = match &self.source {
            TileSource::Atlas(tiles) => {
                let raw = tiles
                    .render(
                        name,
                        z,
                        x,
                        y,
                        &TileOptions {
                            buffer: self.config.buffer,
                        },
                    )
                    .map_err(|e| ApiError::BadRequest(e.to_string()))?
                    .unwrap_or_default();
                if raw.is_empty() {
                    Bytes::new()
                } else {
                    Bytes::from(gzip(&raw, self.config.gzip_level))
                }
            }
            TileSource::Archive { reader, .. } => match reader.get(z, x, y) {
                Ok(Some(b)) => Bytes::copy_from_slice(b),
                Ok(None) => Bytes::new(),
                Err(e) => return Err(ApiError::BadRequest(e.to_string())),
            },
        };
        let tile = Tile {
            etag: etag(&gz),
            gz,
        };
        if let Some(c) = &self.cache
            && let Ok(mut c) = c.lock()
        {
            let size = tile.gz.len() + 64;
            c.bytes += size;
            if let Some(old) = c.lru.put(key, tile.clone()) {
                c.bytes -= old.gz.len() + 64;
            }
            while c.bytes > self.config.cache_bytes {
                match c.lru.pop_lru() {
                    Some((_, old)) => c.bytes -= old.gz.len() + 64,
                    None => break,
                }
            }
        }
        Ok(Some(tile))
    }

    /// Cache statistics.
    pub fn stats(&self) -> Value {
        let hits = self.hits.load(Ordering::Relaxed);
        let misses = self.misses.load(Ordering::Relaxed);
        let (entries, bytes) = self
            .cache
            .as_ref()
            .and_then(|c| c.lock().ok())
            .map_or((0, 0), |c| (c.lru.len(), c.bytes));
        #[allow(clippy::cast_precision_loss)]
        let ratio = if hits + misses == 0 {
            0.0
        } else {
            hits as f64 / (hits + misses) as f64
        };
        serde_json::json!({
            "hits": hits, "misses": misses, "hit_ratio": ratio,
            "cache_entries": entries, "cache_bytes": bytes, "cache_capacity_bytes": self.config.cache_bytes,
        })
    }

    /// TileJSON for a set.
    pub fn tilejson(&self, name: &str, base: &str) -> Option<Value> {
        let url = format!("{base}/tiles/{name}/{{z}}/{{x}}/{{y}}.mvt");
        match &self.source {
            TileSource::Atlas(t) => t.tilejson(name, &url).map(|mut v| {
                v["minzoom"] = v["minzoom"]
                    .as_u64()
                    .unwrap_or(0)
                    .max(u64::from(self.config.min_zoom))
                    .into();
                v["maxzoom"] = u64::from(self.config.max_zoom.min(t.max_zoom)).into();
                v
            }),
            TileSource::Archive { name: n, reader } if n == name => {
                let h = reader.header();
                let meta = reader.metadata().unwrap_or(Value::Null);
                Some(serde_json::json!({
                    "tilejson": "3.0.0", "name": name, "tiles": [url], "scheme": "xyz",
                    "minzoom": h.min_zoom, "maxzoom": h.max_zoom, "bounds": h.bounds,
                    "center": [h.center.0, h.center.1, h.center.2],
                    "vector_layers": meta.get("vector_layers").cloned().unwrap_or(Value::Array(Vec::new())),
                    "attribution": meta.get("attribution").cloned().unwrap_or(Value::Null),
                }))
            }
            TileSource::Archive { .. } => None,
        }
    }
}

/// gzip with a fixed header (no timestamp), so equal tiles give equal bytes and ETags.
pub fn gzip(raw: &[u8], level: u32) -> Vec<u8> {
    let mut e = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(raw.len() / 2 + 64),
        flate2::Compression::new(level),
    );
    // Writing to a Vec cannot fail.
    let _ = e.write_all(raw);
    e.finish().unwrap_or_default()
}

/// Decompress for a client that does not accept gzip.
pub fn gunzip(gz: &[u8]) -> Result<Vec<u8>, ApiError> {
    use std::io::Read;
    let mut out = Vec::with_capacity(gz.len() * 3);
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .map_err(|e| ApiError::Internal(format!("stored tile is corrupt: {e}")))?;
    Ok(out)
}
