//! The atlas as tile sets: one layer per geography, plus basemap, GP and green-space layers.
//!
//! Each geography's features carry a stable integer id made from the digits of the ONS code
//! (E01011264 → 1011264), their code and name, and the catalogue indicators marked `in_tiles`.
//! Context layers are banded by zoom so each zoom carries only what it needs (motorways and A
//! roads at low zoom, every road from z11).
//!
//! The sets are built in parallel, one job per set, heaviest first.

mod context;
mod geography;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use equimap_atlas::{Atlas, Geography};
use serde_json::{Value, json};

use crate::{LayerIndex, PropValue, TileError, TileOptions, concat_tiles};

pub use geography::{
    DENSE_FEATURES, GeographyLayer, TILE_BUDGET, geography_layer, geography_layer_within,
};

/// A layer whose content depends on the zoom: the band with the highest minimum zoom not above
/// the requested zoom is used.
pub(crate) struct Banded {
    name: String,
    bands: Vec<(u8, LayerIndex)>,
    fields: BTreeMap<String, &'static str>,
    description: String,
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

/// Every tile set of an atlas.
pub struct AtlasTiles {
    sets: BTreeMap<String, TileSetEntry>,
    bounds: [f64; 4],
    /// The highest zoom tiles are served at.
    pub max_zoom: u8,
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

/// One tile set to build.
#[derive(Clone, Copy)]
enum Job {
    Geography(Geography),
    Basemap,
    Gp,
    Green(context::Green),
}

/// Builds every tile set, the jobs shared among the machine's cores. Heavy jobs go first so the
/// threads finish together.
fn build_sets(atlas: &Atlas, budget: usize) -> Result<BTreeMap<String, TileSetEntry>, TileError> {
    let mut geographies: Vec<Geography> = atlas.geographies.keys().copied().collect();
    geographies.sort_by_key(|g| std::cmp::Reverse(atlas.geographies[g].areas.len()));
    let mut jobs: Vec<Job> = geographies.into_iter().map(Job::Geography).collect();
    let at = jobs.len().min(2);
    jobs.splice(at..at, [Job::Basemap, Job::Green(context::Green::Sites)]);
    jobs.extend([Job::Gp, Job::Green(context::Green::Access)]);

    let ogl = atlas.manifest.attribution.join("; ");
    let run = |job: Job| -> Result<Option<(String, TileSetEntry)>, TileError> {
        match job {
            Job::Geography(g) => geography::geography_set(atlas, g, budget, &ogl).map(Some),
            Job::Basemap => context::basemap_set(atlas),
            Job::Gp => context::gp_set(atlas),
            Job::Green(which) => context::green_set(atlas, which),
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Vec<Result<Vec<(String, TileSetEntry)>, TileError>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut built = Vec::new();
                    while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if let Some(set) = run(*job)? {
                            built.push(set);
                        }
                    }
                    Ok(built)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut sets = BTreeMap::new();
    for built in results {
        sets.extend(built?);
    }
    Ok(sets)
}

impl AtlasTiles {
    /// Build every tile set from an atlas. Takes about a second for Leeds.
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
        let sets = build_sets(atlas, budget)?;
        let bounds = atlas
            .areas(Geography::District)
            .and_then(|s| {
                use geo::BoundingRect;
                s.areas.iter().filter_map(|a| a.geometry.bounding_rect()).reduce(|a, b| {
                    geo::Rect::new(
                        geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                        geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
                    )
                })
            })
            .map_or([-180.0, -85.0, 180.0, 85.0], |r| {
                [r.min().x, r.min().y, r.max().x, r.max().y]
            });
        Ok(Self {
            sets,
            bounds,
            max_zoom,
        })
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

    /// Render one tile of a set, uncompressed; `None` for an unknown set, an empty Vec for an
    /// empty tile.
    pub fn render(
        &self,
        name: &str,
        z: u8,
        x: u32,
        y: u32,
        opts: &TileOptions,
    ) -> Result<Option<Vec<u8>>, TileError> {
        let Some(set) = self.sets.get(name) else {
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

    fn vector_layers(&self, names: &[&String]) -> Vec<Value> {
        names
            .iter()
            .filter_map(|n| self.sets.get(*n))
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

    /// TileJSON 3.0 for a set; `tiles_url` is the template with `{z}/{x}/{y}`.
    pub fn tilejson(&self, name: &str, tiles_url: &str) -> Option<Value> {
        let (key, set) = self.sets.get_key_value(name)?;
        let b = self.bounds;
        Some(json!({
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
            "vector_layers": self.vector_layers(&[key]),
        }))
    }

    /// Metadata for a single archive holding every set.
    pub fn archive_metadata(&self, name: &str) -> Value {
        let names: Vec<&String> = self.sets.keys().collect();
        let attribution: std::collections::BTreeSet<&str> =
            self.sets.values().map(|s| s.attribution.as_str()).collect();
        json!({
            "name": name,
            "format": "pbf",
            "vector_layers": self.vector_layers(&names),
            "attribution": attribution.into_iter().collect::<Vec<_>>().join("; "),
        })
    }
}
