//! The geography layers' tile index files, `geographies/<geography>.tileindex` beside each
//! boundary file: written when the atlas is built (`equimap ingest`, `equimap tiles build`),
//! checked whole when a server opens the atlas, read whole on a layer's first use.
//!
//! A file that is present must be sound: damaged, truncated, of another format or built from
//! another boundary file (its SHA-256 is recorded), it is refused with its path. A missing
//! file is not an error: that layer is built from the boundaries on first use, as before the
//! files existed (an atlas written by an older ingest still serves, only slower to its first
//! tile).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::Mutex;

use equimap_atlas::{Area, Atlas, Geography};
use sha2::Digest;

use super::geography::{full_index, full_index_from, geometry_only, index_options};
use crate::{LayerIndex, TileError};

/// Where a geography's tile index file lives in an atlas directory.
pub fn index_path(dir: &Path, g: Geography) -> PathBuf {
    Atlas::geography_path(dir, g).with_extension("tileindex")
}

fn file_error(path: &Path, message: impl std::fmt::Display) -> TileError {
    TileError::IndexFile {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// The SHA-256 of a geography's boundary file, as read from disk.
pub(crate) fn source_hash(dir: &Path, g: Geography) -> Result<[u8; 32], TileError> {
    let path = Atlas::geography_path(dir, g);
    let mut file = std::fs::File::open(&path).map_err(|e| file_error(&path, e))?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| file_error(&path, e))?;
    Ok(hasher.finalize().into())
}

/// A geography whose tile index file is sound, with its boundary file's hash; `None` where
/// there is no file.
type Checked = Option<(Geography, [u8; 32])>;

/// The geographies whose tile index file is present and sound, each with its boundary file's
/// hash; the first file present but unsound is an error naming it. Every file is read whole
/// (checksum) and every boundary file hashed, one thread per geography.
pub(crate) fn check(atlas: &Atlas) -> Result<BTreeMap<Geography, [u8; 32]>, TileError> {
    let dir = atlas.dir.as_path();
    let results: Vec<Result<Checked, TileError>> = std::thread::scope(|s| {
        let jobs: Vec<_> = atlas
            .geographies
            .keys()
            .map(|&g| s.spawn(move || check_one(dir, g)))
            .collect();
        jobs.into_iter()
            .map(|j| j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut sound = BTreeMap::new();
    for r in results {
        if let Some((g, hash)) = r? {
            sound.insert(g, hash);
        }
    }
    Ok(sound)
}

fn check_one(dir: &Path, g: Geography) -> Result<Checked, TileError> {
    let path = index_path(dir, g);
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error(&path, e)),
    };
    let len = file.metadata().map_err(|e| file_error(&path, e))?.len();
    let hash = source_hash(dir, g)?;
    crate::store::verify(std::io::BufReader::new(file), len, &hash)
        .map_err(|e| file_error(&path, e))?;
    Ok(Some((g, hash)))
}

/// Reads a geography's layer from its tile index file (already checked by [`check`], so an
/// error here means the file changed since).
pub(crate) fn read(
    atlas: &Atlas,
    g: Geography,
    hash: &[u8; 32],
    features: impl IntoIterator<Item = (u64, Vec<(String, crate::PropValue)>)>,
    with_base: bool,
) -> Result<LayerIndex, TileError> {
    let path = index_path(&atlas.dir, g);
    let bytes = std::fs::read(&path).map_err(|e| file_error(&path, e))?;
    LayerIndex::from_index_file(g.id(), &bytes, hash, &index_options(), features, with_base)
        .map_err(|e| file_error(&path, e))
}

/// Writes `index`'s tile index file for geography `g` of the atlas in `dir`.
pub(crate) fn write(dir: &Path, g: Geography, index: &LayerIndex) -> Result<PathBuf, TileError> {
    let hash = source_hash(dir, g)?;
    let path = index_path(dir, g);
    let bytes = index.index_file(&index_options(), &hash);
    std::fs::write(&path, bytes).map_err(|e| file_error(&path, e))?;
    Ok(path)
}

/// Builds every geography's layer (its shared-arc simplification, and the zooms that keep its
/// busiest tiles within the byte budget) and writes its tile index file into the atlas
/// directory; the geographies are shared among the machine's cores, heaviest first. Returns
/// the files written.
pub fn write_tile_indexes(atlas: &Atlas) -> Result<Vec<PathBuf>, TileError> {
    write_tile_indexes_with(atlas, Vec::new())
}

/// A geography's layer geometry (the shared-arc simplification at every zoom, most of a tile
/// index file's making) built from its areas before the atlas is written, so that the ingest
/// makes it while it makes the indicators; properties are attached, and the byte budget
/// searched, when [`write_tile_indexes_with`] writes the file.
pub struct TileGeometry {
    g: Geography,
    index: Result<LayerIndex, TileError>,
}

impl TileGeometry {
    /// The geometry of geography `g`'s layer, from `areas` in the order the atlas holds them.
    pub fn build(g: Geography, areas: &[Area]) -> Self {
        Self {
            g,
            index: geometry_only(g, areas),
        }
    }
}

/// Whether two area lists hold the same areas (codes and boundaries) in the same order.
fn same_areas(a: &[Area], b: &[Area]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.code == y.code && x.geometry == y.geometry)
}

/// [`write_tile_indexes`], each geography's geometry taken from `prebuilt` (with the areas it
/// was built from) where those areas equal the loaded atlas's, area by area, code and boundary;
/// otherwise, or where building it failed, built from the atlas as it loaded. What the ingest
/// calls once the atlas loads: the files are those [`write_tile_indexes`] writes.
pub fn write_tile_indexes_with(
    atlas: &Atlas,
    prebuilt: Vec<(&[Area], TileGeometry)>,
) -> Result<Vec<PathBuf>, TileError> {
    let mut ready: BTreeMap<Geography, LayerIndex> = BTreeMap::new();
    for (used, geometry) in prebuilt {
        let loaded = atlas
            .geographies
            .get(&geometry.g)
            .map(|s| s.areas.as_slice());
        if let (Some(loaded), Ok(index)) = (loaded, geometry.index)
            && same_areas(used, loaded)
        {
            ready.insert(geometry.g, index);
        }
    }
    let mut order: Vec<(Geography, Mutex<Option<LayerIndex>>)> = atlas
        .geographies
        .keys()
        .map(|&g| (g, Mutex::new(ready.remove(&g))))
        .collect();
    order.sort_by_key(|(g, _)| std::cmp::Reverse(atlas.geographies[g].areas.len()));
    let mut written = crate::parallel::in_parallel(&order, |(g, geometry)| {
        let geometry = geometry.lock().ok().and_then(|mut i| i.take());
        let index = match geometry {
            Some(geometry) => full_index_from(atlas, *g, geometry),
            None => full_index(atlas, *g),
        };
        index.and_then(|i| write(&atlas.dir, *g, &i))
    });
    written.sort_by(|a, b| match (a, b) {
        (Ok(a), Ok(b)) => a.cmp(b),
        (Err(_), Ok(_)) => std::cmp::Ordering::Less,
        (Ok(_), Err(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => std::cmp::Ordering::Equal,
    });
    written.into_iter().collect()
}
