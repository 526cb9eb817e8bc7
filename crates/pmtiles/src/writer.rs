//! Writing: collect, sort by tile id, hand to pmtiles-rs.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::io::{Seek, SeekFrom, Write};

use pmtiles::{Compression, TileId, TileType};

use crate::{PmTilesError, coord};

/// What goes in the archive's header and metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct WriterOptions {
    /// Tile format recorded in the header.
    pub tile_type: TileType,
    /// How the tiles given to [`PmTilesWriter::add_tile`] are already compressed.
    pub tile_compression: Compression,
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom.
    pub max_zoom: u8,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
    /// `(lon, lat, zoom)`.
    pub center: (f64, f64, u8),
    /// Archive metadata (TileJSON-like); must be a JSON object.
    pub metadata: serde_json::Value,
}

impl Default for WriterOptions {
    fn default() -> Self {
        Self {
            tile_type: TileType::Mvt,
            tile_compression: Compression::Gzip,
            min_zoom: 0,
            max_zoom: 14,
            // The Web Mercator world.
            bounds: [-180.0, -85.051_129, 180.0, 85.051_129],
            center: (0.0, 0.0, 0),
            metadata: serde_json::Value::Object(serde_json::Map::new()),
        }
    }
}

/// Summary of a finished archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Tiles addressed (non-empty tiles added).
    pub tiles: u64,
    /// Distinct tile contents (each stored once).
    pub unique_tiles: u64,
    /// Archive size in bytes.
    pub bytes: u64,
}

/// Collects tiles, then writes them in tile-id order through pmtiles-rs.
pub struct PmTilesWriter {
    options: WriterOptions,
    tiles: BTreeMap<u64, Vec<u8>>,
}

impl PmTilesWriter {
    /// A writer with these options.
    pub fn new(options: WriterOptions) -> Self {
        Self {
            options,
            tiles: BTreeMap::new(),
        }
    }

    /// Add one tile (already compressed as `tile_compression` says). An empty
    /// tile is skipped: PMTiles cannot store zero-length entries.
    pub fn add_tile(&mut self, z: u8, x: u32, y: u32, data: &[u8]) -> Result<(), PmTilesError> {
        let id = TileId::from(coord(z, x, y)?).value();
        let (min, max) = (self.options.min_zoom, self.options.max_zoom);
        if !(min..=max).contains(&z) {
            return Err(PmTilesError::ZoomOutOfRange { z, min, max });
        }
        if data.is_empty() {
            return Ok(());
        }
        match self.tiles.entry(id) {
            Entry::Occupied(_) => Err(PmTilesError::DuplicateTile { z, x, y }),
            Entry::Vacant(v) => {
                v.insert(data.to_vec());
                Ok(())
            }
        }
    }

    /// Write the archive to `out` (which must be empty at the start).
    pub fn finish<W: Write + Seek>(self, mut out: W) -> Result<WriteStats, PmTilesError> {
        let o = &self.options;
        validate(o)?;
        if self.tiles.is_empty() {
            return Err(PmTilesError::Empty);
        }
        let [w, s, e, n] = o.bounds;
        let mut writer = pmtiles::PmTilesWriter::new(o.tile_type)
            .precompressed(o.tile_compression)
            .internal_compression(Compression::Gzip)
            .min_zoom(o.min_zoom)
            .max_zoom(o.max_zoom)
            .bounds(w, s, e, n)
            .center(o.center.0, o.center.1)
            .center_zoom(o.center.2)
            .metadata(o.metadata.to_string())
            .create(&mut out)?;
        // BTreeMap iterates in tile-id order: clustered, deterministic output.
        for (&id, data) in &self.tiles {
            writer.add_tile(TileId::new(id)?.into(), data)?;
        }
        writer.finalize()?;
        let unique: std::collections::HashSet<&[u8]> =
            self.tiles.values().map(Vec::as_slice).collect();
        Ok(WriteStats {
            tiles: self.tiles.len() as u64,
            unique_tiles: unique.len() as u64,
            bytes: out.seek(SeekFrom::End(0))?,
        })
    }
}

/// Options pmtiles-rs would write but a reader could not use.
fn validate(o: &WriterOptions) -> Result<(), PmTilesError> {
    let bad = |m: String| Err(PmTilesError::InvalidOptions(m));
    let [w, s, e, n] = o.bounds;
    let (lon, lat, cz) = o.center;
    if o.min_zoom > o.max_zoom || o.max_zoom > pmtiles::MAX_ZOOM {
        return bad(format!("zoom range {}..={}", o.min_zoom, o.max_zoom));
    }
    let lon_ok = |v: f64| (-180.0..=180.0).contains(&v);
    let lat_ok = |v: f64| (-90.0..=90.0).contains(&v);
    let bounds_ok = lon_ok(w) && lon_ok(e) && lat_ok(s) && lat_ok(n) && w <= e && s <= n;
    if !bounds_ok {
        return bad(format!("bounds {:?}", o.bounds));
    }
    if !(lon_ok(lon) && lat_ok(lat)) || cz > pmtiles::MAX_ZOOM {
        return bad(format!("center {:?}", o.center));
    }
    if !o.metadata.is_object() {
        return bad("metadata must be a JSON object".to_owned());
    }
    Ok(())
}
