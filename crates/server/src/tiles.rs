//! Vector tiles over HTTP: generated on demand from the atlas (or read from a PMTiles archive),
//! gzipped once, and kept in a byte-bounded cache ([`crate::tile_cache`]) so a cached tile
//! costs what a prebuilt one does.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::HeaderValue;
use equimap_pmtiles::PmTilesReader;
use equimap_tiles::TileOptions;
use equimap_tiles::atlas::AtlasTiles;
use serde_json::Value;

use crate::ApiError;
use crate::tile_cache::TileCache;

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
    /// Strong entity tag, quoted.
    pub etag: HeaderValue,
}

const HITS: &str = "equimap_tile_cache_hits_total";
const MISSES: &str = "equimap_tile_cache_misses_total";
const CACHE_BYTES: &str = "equimap_tile_cache_bytes";
const CACHE_ENTRIES: &str = "equimap_tile_cache_entries";
const CACHE_CAPACITY: &str = "equimap_tile_cache_capacity_bytes";

/// Describe the tile metrics for `/metrics`.
pub(crate) fn describe_metrics() {
    metrics::describe_counter!(HITS, "Tile requests answered from the cache.");
    metrics::describe_counter!(MISSES, "Tile requests that made or read a tile.");
    metrics::describe_gauge!(
        CACHE_BYTES,
        metrics::Unit::Bytes,
        "Bytes held by the tile cache."
    );
    metrics::describe_gauge!(CACHE_ENTRIES, "Tiles held by the tile cache.");
    metrics::describe_gauge!(
        CACHE_CAPACITY,
        metrics::Unit::Bytes,
        "The tile cache's bound."
    );
}

/// The tile service: source, cache and counters.
pub struct TileService {
    /// Settings.
    pub config: TileConfig,
    source: TileSource,
    names: Vec<String>,
    /// Compressed tiles by key, bounded in bytes.
    cache: Option<TileCache>,
    cache_control: HeaderValue,
    /// Requests answered from the cache.
    pub hits: AtomicU64,
    /// Requests that generated a tile.
    pub misses: AtomicU64,
    /// The same two in `/metrics`, registered once (they outlive a reload there).
    counters: [metrics::Counter; 2],
}

fn etag(bytes: &[u8]) -> Result<HeaderValue, ApiError> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    let tag = format!("\"{:016x}-{}\"", h.finish(), bytes.len());
    HeaderValue::from_str(&tag)
        .map_err(|e| ApiError::Internal(format!("entity tag {tag} is not a header value: {e}")))
}

impl TileService {
    /// A service over a source. A `cache_control` that is not a valid header value is refused.
    pub fn new(source: TileSource, config: TileConfig) -> Self {
        let names = match &source {
            TileSource::Atlas(t) => t.names().map(str::to_owned).collect(),
            TileSource::Archive { name, .. } => vec![name.clone()],
        };
        let cache = (config.cache_bytes > 0).then(|| TileCache::new(config.cache_bytes));
        let cache_control = HeaderValue::from_str(&config.cache_control).unwrap_or_else(|e| {
            tracing::error!(
                "tile Cache-Control {:?} is not a valid header ({e}); sending no-cache",
                config.cache_control
            );
            HeaderValue::from_static("no-cache")
        });
        Self {
            config,
            source,
            names,
            cache,
            cache_control,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            counters: crate::ops::counters([HITS, MISSES]),
        }
    }

    /// The tile set names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether tiles of this set can be made without first building the set (always true for
    /// an archive, and for an unknown name).
    pub fn is_built(&self, name: &str) -> bool {
        match &self.source {
            TileSource::Atlas(t) => t.is_built(name),
            TileSource::Archive { .. } => true,
        }
    }

    /// Build a set now if need be: slow (seconds for England's LSOAs), so call it on a
    /// blocking thread when [`TileService::is_built`] says no.
    pub fn prepare(&self, name: &str) -> Result<(), ApiError> {
        match &self.source {
            TileSource::Atlas(t) => t
                .prepare(name)
                .map(|_| ())
                .map_err(|e| ApiError::Internal(format!("tile set {name}: {e}"))),
            TileSource::Archive { .. } => Ok(()),
        }
    }

    /// The sets built so far with the bytes each holds in memory (an archive has none).
    pub fn built(&self) -> Vec<(String, usize)> {
        match &self.source {
            TileSource::Atlas(t) => t
                .built()
                .into_iter()
                .map(|(n, b)| (n.to_owned(), b))
                .collect(),
            TileSource::Archive { .. } => Vec::new(),
        }
    }

    /// The `Cache-Control` header of tile responses.
    pub fn cache_control(&self) -> &HeaderValue {
        &self.cache_control
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
        equimap_tiles::projection::check_tile(z, x, y)
            .map_err(|e| ApiError::BadRequest(e.to_string()))
    }

    /// The tile, from the cache or freshly made. `Ok(None)` for an unknown set.
    pub fn tile(&self, name: &str, z: u8, x: u32, y: u32) -> Result<Option<Tile>, ApiError> {
        let Some(set) = self.names.iter().position(|n| n == name) else {
            return Ok(None);
        };
        let set = u16::try_from(set).map_err(|_| {
            ApiError::Internal(format!(
                "tile set {name:?} is number {set}, past the cache's key range"
            ))
        })?;
        let key = (set, z, x, y);
        if let Some(t) = self.cache.as_ref().and_then(|c| c.get(&key)) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            self.counters[0].increment(1);
            return Ok(Some(t));
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        self.counters[1].increment(1);
        let gz = self.make(name, z, x, y)?;
        let tile = Tile {
            etag: etag(&gz)?,
            gz,
        };
        if let Some(c) = &self.cache {
            c.insert(key, tile.clone());
        }
        Ok(Some(tile))
    }

    /// Render (and gzip) or read one tile; empty bytes for an empty tile.
    fn make(&self, name: &str, z: u8, x: u32, y: u32) -> Result<Bytes, ApiError> {
        match &self.source {
            TileSource::Atlas(tiles) => {
                let opts = TileOptions {
                    buffer: self.config.buffer,
                };
                let raw = tiles
                    .render(name, z, x, y, &opts)
                    .map_err(|e| ApiError::BadRequest(e.to_string()))?;
                match raw {
                    Some(raw) if !raw.is_empty() => {
                        Ok(Bytes::from(gzip(&raw, self.config.gzip_level)?))
                    }
                    _ => Ok(Bytes::new()),
                }
            }
            TileSource::Archive { reader, .. } => match reader.get(z, x, y) {
                Ok(Some(b)) => Ok(b),
                Ok(None) => Ok(Bytes::new()),
                Err(e) => Err(ApiError::BadRequest(e.to_string())),
            },
        }
    }

    /// Tiles and bytes held in the cache.
    fn cached(&self) -> (u64, u64) {
        self.cache.as_ref().map_or((0, 0), TileCache::usage)
    }

    /// Set the cache gauges of `/metrics`.
    pub(crate) fn set_gauges(&self) {
        let (entries, bytes) = self.cached();
        metrics::gauge!(CACHE_BYTES).set(bytes as f64);
        metrics::gauge!(CACHE_ENTRIES).set(entries as f64);
        metrics::gauge!(CACHE_CAPACITY).set(self.config.cache_bytes as f64);
    }

    /// Cache statistics.
    pub fn stats(&self) -> Value {
        let hits = self.hits.load(Ordering::Relaxed);
        let misses = self.misses.load(Ordering::Relaxed);
        let (entries, bytes) = self.cached();
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

    /// TileJSON for a set: `Ok(None)` for an unknown set; an error when an archive's metadata is unreadable.
    pub fn tilejson(&self, name: &str, base: &str) -> Result<Option<Value>, ApiError> {
        let url = format!("{base}/tiles/{name}/{{z}}/{{x}}/{{y}}.mvt");
        match &self.source {
            TileSource::Atlas(t) => Ok(t
                .tilejson(name, &url)
                .map_err(|e| ApiError::Internal(format!("tile set {name}: {e}")))?
                .map(|mut v| {
                    v["minzoom"] = v["minzoom"]
                        .as_u64()
                        .unwrap_or(0)
                        .max(u64::from(self.config.min_zoom))
                        .into();
                    v["maxzoom"] = u64::from(self.config.max_zoom.min(t.max_zoom)).into();
                    v
                })),
            TileSource::Archive { name: n, reader } if n == name => {
                let h = reader.header();
                let meta = reader.metadata().map_err(|e| {
                    ApiError::Internal(format!("the archive's metadata is unreadable: {e}"))
                })?;
                Ok(Some(serde_json::json!({
                    "tilejson": "3.0.0", "name": name, "tiles": [url], "scheme": "xyz",
                    "minzoom": h.min_zoom, "maxzoom": h.max_zoom, "bounds": h.bounds,
                    "center": [h.center.0, h.center.1, h.center.2],
                    "vector_layers": meta.get("vector_layers").cloned().unwrap_or(Value::Array(Vec::new())),
                    "attribution": meta.get("attribution").cloned().unwrap_or(Value::Null),
                })))
            }
            TileSource::Archive { .. } => Ok(None),
        }
    }
}

/// gzip with a fixed header (no timestamp), so equal tiles give equal bytes and ETags.
pub fn gzip(raw: &[u8], level: u32) -> Result<Vec<u8>, ApiError> {
    let mut e = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(raw.len() / 2 + 64),
        flate2::Compression::new(level),
    );
    e.write_all(raw)
        .and_then(|()| e.finish())
        .map_err(|err| ApiError::Internal(format!("could not gzip a tile: {err}")))
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
