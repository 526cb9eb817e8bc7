//! The atlas as tile sets: one layer per geography, plus basemap, GP and green-space layers.
//!
//! Each geography's features carry a stable integer id made from the digits of the ONS code
//! (E01011264 → 1011264), their code and name, and the catalogue indicators marked `in_tiles`.
//! Context layers are banded by zoom so each zoom carries only what it needs (motorways and A
//! roads at low zoom, every road from z11).

use std::collections::BTreeMap;
use std::path::Path;

use equimap_atlas::{AreaSet, Atlas, Geography, read_fgb};
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

/// One geography's tile layer, ready to serve.
pub struct GeographyLayer {
    /// The features: each area's id, code, name and the catalogue indicators marked `in_tiles`.
    pub index: LayerIndex,
    /// Field types for TileJSON.
    pub fields: BTreeMap<String, &'static str>,
    /// The lowest zoom with tiles: 0 unless even the lightest tile of a lower zoom would break
    /// [`TILE_BUDGET`] (England's LSOAs below z6, where a tile holds all 33,755 of them).
    pub min_zoom: u8,
    /// The zoom from which tiles carry every property; below it, only ids and class indicators.
    pub detail_zoom: u8,
}

/// The most gzip bytes the busiest tile of a zoom may weigh: no tile may exceed 500 KB.
pub const TILE_BUDGET: usize = 500_000;

/// Where one tile at a zoom holds more than this many areas, the zoom is *dense*: its geometry is
/// simplified to 3 units instead of 1 (still under half a pixel).
pub const DENSE_FEATURES: usize = 5_000;

/// Builds one geography's tile layer.
///
/// Tiles are kept under [`TILE_BUDGET`] by measuring the busiest tile of each zoom, gzipped,
/// from zoom 0 up. Where a tile with every property is too heavy (England's LSOAs below z9, a
/// z6 tile holding 16,131 of them), that zoom carries each area's id and class indicators
/// (national deciles) only, and the code, name and continuous values start at
/// [`GeographyLayer::detail_zoom`]. Where even that is too heavy, the layer starts at
/// [`GeographyLayer::min_zoom`]. Within the zooms served no area is ever dropped. For Leeds
/// (482 LSOAs) both zooms are 0.
pub fn geography_layer(atlas: &Atlas, g: Geography) -> Result<GeographyLayer, TileError> {
    geography_layer_within(atlas, g, TILE_BUDGET)
}

/// [`geography_layer`] with another byte budget for the busiest tile of a zoom.
pub fn geography_layer_within(
    atlas: &Atlas,
    g: Geography,
    budget: usize,
) -> Result<GeographyLayer, TileError> {
    let defs: Vec<&equimap_atlas::IndicatorDef> =
        atlas.catalogue.at(g).filter(|d| d.in_tiles).collect();
    let mut fields: BTreeMap<String, &'static str> =
        BTreeMap::from([("code".to_owned(), "String"), ("name".to_owned(), "String")]);
    for d in &defs {
        fields.insert(d.id.clone(), "Number");
    }
    let empty = AreaSet::default();
    let set = atlas.geographies.get(&g).unwrap_or(&empty);
    let table = atlas.tables.get(&g);
    let features = set.areas.iter().map(|a| {
        let mut properties = vec![
            ("code".to_owned(), PropValue::String(a.code.clone())),
            ("name".to_owned(), PropValue::String(a.name.clone())),
        ];
        for d in &defs {
            if let Some(v) = table.and_then(|t| t.get(&a.code, &d.id)) {
                properties.push((d.id.clone(), PropValue::Double(v)));
            }
        }
        Feature {
            id: area_id(&a.code),
            geometry: Geometry::MultiPolygon(a.geometry.clone()),
            properties,
        }
    });
    let opts = IndexOptions {
        dense_features: DENSE_FEATURES,
        ..IndexOptions::default()
    };
    let mut index = LayerIndex::new(g.id(), features, &opts)?;
    let heavy: Vec<&str> = ["code", "name"]
        .into_iter()
        .chain(
            defs.iter()
                .filter(|d| !is_class(d.kind))
                .map(|d| d.id.as_str()),
        )
        .collect();
    let (min_zoom, detail_zoom) = fit_budget(&mut index, &heavy, budget)?;
    Ok(GeographyLayer {
        index,
        fields,
        min_zoom,
        detail_zoom,
    })
}

/// Finds the zooms at which `index`'s busiest tile fits `budget` gzip bytes, first without the
/// `heavy` properties (the layer's minimum zoom), then with them (the detail zoom), and leaves
/// the heavy properties set to start at the detail zoom.
fn fit_budget(
    index: &mut LayerIndex,
    heavy: &[&str],
    budget: usize,
) -> Result<(u8, u8), TileError> {
    let weight = |index: &LayerIndex, z: u8| -> Result<usize, TileError> {
        let Some((x, y, _)) = index.busiest_tile_at(z) else {
            return Ok(0);
        };
        let raw = index.tile(z, x, y, &TileOptions::default())?;
        Ok(gzip_len(&raw))
    };
    let set_heavy = |index: &mut LayerIndex, z: u8| {
        for key in heavy {
            index.set_property_min_zoom(key, z);
        }
    };
    // Cheap first: with every property, zoom 0 usually fits (any small atlas).
    if weight(index, 0)? <= budget {
        return Ok((0, 0));
    }
    // Zooms are tried from 0 up until one fits with every property; any zoom before it that
    // does not fit even without the heavy properties moves the minimum zoom past it. Bytes do
    // not fall steadily towards zoom 0 (England's LSOAs weigh more at z5 than at z0, where most
    // are one-unit boxes), so every zoom is tried. Deeper zooms have fewer areas per tile.
    let top = index.max_zoom();
    let (mut min_zoom, mut detail) = (0, top);
    for z in 0..top {
        set_heavy(index, z);
        if weight(index, z)? <= budget {
            detail = z;
            break;
        }
        set_heavy(index, u8::MAX);
        if weight(index, z)? > budget {
            min_zoom = z + 1;
        }
    }
    set_heavy(index, detail);
    Ok((min_zoom, detail))
}

/// Length of `raw` gzipped at level 1, as the server sends it.
fn gzip_len(raw: &[u8]) -> usize {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(raw);
    gz.finish().map_or(raw.len(), |v| v.len())
}

/// Whether an indicator is a national class (a decile): ten values, which cost a tile almost
/// nothing, and what a national overview shows. Quintiles within the district are left to the
/// detail zoom with the continuous values.
fn is_class(kind: equimap_atlas::Kind) -> bool {
    matches!(kind, equimap_atlas::Kind::Decile)
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
        let mut sets = BTreeMap::new();
        let ogl = atlas.manifest.attribution.join("; ");
        for g in atlas.geographies.keys() {
            let GeographyLayer {
                index,
                fields,
                min_zoom,
                ..
            } = geography_layer_within(atlas, *g, budget)?;
            let description = format!(
                "{} boundaries with their code, name and the indicators the map styles by",
                g.label()
            );
            sets.insert(
                g.id().to_owned(),
                TileSetEntry {
                    layers: vec![Banded {
                        name: g.id().to_owned(),
                        bands: vec![(min_zoom, index)],
                        fields,
                        description: description.clone(),
                    }],
                    min_zoom,
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

fn basemap_layers(
    dir: &Path,
    layers: &BTreeMap<String, equimap_atlas::LayerRecord>,
) -> Result<Vec<Banded>, TileError> {
    // (tile layer, reference layer, bands: (min zoom, classes kept (empty = all), smallest
    // polygon kept in hectares)). Context polygons under about a pixel at a band's first zoom are
    // left to deeper zooms, as cartographers thin a basemap: at z9 a 512-pixel tile's pixel is
    // 3.6 ha over Leeds, and 3,238 built-up polygons made two-thirds of the z9 basemap tile.
    // Statistical areas are never thinned (see `geography_layer`).
    type Bands = &'static [(u8, &'static [&'static str], f64)];
    let plan: [(&str, &str, Bands); 5] = [
        (
            "urban",
            "basemap_urban",
            &[
                (9, &[], 4.0),
                (10, &[], 1.0),
                (11, &[], 0.25),
                (12, &[], 0.0),
            ],
        ),
        (
            "water",
            "basemap_water",
            &[(8, &[], 4.0), (10, &[], 1.0), (12, &[], 0.0)],
        ),
        (
            "waterways",
            "basemap_waterways",
            &[(8, &["river", "canal"], 0.0), (12, &[], 0.0)],
        ),
        (
            "rail",
            "basemap_rail",
            &[(9, &["rail"], 0.0), (12, &[], 0.0)],
        ),
        (
            "roads",
            "basemap_roads",
            &[
                (6, &["motorway", "trunk"], 0.0),
                (
                    8,
                    &[
                        "motorway",
                        "trunk",
                        "primary",
                        "motorway_link",
                        "trunk_link",
                    ],
                    0.0,
                ),
                (11, &[], 0.0),
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
        let hectares: Vec<f64> = rows.iter().map(|(g, _)| hectares(g)).collect();
        let mut built = Vec::new();
        for (min, classes, min_ha) in bands {
            let features = rows
                .iter()
                .enumerate()
                .filter(|(i, (_, p))| {
                    (classes.is_empty()
                        || p.get("class")
                            .is_some_and(|c| classes.contains(&c.as_str())))
                        && (*min_ha == 0.0 || hectares[*i] >= *min_ha)
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

/// A polygon's area in hectares on the ellipsoid (0 for lines and points).
fn hectares(g: &Geometry) -> f64 {
    use geo::GeodesicArea;
    g.geodesic_area_unsigned() / 10_000.0
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
