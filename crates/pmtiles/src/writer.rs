//! In-memory, deduplicating, deterministic PMTiles v3 writer.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::io::{BufWriter, Write};
use std::sync::Arc;

use crate::PmTilesError;
use crate::directory::{self, Entry};
use crate::header::{Compression, HEADER_LEN, Header, MAX_INITIAL_BYTES, TileType};
use crate::hilbert::{MAX_ZOOM, try_tile_id};

/// Archive-level settings written to the header and metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct WriterOptions {
    /// Tile content type (default [`TileType::Mvt`]).
    pub tile_type: TileType,
    /// How the tile bytes given to [`PmTilesWriter::add_tile`] are *already*
    /// compressed; the writer never re-encodes tiles (default gzip).
    pub tile_compression: Compression,
    /// Lowest zoom; tiles below it are rejected (default 0).
    pub min_zoom: u8,
    /// Highest zoom; tiles above it are rejected (default 14).
    pub max_zoom: u8,
    /// `[min_lon, min_lat, max_lon, max_lat]` in WGS84 degrees.
    pub bounds: [f64; 4],
    /// `(lon, lat, zoom)` of the suggested initial view.
    pub center: (f64, f64, u8),
    /// JSON object stored as the archive metadata (TileJSON-like:
    /// `vector_layers`, `attribution`, `name`, `description`, …).
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
    /// Tiles addressed (every `add_tile` call with non-empty data).
    pub tiles: u64,
    /// Distinct tile blobs stored after deduplication.
    pub unique_tiles: u64,
    /// Directory entries after run-length encoding.
    pub entries: u64,
    /// Number of leaf directories (0 when everything fits in the root).
    pub leaf_directories: u64,
    /// Header + root directory bytes (always ≤ 16,384).
    pub initial_bytes: u64,
    /// Total archive size in bytes.
    pub bytes: u64,
}

/// Collects tiles, deduplicates identical contents and writes a clustered
/// PMTiles v3 archive.
///
/// Everything is held in memory until [`finish`](Self::finish): every
/// *distinct* tile blob once, plus well under 100 bytes per addressed tile. That
/// suits a city-scale tileset (hundreds of MB at most); it is not meant for
/// planet-scale archives. Output bytes depend only on the set of tiles and
/// the options, not on the order of `add_tile` calls.
#[derive(Debug)]
pub struct PmTilesWriter {
    opts: WriterOptions,
    /// Tile id → index into `contents`.
    tiles: HashMap<u64, u32>,
    /// Distinct tile blobs in first-seen order (the order only affects the
    /// indices, never the output, which is laid out by tile id).
    contents: Vec<Arc<[u8]>>,
    /// Blob → index into `contents`, for deduplication by full content.
    index: HashMap<Arc<[u8]>, u32>,
}

impl PmTilesWriter {
    /// Starts an empty archive with the given options (validated in `finish`).
    pub fn new(opts: WriterOptions) -> Self {
        Self {
            opts,
            tiles: HashMap::new(),
            contents: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Adds one tile's (already compressed) bytes. Empty `data` means "no
    /// tile here" and is skipped. Identical blobs are stored once.
    pub fn add_tile(&mut self, z: u8, x: u32, y: u32, data: &[u8]) -> Result<(), PmTilesError> {
        if data.is_empty() {
            return Ok(());
        }
        let id = try_tile_id(z, x, y).ok_or(PmTilesError::InvalidCoord { z, x, y })?;
        if z < self.opts.min_zoom || z > self.opts.max_zoom {
            return Err(PmTilesError::ZoomOutOfRange {
                z,
                min: self.opts.min_zoom,
                max: self.opts.max_zoom,
            });
        }
        if u32::try_from(data.len()).is_err() {
            return Err(PmTilesError::TooLarge {
                what: "tile",
                limit: u32::MAX as usize,
            });
        }
        let MapEntry::Vacant(slot) = self.tiles.entry(id) else {
            // Rejecting (rather than last-wins) keeps output independent of
            // insertion order.
            return Err(PmTilesError::DuplicateTile { z, x, y });
        };
        let content = if let Some(&i) = self.index.get(data) {
            i
        } else {
            let i = u32::try_from(self.contents.len()).map_err(|_| PmTilesError::TooLarge {
                what: "distinct tile count",
                limit: u32::MAX as usize,
            })?;
            let blob: Arc<[u8]> = Arc::from(data);
            self.contents.push(Arc::clone(&blob));
            self.index.insert(blob, i);
            i
        };
        slot.insert(content);
        Ok(())
    }

    /// Lays out and writes the archive: header, root directory, metadata,
    /// leaf directories, tile data (sorted by tile id, deduplicated).
    pub fn finish(self, out: &mut impl Write) -> Result<WriteStats, PmTilesError> {
        validate(&self.opts)?;
        if self.tiles.is_empty() {
            // The spec requires non-empty directories.
            return Err(PmTilesError::Empty);
        }
        let mut sorted: Vec<(u64, u32)> = self.tiles.into_iter().collect();
        sorted.sort_unstable_by_key(|&(id, _)| id);

        // Clustered layout: each blob goes where its first (lowest) tile id
        // needs it; later duplicates point back to it.
        let mut placed: Vec<Option<u64>> = vec![None; self.contents.len()];
        let mut data_order: Vec<u32> = Vec::with_capacity(self.contents.len());
        let mut data_len = 0u64;
        let mut entries: Vec<Entry> = Vec::new();
        for &(id, content) in &sorted {
            let blob = &self.contents[content as usize];
            let length = blob.len() as u32; // checked in add_tile
            let offset = *placed[content as usize].get_or_insert_with(|| {
                data_order.push(content);
                let at = data_len;
                data_len += u64::from(length);
                at
            });
            // Same offset ⇔ same blob, so a contiguous id with the same
            // offset extends the current run.
            if let Some(last) = entries.last_mut()
                && last.offset == offset
                && last.tile_id + u64::from(last.run_length) == id
                && last.run_length < u32::MAX
            {
                last.run_length += 1;
                continue;
            }
            entries.push(Entry {
                tile_id: id,
                offset,
                length,
                run_length: 1,
            });
        }

        let (root, leaves, leaf_count) = build_directories(&entries)?;
        let metadata = directory::gzip(&serde_json::to_vec(&self.opts.metadata)?)?;

        let root_offset = HEADER_LEN as u64;
        let metadata_offset = root_offset + root.len() as u64;
        let leaf_offset = metadata_offset + metadata.len() as u64;
        let data_offset = leaf_offset + leaves.len() as u64;
        let header = Header {
            spec_version: 3,
            root_offset,
            root_length: root.len() as u64,
            metadata_offset,
            metadata_length: metadata.len() as u64,
            leaf_offset,
            leaf_length: leaves.len() as u64,
            data_offset,
            data_length: data_len,
            addressed_tiles: sorted.len() as u64,
            tile_entries: entries.len() as u64,
            tile_contents: self.contents.len() as u64,
            clustered: true,
            internal_compression: Compression::Gzip,
            tile_compression: self.opts.tile_compression,
            tile_type: self.opts.tile_type,
            min_zoom: self.opts.min_zoom,
            max_zoom: self.opts.max_zoom,
            bounds: self.opts.bounds,
            center: self.opts.center,
        };

        // Callers often pass a bare File; tile blobs are small writes.
        let mut w = BufWriter::new(out);
        w.write_all(&header.to_bytes())?;
        w.write_all(&root)?;
        w.write_all(&metadata)?;
        w.write_all(&leaves)?;
        for &content in &data_order {
            w.write_all(&self.contents[content as usize])?;
        }
        w.flush()?;

        Ok(WriteStats {
            tiles: header.addressed_tiles,
            unique_tiles: header.tile_contents,
            entries: header.tile_entries,
            leaf_directories: leaf_count,
            initial_bytes: metadata_offset,
            bytes: data_offset + data_len,
        })
    }
}

fn validate(o: &WriterOptions) -> Result<(), PmTilesError> {
    let bad = |msg: String| Err(PmTilesError::InvalidOptions(msg));
    if o.min_zoom > o.max_zoom || o.max_zoom > MAX_ZOOM {
        return bad(format!(
            "zoom range {}..={} must satisfy min <= max <= {MAX_ZOOM}",
            o.min_zoom, o.max_zoom
        ));
    }
    let [w, s, e, n] = o.bounds;
    let lon_ok = |v: f64| (-180.0..=180.0).contains(&v);
    let lat_ok = |v: f64| (-90.0..=90.0).contains(&v);
    // RangeInclusive::contains is false for NaN, so this also rejects NaN.
    if !(lon_ok(w) && lon_ok(e) && lat_ok(s) && lat_ok(n) && w <= e && s <= n) {
        return bad(format!("bounds {:?} are not a lon/lat box", o.bounds));
    }
    if !(lon_ok(o.center.0) && lat_ok(o.center.1)) || o.center.2 > MAX_ZOOM {
        return bad(format!("center {:?} is not a lon/lat/zoom", o.center));
    }
    if !o.metadata.is_object() {
        return bad("metadata must be a JSON object".to_owned());
    }
    Ok(())
}

/// Space for the root directory in the first 16 KiB, after the header.
const ROOT_BUDGET: usize = MAX_INITIAL_BYTES - HEADER_LEN;

/// Returns `(root, leaves, leaf_count)`, all gzip-compressed.
///
/// Mirrors the reference writers: keep everything in the root if it fits,
/// otherwise split entries into equal leaves (≥ 4096 entries each) and grow
/// the leaf size by 20% until the root of leaf pointers fits. The loop ends
/// because a single leaf needs a one-entry root.
fn build_directories(entries: &[Entry]) -> Result<(Vec<u8>, Vec<u8>, u64), PmTilesError> {
    let root = directory::gzip(&directory::encode(entries))?;
    if root.len() <= ROOT_BUDGET {
        return Ok((root, Vec::new(), 0));
    }
    let mut leaf_size = (entries.len() / 3500).max(4096);
    loop {
        let mut leaves = Vec::new();
        let mut pointers = Vec::new();
        for chunk in entries.chunks(leaf_size) {
            let leaf = directory::gzip(&directory::encode(chunk))?;
            pointers.push(Entry {
                tile_id: chunk[0].tile_id,
                offset: leaves.len() as u64,
                length: u32::try_from(leaf.len()).map_err(|_| PmTilesError::TooLarge {
                    what: "leaf directory",
                    limit: u32::MAX as usize,
                })?,
                run_length: 0,
            });
            leaves.extend_from_slice(&leaf);
        }
        let root = directory::gzip(&directory::encode(&pointers))?;
        if root.len() <= ROOT_BUDGET {
            return Ok((root, leaves, pointers.len() as u64));
        }
        leaf_size += leaf_size / 5;
    }
}
