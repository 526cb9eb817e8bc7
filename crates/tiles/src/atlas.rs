//! The atlas as tile sets: one layer per geography, plus basemap, GP and green-space layers.
//!
//! Each geography's features carry a stable integer id made from the digits of the ONS code
//! (E01011264 → 1011264), their code and name, and the catalogue indicators marked `in_tiles`.
//! Context layers are banded by zoom so each zoom carries only what it needs (motorways and A
//! roads at low zoom, every road from z11).

use std::collections::BTreeMap;
use std::path::Path;

use equimap_atlas::{Atlas, Geography, read_fgb};
use geo::Geometry;
use serde_json::{Value, json};

use crate::{Feature, IndexOptions, LayerIndex, PropValue, TileError, TileOptions, concat_tiles};

/// A layer whose content depends on the zoom: the band with the highest minimum zoom not above
/// the requested zoom is used.
struct Banded {
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
struct TileSetEntry {
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

fn text_props(props: &BTreeMap<String, String>, keys: &[&str]) -> Vec<(String, PropValue)> {
    keys.iter()
        .filter_map(|k| Some(((*k).to_owned(), PropValue::String(props.get(*k)?.clone()))))
        .collect()
}

impl AtlasTiles {
    /// Build every tile set from an atlas. Takes about a second for Leeds.
    pub fn from_atlas(atlas: &Atlas, max_zoom: u8) -> Result<Self, TileError> {
        let mut sets = BTreeMap::new();
        let ogl = atlas.manifest.attribution.join("; ");
        for (g, set) in &atlas.geographies {
            let defs: Vec<&equimap_atlas::IndicatorDef> =
                atlas.catalogue.at(*g).filter(|d| d.in_tiles).collect();
            let table = &atlas.tables[g];
            let mut fields: BTreeMap<String, &'static str> =
                BTreeMap::from([("code".to_owned(), "String"), ("name".to_owned(), "String")]);
            for d in &defs {
                fields.insert(d.id.clone(), "Number");
            }
            let features = set.areas.iter().map(|a| {
                let mut properties = vec![
                    ("code".to_owned(), PropValue::String(a.code.clone())),
                    ("name".to_owned(), PropValue::String(a.name.clone())),
                ];
                for d in &defs {
                    if let Some(v) = table.get(&a.code, &d.id) {
                        properties.push((d.id.clone(), PropValue::Double(v)));
                    }
                }
                Feature {
                    id: area_id(&a.code),
                    geometry: Geometry::MultiPolygon(a.geometry.clone()),
                    properties,
                }
            });
            let index = LayerIndex::new(g.id(), features, &IndexOptions::default())?;
            let description = format!(
                "{} boundaries with their code, name and the indicators the map styles by",
                g.label()
            );
            sets.insert(
                g.id().to_owned(),
                TileSetEntry {
                    layers: vec![Banded {
                        name: g.id().to_owned(),
                        bands: vec![(0, index)],
                        fields,
                        description: description.clone(),
                    }],
                    min_zoom: 0,
                    attribution: ogl.clone(),
                    description,
                },
            );
        }
        let dir = &atlas.dir;
        let basemap = basemap_layers(dir, &atlas.manifest.reference_layers)?;
        if !basemap.is_empty() {
            sets.insert("basemap".to_owned(), TileSetEntry {
                layers: basemap,
                min_zoom: 0,
                attribution: "© OpenStreetMap contributors".to_owned(),
                description: "OpenStreetMap context: major roads, rail, rivers and canals, water and built-up land".to_owned(),
            });
        }
        if let Some(gp) = gp_layer(dir)? {
            sets.insert(
                "gp".to_owned(),
                TileSetEntry {
                    layers: vec![gp],
                    min_zoom: 0,
                    attribution:
                        "NHS England ODS and Patients Registered at a GP Practice (OGL v3)"
                            .to_owned(),
                    description: "GP practices with registered patients".to_owned(),
                },
            );
        }
        for (id, file, keys, gtype, min) in [
            (
                "greenspace",
                "greenspace_sites",
                &["name", "function", "category", "source", "hectares"][..],
                "polygon",
                8u8,
            ),
            (
                "greenspace_access",
                "greenspace_access",
                &["site_name", "site_function", "access_type", "category"][..],
                "point",
                12u8,
            ),
        ] {
            let Some(rec) = atlas.manifest.reference_layers.get(file) else {
                continue;
            };
            let rows = read_fgb(&dir.join(&rec.file))
                .map_err(|e| TileError::InvalidOptions(e.to_string()))?;
            let features = rows
                .into_iter()
                .enumerate()
                .map(|(i, (geom, props))| Feature {
                    id: i as u64 + 1,
                    geometry: geom,
                    properties: text_props(&props, keys),
                });
            let opts = IndexOptions {
                preserve_topology: false,
                ..IndexOptions::default()
            };
            let index = LayerIndex::new(id, features, &opts)?;
            let fields = keys.iter().map(|k| ((*k).to_owned(), "String")).collect();
            sets.insert(
                id.to_owned(),
                TileSetEntry {
                    layers: vec![Banded {
                        name: id.to_owned(),
                        bands: vec![(min, index)],
                        fields,
                        description: format!("Green space {gtype}s: {}", rec.source),
                    }],
                    min_zoom: min,
                    attribution: rec.attribution.clone(),
                    description: rec.source.clone(),
                },
            );
        }
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
            .map(|(s, l)| json!({ "id": l.name, "description": l.description, "fields": l.fields, "minzoom": l.bands.first().map_or(s.min_zoom, |b| b.0), "maxzoom": self.max_zoom }))
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

fn basemap_layers(
    dir: &Path,
    layers: &BTreeMap<String, equimap_atlas::LayerRecord>,
) -> Result<Vec<Banded>, TileError> {
    // (tile layer, reference layer, bands: (min zoom, classes kept; empty = all))
    type Bands = &'static [(u8, &'static [&'static str])];
    let plan: [(&str, &str, Bands); 5] = [
        ("urban", "basemap_urban", &[(9, &[])]),
        ("water", "basemap_water", &[(8, &[])]),
        (
            "waterways",
            "basemap_waterways",
            &[(8, &["river", "canal"]), (12, &[])],
        ),
        ("rail", "basemap_rail", &[(9, &["rail"]), (12, &[])]),
        (
            "roads",
            "basemap_roads",
            &[
                (6, &["motorway", "trunk"]),
                (
                    8,
                    &[
                        "motorway",
                        "trunk",
                        "primary",
                        "motorway_link",
                        "trunk_link",
                    ],
                ),
                (11, &[]),
            ],
        ),
    ];
    let mut out = Vec::new();
    for (name, file, bands) in plan {
        let Some(rec) = layers.get(file) else {
            continue;
        };
        let rows =
            read_fgb(&dir.join(&rec.file)).map_err(|e| TileError::InvalidOptions(e.to_string()))?;
        let mut built = Vec::new();
        for (min, classes) in bands {
            let features = rows
                .iter()
                .enumerate()
                .filter(|(_, (_, p))| {
                    classes.is_empty()
                        || p.get("class")
                            .is_some_and(|c| classes.contains(&c.as_str()))
                })
                .map(|(i, (g, p))| Feature {
                    id: i as u64 + 1,
                    geometry: g.clone(),
                    properties: text_props(p, &["class", "name", "ref"]),
                });
            let opts = IndexOptions {
                preserve_topology: false,
                ..IndexOptions::default()
            };
            built.push((*min, LayerIndex::new(name, features, &opts)?));
        }
        let fields = ["class", "name", "ref"]
            .iter()
            .map(|k| ((*k).to_owned(), "String"))
            .collect();
        out.push(Banded {
            name: name.to_owned(),
            bands: built,
            fields,
            description: format!("OpenStreetMap {name} ({})", rec.vintage),
        });
    }
    Ok(out)
}

fn gp_layer(dir: &Path) -> Result<Option<Banded>, TileError> {
    let path = dir.join("reference/gp_practices.csv");
    let Ok(mut rdr) = csv_reader(&path) else {
        return Ok(None);
    };
    let mut features = Vec::new();
    let headers = rdr
        .headers()
        .map_err(|e| TileError::InvalidOptions(e.to_string()))?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (Some(o), Some(n), Some(p), Some(x), Some(y)) = (
        col("org_code"),
        col("name"),
        col("registered_patients"),
        col("lon"),
        col("lat"),
    ) else {
        return Ok(None);
    };
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| TileError::InvalidOptions(e.to_string()))?;
        let num = |c: usize| rec.get(c).and_then(|s| s.parse::<f64>().ok());
        let (Some(lon), Some(lat)) = (num(x), num(y)) else {
            continue;
        };
        features.push(Feature {
            id: i as u64 + 1,
            geometry: Geometry::Point(geo::Point::new(lon, lat)),
            properties: vec![
                (
                    "org_code".to_owned(),
                    PropValue::String(rec.get(o).unwrap_or_default().to_owned()),
                ),
                (
                    "name".to_owned(),
                    PropValue::String(rec.get(n).unwrap_or_default().to_owned()),
                ),
                (
                    "registered_patients".to_owned(),
                    PropValue::Double(num(p).unwrap_or(0.0)),
                ),
            ],
        });
    }
    let index = LayerIndex::new(
        "gp",
        features,
        &IndexOptions {
            preserve_topology: false,
            ..IndexOptions::default()
        },
    )?;
    let fields = BTreeMap::from([
        ("org_code".to_owned(), "String"),
        ("name".to_owned(), "String"),
        ("registered_patients".to_owned(), "Number"),
    ]);
    Ok(Some(Banded {
        name: "gp".to_owned(),
        bands: vec![(0, index)],
        fields,
        description: "GP practices (NHS ODS) with registered patients at 1 April 2026".to_owned(),
    }))
}

fn csv_reader(path: &Path) -> Result<csv::Reader<std::fs::File>, csv::Error> {
    csv::Reader::from_path(path)
}
