//! The atlas as tile sets: one layer per geography, plus basemap, GP and green-space layers.
//!
//! Each geography's features carry a stable integer id made from the digits of the ONS code
//! (E01011264 → 1011264), their code and name, and the catalogue indicators marked `in_tiles`.
//! Context layers are banded by zoom so each zoom carries only what it needs (motorways and A
//! roads at low zoom, every road from z11).
//!
//! A server names the sets at once and builds each on first use ([`AtlasTiles::lazy`]);
//! `tiles build` and the tests build them all in parallel, one job per set, heaviest first
//! ([`AtlasTiles::from_atlas`]).

mod context;
mod geography;
mod tileindex;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use equimap_atlas::{Atlas, Geography};
use serde_json::{Value, json};

use crate::{LayerIndex, PropValue, TileError, TileOptions, concat_tiles};

pub use geography::{
    DENSE_FEATURES, GeographyLayer, TILE_BUDGET, geography_layer, geography_layer_within,
};
pub use tileindex::{TileGeometry, index_path, write_tile_indexes, write_tile_indexes_with};

/// A layer whose content depends on the zoom: the band with the highest minimum zoom not above
/// the requested zoom is used.
pub(crate) struct Banded {
    name: String,
    bands: Vec<(u8, LayerIndex)>,
    fields: BTreeMap<String, &'static str>,
    description: String,
}

impl TileSetEntry {
    /// Bytes its layers hold in memory.
    fn heap_bytes(&self) -> usize {
        self.layers
            .iter()
            .flat_map(|l| &l.bands)
            .map(|(_, index)| index.heap_bytes())
            .sum()
    }
}

impl Banded {
    fn at(&self, z: u8) -> Option<&LayerIndex> {
        self.bands
            .iter()
            .rev()
            .find(|(min, _)| *min <= z)
            .map(|(_, l)| l)
    }
}

/// A tile set: one or more layers served together under one name.
pub(crate) struct TileSetEntry {
    layers: Vec<Banded>,
    min_zoom: u8,
    attribution: String,
    description: String,
}

/// One tile set to build.
#[derive(Clone, Copy)]
enum Job {
    Geography(Geography),
    Basemap,
    Gp,
    Green(context::Green),
}

/// A tile set, built the first time it is asked for (or at once by
/// [`AtlasTiles::from_atlas`]). A failed build is kept, so every request for the set gets the
/// same error rather than building again.
struct LazySet {
    job: Job,
    built: OnceLock<Result<TileSetEntry, TileError>>,
}

/// The tile sets an atlas has, named, without building any: geographies from the atlas, the
/// context sets from the reference layers the manifest lists. Heaviest first.
fn plan(atlas: &Atlas) -> Vec<(String, Job)> {
    let mut geographies: Vec<Geography> = atlas.geographies.keys().copied().collect();
    geographies.sort_by_key(|g| std::cmp::Reverse(atlas.geographies[g].areas.len()));
    let mut jobs: Vec<(String, Job)> = geographies
        .into_iter()
        .map(|g| (g.id().to_owned(), Job::Geography(g)))
        .collect();
    let layers = &atlas.manifest.reference_layers;
    let mut context = Vec::new();
    if context::BASEMAP_FILES
        .iter()
        .any(|f| layers.contains_key(*f))
    {
        context.push(("basemap", Job::Basemap));
    }
    for (name, file, job) in [
        (
            "greenspace",
            "greenspace_sites",
            Job::Green(context::Green::Sites),
        ),
        ("gp", "gp_practices", Job::Gp),
        (
            "greenspace_access",
            "greenspace_access",
            Job::Green(context::Green::Access),
        ),
    ] {
        if layers.contains_key(file) {
            context.push((name, job));
        }
    }
    let at = jobs.len().min(2);
    jobs.splice(at..at, context.into_iter().map(|(n, j)| (n.to_owned(), j)));
    jobs
}

/// Builds one tile set (a geography's from its tile index file where `indexes` has a checked
/// one). A context set whose files hold nothing is an empty set.
fn build_set(
    atlas: &Atlas,
    job: Job,
    budget: usize,
    indexes: &Indexes,
) -> Result<TileSetEntry, TileError> {
    let built = match job {
        Job::Geography(g) => {
            let ogl = atlas.manifest.attribution.join("; ");
            let from_index = indexes.sound.get(&g).map(|h| (h, indexes.with_base));
            Some(geography::geography_set(atlas, g, budget, &ogl, from_index)?.1)
        }
        Job::Basemap => context::basemap_set(atlas)?.map(|s| s.1),
        Job::Gp => context::gp_set(atlas)?.map(|s| s.1),
        Job::Green(which) => context::green_set(atlas, which)?.map(|s| s.1),
    };
    Ok(built.unwrap_or_else(|| TileSetEntry {
        layers: Vec::new(),
        min_zoom: 0,
        attribution: String::new(),
        description: String::new(),
    }))
}

/// What a lazy [`AtlasTiles`] builds its sets from.
struct Source {
    atlas: Arc<Atlas>,
    budget: usize,
    indexes: Indexes,
}

/// The tile index files checked when the atlas was opened.
#[derive(Default)]
struct Indexes {
    /// Geographies with a sound file, and their boundary file's SHA-256.
    sound: BTreeMap<Geography, [u8; 32]>,
    /// Read the full-detail geometry too (tiles are served beyond the precomputed zooms).
    with_base: bool,
}

/// Every tile set of an atlas, each built on first use (see [`AtlasTiles::lazy`]) or all at
/// once ([`AtlasTiles::from_atlas`]). Built sets are immutable and shared by every thread.
pub struct AtlasTiles {
    sets: BTreeMap<String, LazySet>,
    source: Option<Source>,
    bounds: [f64; 4],
    /// The highest zoom tiles are served at.
    pub max_zoom: u8,
}

/// The bounds of the atlas's districts, lon/lat.
fn atlas_bounds(atlas: &Atlas) -> [f64; 4] {
    atlas
        .areas(Geography::District)
        .and_then(|s| {
            use geo::BoundingRect;
            s.areas
                .iter()
                .filter_map(|a| a.geometry.bounding_rect())
                .reduce(|a, b| {
                    geo::Rect::new(
                        geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                        geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
                    )
                })
        })
        .map_or([-180.0, -85.0, 180.0, 85.0], |r| {
            [r.min().x, r.min().y, r.max().x, r.max().y]
        })
}

/// The stable feature id of an area: the digits of its code.
pub fn area_id(code: &str) -> u64 {
    code.bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
}

/// Numeric properties parsed from their stored text, so tiles carry numbers a style can
/// compare. A value that does not parse is an error naming the file, feature and field.
pub(crate) fn number_props(
    props: &BTreeMap<String, String>,
    keys: &[&str],
    path: &std::path::Path,
    row: usize,
) -> Result<Vec<(String, PropValue)>, TileError> {
    keys.iter()
        .filter_map(|k| Some((*k, props.get(*k)?)))
        .map(|(k, v)| {
            let n = v.trim().parse::<f64>().map_err(|_| {
                TileError::InvalidOptions(format!(
                    "{}: feature {row}, field {k}: {v:?} is not a number",
                    path.display()
                ))
            })?;
            Ok((k.to_owned(), PropValue::Double(n)))
        })
        .collect()
}

pub(crate) fn text_props(
    props: &BTreeMap<String, String>,
    keys: &[&str],
) -> Vec<(String, PropValue)> {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), PropValue::String(props.get(*k)?.clone()))))
        .collect()
}

impl AtlasTiles {
    fn planned(atlas: &Atlas, max_zoom: u8, source: Option<Source>) -> Self {
        let sets = plan(atlas)
            .into_iter()
            .map(|(name, job)| {
                let set = LazySet {
                    job,
                    built: OnceLock::new(),
                };
                (name, set)
            })
            .collect();
        Self {
            sets,
            source,
            bounds: atlas_bounds(atlas),
            max_zoom,
        }
    }

    /// Every tile set built at once, in parallel (the jobs shared among the machine's cores,
    /// heaviest first so the threads finish together). Takes about a second for Leeds; what
    /// `tiles build` and the tests use.
    pub fn from_atlas(atlas: &Atlas, max_zoom: u8) -> Result<Self, TileError> {
        Self::from_atlas_within(atlas, max_zoom, TILE_BUDGET)
    }

    /// [`AtlasTiles::from_atlas`] with another byte budget for the geography layers' busiest
    /// tiles (see [`geography_layer`]).
    pub fn from_atlas_within(
        atlas: &Atlas,
        max_zoom: u8,
        budget: usize,
    ) -> Result<Self, TileError> {
        let tiles = Self::planned(atlas, max_zoom, None);
        let order = plan(atlas);
        let jobs: Vec<&LazySet> = order
            .iter()
            .filter_map(|(n, _)| tiles.sets.get(n))
            .collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .clamp(1, jobs.len().max(1));
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    while let Some(set) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        set.built
                            .get_or_init(|| build_set(atlas, set.job, budget, &Indexes::default()));
                    }
                });
            }
        });
        for set in tiles.sets.values() {
            if let Some(Err(e)) = set.built.get() {
                return Err(e.clone());
            }
        }
        Ok(tiles)
    }

    /// Tile sets named at once and each built the first time it is asked for
    /// ([`AtlasTiles::render`], [`AtlasTiles::tilejson`], [`AtlasTiles::prepare`]): a server is
    /// ready without building any, and a first request waits for its own set only (England's
    /// LSOA 2021 layer takes seconds; Leeds' sets a fraction of a second each). Two requests
    /// for an unbuilt set build it once: the second waits for the first.
    pub fn lazy(atlas: Arc<Atlas>, max_zoom: u8) -> Self {
        Self::lazy_within(atlas, max_zoom, TILE_BUDGET)
    }

    /// [`AtlasTiles::lazy`] with another byte budget (see [`geography_layer`]).
    pub fn lazy_within(atlas: Arc<Atlas>, max_zoom: u8, budget: usize) -> Self {
        let mut tiles = Self::planned(&atlas, max_zoom, None);
        tiles.source = Some(Source {
            atlas,
            budget,
            indexes: Indexes::default(),
        });
        tiles
    }

    /// [`AtlasTiles::lazy`] over the atlas's tile index files, what a server uses: every file
    /// present is checked now (read whole: checksum, format, the boundary file it was built
    /// from), and an unsound one is an error naming it; each geography set is then read from its
    /// file on first use instead of built (England's LSOAs: a fraction of a second instead of
    /// seconds, and no transient memory of a build). A geography without a file is built as
    /// [`AtlasTiles::lazy`] builds it. The full-detail geometry is read only when `max_zoom` is
    /// beyond the precomputed zooms.
    pub fn open(atlas: Arc<Atlas>, max_zoom: u8) -> Result<Self, TileError> {
        let sound = tileindex::check(&atlas)?;
        let with_base = max_zoom > geography::index_options().max_zoom;
        let mut tiles = Self::planned(&atlas, max_zoom, None);
        tiles.source = Some(Source {
            atlas,
            budget: TILE_BUDGET,
            indexes: Indexes { sound, with_base },
        });
        Ok(tiles)
    }

    /// The geographies whose sets are (or will be) read from a tile index file.
    pub fn indexed(&self) -> Vec<&'static str> {
        self.source.as_ref().map_or_else(Vec::new, |s| {
            s.indexes.sound.keys().map(|g| g.id()).collect()
        })
    }

    /// Writes the tile index file of every geography set built so far into the atlas directory
    /// `dir` (what `tiles build` does after building every set). Returns the files written.
    pub fn write_index_files(
        &self,
        dir: &std::path::Path,
    ) -> Result<Vec<std::path::PathBuf>, TileError> {
        let mut written = Vec::new();
        for set in self.sets.values() {
            let (Job::Geography(g), Some(Ok(entry))) = (set.job, set.built.get()) else {
                continue;
            };
            if let Some((_, index)) = entry.layers.first().and_then(|l| l.bands.first()) {
                written.push(tileindex::write(dir, g, index)?);
            }
        }
        Ok(written)
    }

    /// The built set of this name, building it now if need be; `Ok(None)` for an unknown name.
    fn set(&self, name: &str) -> Result<Option<&TileSetEntry>, TileError> {
        let Some(set) = self.sets.get(name) else {
            return Ok(None);
        };
        let built = set.built.get_or_init(|| match &self.source {
            Some(s) => build_set(&s.atlas, set.job, s.budget, &s.indexes),
            None => Err(TileError::InvalidOptions(format!(
                "tile set {name} was not built"
            ))),
        });
        built.as_ref().map(Some).map_err(Clone::clone)
    }

    /// Build a set now if it is not built yet (a server calls this off its async threads
    /// before rendering from a set not yet built). `Ok(false)` for an unknown name.
    pub fn prepare(&self, name: &str) -> Result<bool, TileError> {
        Ok(self.set(name)?.is_some())
    }

    /// Whether a set is built (or its build has failed): rendering from it will not build.
    /// True for an unknown name, which has nothing to build.
    pub fn is_built(&self, name: &str) -> bool {
        self.sets.get(name).is_none_or(|s| s.built.get().is_some())
    }

    /// The sets built so far, with the bytes their layers hold in memory.
    pub fn built(&self) -> Vec<(&str, usize)> {
        self.sets
            .iter()
            .filter_map(|(n, s)| match s.built.get() {
                Some(Ok(e)) => Some((n.as_str(), e.heap_bytes())),
                _ => None,
            })
            .collect()
    }

    /// A built set's memory by part (see [`LayerIndex::heap_breakdown`]), summed over its
    /// layers; `None` if the set is not built.
    pub fn breakdown(&self, name: &str) -> Option<[(&'static str, usize); 4]> {
        let Some(Ok(set)) = self.sets.get(name)?.built.get() else {
            return None;
        };
        let mut sum = [("", 0); 4];
        for index in set.layers.iter().flat_map(|l| &l.bands).map(|b| &b.1) {
            for (total, (part, bytes)) in sum.iter_mut().zip(index.heap_breakdown()) {
                *total = (part, total.1 + bytes);
            }
        }
        Some(sum)
    }

    /// The names of the tile sets.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sets.keys().map(String::as_str)
    }

    /// True if a tile set has this name.
    pub fn contains(&self, name: &str) -> bool {
        self.sets.contains_key(name)
    }

    /// Bounds of the atlas, lon/lat.
    pub fn bounds(&self) -> [f64; 4] {
        self.bounds
    }

    /// Render one tile of a set, uncompressed, building the set first if need be; `None` for an
    /// unknown set, an empty Vec for an empty tile.
    pub fn render(
        &self,
        name: &str,
        z: u8,
        x: u32,
        y: u32,
        opts: &TileOptions,
    ) -> Result<Option<Vec<u8>>, TileError> {
        let Some(set) = self.set(name)? else {
            return Ok(None);
        };
        let mut parts = Vec::with_capacity(set.layers.len());
        for layer in &set.layers {
            if let Some(index) = layer.at(z) {
                let t = index.tile(z, x, y, opts)?;
                if !t.is_empty() {
                    parts.push(t);
                }
            }
        }
        Ok(Some(if parts.len() == 1 {
            parts.pop().unwrap_or_default()
        } else {
            concat_tiles(&parts)
        }))
    }

    /// Render a tile with every layer of every set, for a single-archive export.
    pub fn render_all(
        &self,
        z: u8,
        x: u32,
        y: u32,
        opts: &TileOptions,
    ) -> Result<Vec<u8>, TileError> {
        let mut parts = Vec::new();
        for name in self.sets.keys() {
            if let Some(t) = self.render(name, z, x, y, opts)?
                && !t.is_empty()
            {
                parts.push(t);
            }
        }
        Ok(concat_tiles(&parts))
    }

    fn vector_layers(&self, sets: &[&TileSetEntry]) -> Vec<Value> {
        sets.iter()
            .flat_map(|s| s.layers.iter().map(move |l| (s, l)))
            .map(|(s, l)| {
                let mut v = json!({ "id": l.name, "description": l.description, "fields": l.fields, "minzoom": l.bands.first().map_or(s.min_zoom, |b| b.0), "maxzoom": self.max_zoom });
                // Fields a dense layer leaves out of its low zooms (see `DETAIL_FEATURES`), so a
                // client can say "zoom in" rather than "no data".
                let later: BTreeMap<&String, u8> = l
                    .fields
                    .keys()
                    .filter_map(|k| {
                        let z = l.bands.first()?.1.property_min_zoom(k);
                        (z > 0).then_some((k, z))
                    })
                    .collect();
                if !later.is_empty() {
                    v["fields_minzoom"] = json!(later);
                }
                v
            })
            .collect()
    }

    /// TileJSON 3.0 for a set (built first if need be); `tiles_url` is the template with
    /// `{z}/{x}/{y}`. `Ok(None)` for an unknown set.
    pub fn tilejson(&self, name: &str, tiles_url: &str) -> Result<Option<Value>, TileError> {
        let Some(set) = self.set(name)? else {
            return Ok(None);
        };
        let b = self.bounds;
        Ok(Some(json!({
            "tilejson": "3.0.0",
            "name": name,
            "description": set.description,
            "version": "1.0.0",
            "scheme": "xyz",
            "tiles": [tiles_url],
            "minzoom": set.min_zoom,
            "maxzoom": self.max_zoom,
            "bounds": b,
            "center": [f64::midpoint(b[0], b[2]), f64::midpoint(b[1], b[3]), 10],
            "attribution": set.attribution,
            "vector_layers": self.vector_layers(&[set]),
        })))
    }

    /// Metadata for a single archive holding every set (each built first if need be).
    pub fn archive_metadata(&self, name: &str) -> Result<Value, TileError> {
        let mut sets = Vec::new();
        for n in self.sets.keys() {
            sets.extend(self.set(n)?);
        }
        let attribution: std::collections::BTreeSet<&str> = sets
            .iter()
            .map(|s| s.attribution.as_str())
            .filter(|a| !a.is_empty())
            .collect();
        Ok(json!({
            "name": name,
            "format": "pbf",
            "vector_layers": self.vector_layers(&sets),
            "attribution": attribution.into_iter().collect::<Vec<_>>().join("; "),
        }))
    }
}
