//! Reading: pmtiles-rs's reader over an archive held in memory, checked whole
//! on open.

use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures_util::StreamExt;
use pmtiles::{AsyncBackend, AsyncPmTilesReader, BackendResponse, HashMapCache, PmtError, TileId};

use crate::{PmTilesError, coord};

type Inner = AsyncPmTilesReader<MemoryBackend, HashMapCache>;

/// The parts of the header a tile server needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArchiveHeader {
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom.
    pub max_zoom: u8,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
    /// `(lon, lat, zoom)`.
    pub center: (f64, f64, u8),
    /// Tiles addressed, as the header counts them.
    pub addressed_tiles: u64,
    /// How tiles are compressed.
    pub tile_compression: pmtiles::Compression,
    /// Tile format.
    pub tile_type: pmtiles::TileType,
}

/// An archive in memory, checked whole when opened; tiles served by
/// pmtiles-rs with its directory cache.
pub struct PmTilesReader {
    inner: Arc<Inner>,
    header: ArchiveHeader,
    metadata: serde_json::Value,
    entries: usize,
}

impl std::fmt::Debug for PmTilesReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PmTilesReader")
            .field("header", &self.header)
            .field("entries", &self.entries)
            .finish_non_exhaustive()
    }
}

impl PmTilesReader {
    /// Read and check the archive at `path`.
    pub fn open(path: &Path) -> Result<Self, PmTilesError> {
        Self::from_bytes(std::fs::read(path)?)
    }

    /// Check an archive held in memory: header, metadata, every directory
    /// (root and leaves) and every tile's location are read once, so a
    /// damaged archive is refused here rather than failing tile by tile.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Result<Self, PmTilesError> {
        let source = MemoryBackend(bytes.into());
        let inner = ready(AsyncPmTilesReader::try_from_cached_source(
            source,
            HashMapCache::default(),
        ))??;
        let h = inner.get_header();
        if h.spec_version() != 3 {
            return Err(PmTilesError::UnsupportedVersion(h.spec_version()));
        }
        let header = ArchiveHeader {
            min_zoom: h.min_zoom,
            max_zoom: h.max_zoom,
            bounds: [
                h.min_longitude,
                h.min_latitude,
                h.max_longitude,
                h.max_latitude,
            ],
            center: (h.center_longitude, h.center_latitude, h.center_zoom),
            addressed_tiles: h.n_addressed_tiles().map_or(0, u64::from),
            tile_compression: h.tile_compression,
            tile_type: h.tile_type,
        };
        let metadata = read_metadata(&inner)?;
        let inner = Arc::new(inner);
        let entries = check_every_entry(&inner)?;
        Ok(Self {
            inner,
            header,
            metadata,
            entries,
        })
    }

    /// The tile at `z/x/y` as stored (compressed as the header says), or
    /// `None` when the archive has no such tile.
    pub fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<Bytes>, PmTilesError> {
        let id = TileId::from(coord(z, x, y)?);
        Ok(ready(self.inner.get_tile(id))??)
    }

    /// Header fields.
    pub fn header(&self) -> &ArchiveHeader {
        &self.header
    }

    /// The metadata JSON object.
    pub fn metadata(&self) -> Result<serde_json::Value, PmTilesError> {
        Ok(self.metadata.clone())
    }

    /// Directory entries (each a tile or a run of identical tiles).
    pub fn entries(&self) -> usize {
        self.entries
    }
}

fn read_metadata(inner: &Inner) -> Result<serde_json::Value, PmTilesError> {
    let text = ready(inner.get_metadata())??;
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) if v.is_object() => Ok(v),
        Ok(_) => Err(PmTilesError::Metadata("not an object".to_owned())),
        Err(e) => Err(PmTilesError::Metadata(e.to_string())),
    }
}

/// Walk every directory and read the first tile of every entry, so bad
/// offsets, lengths and leaf pointers surface now. Returns the entry count.
fn check_every_entry(inner: &Arc<Inner>) -> Result<usize, PmTilesError> {
    let mut stream = Arc::clone(inner).entries();
    let mut n = 0;
    while let Some(entry) = ready(stream.next())? {
        let entry = entry?;
        let Some(id) = entry.iter_coords().next() else {
            return Err(PmTilesError::Corrupt(
                "a directory entry with no tiles".to_owned(),
            ));
        };
        if ready(inner.get_tile(id))??.is_none() {
            return Err(PmTilesError::Corrupt(format!(
                "tile {} is listed but cannot be found",
                id.value()
            )));
        }
        n += 1;
    }
    if n == 0 {
        return Err(PmTilesError::Corrupt("no tiles".to_owned()));
    }
    Ok(n)
}

/// pmtiles-rs's reader is async because its backends may be remote. Ours is
/// in memory and the directory cache is a map, so every future it returns is
/// ready on its first poll; this polls once and never blocks.
fn ready<F: Future>(f: F) -> Result<F::Output, PmTilesError> {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Ok(v),
        Poll::Pending => Err(PmTilesError::Corrupt(
            "an in-memory read did not complete at once".to_owned(),
        )),
    }
}

/// An archive held in memory, as a pmtiles-rs backend.
struct MemoryBackend(Bytes);

impl AsyncBackend for MemoryBackend {
    fn read(
        &self,
        offset: u64,
        length: usize,
    ) -> impl Future<Output = Result<BackendResponse, PmtError>> + Send {
        let len = self.0.len();
        let result = usize::try_from(offset)
            .ok()
            .filter(|&start| start <= len)
            .map(|start| {
                BackendResponse::new(self.0.slice(start..start.saturating_add(length).min(len)))
            })
            .ok_or_else(|| PmtError::Reading(std::io::ErrorKind::UnexpectedEof.into()));
        std::future::ready(result)
    }
}
