//! Context layers: the OpenStreetMap basemap, GP practices and green space.

use std::collections::BTreeMap;
use std::path::Path;

use equimap_atlas::{Atlas, read_fgb};
use geo::Geometry;

use super::{Banded, TileSetEntry, number_props, text_props};
use crate::{Feature, IndexOptions, LayerIndex, PropValue, TileError};

/// Which green-space set.
#[derive(Clone, Copy)]
pub(super) enum Green {
    /// Sites (polygons) from z8.
    Sites,
    /// Access points from z12.
    Access,
}

/// The reference layers the `basemap` set is made of (any one of them makes the set).
pub(super) const BASEMAP_FILES: [&str; 5] = [
    "basemap_urban",
    "basemap_water",
    "basemap_waterways",
    "basemap_rail",
    "basemap_roads",
];

/// The `basemap` set, if the atlas has the basemap layers.
pub(super) fn basemap_set(atlas: &Atlas) -> Result<Option<(String, TileSetEntry)>, TileError> {
    let layers = basemap_layers(&atlas.dir, &atlas.manifest.reference_layers)?;
    Ok((!layers.is_empty()).then(|| {
        (
            "basemap".to_owned(),
            TileSetEntry {
                layers,
                min_zoom: 0,
                attribution: "© OpenStreetMap contributors".to_owned(),
                description: "OpenStreetMap context: major roads, rail, rivers and canals, water and built-up land".to_owned(),
            },
        )
    }))
}

/// The `gp` set, if the atlas has GP practices.
pub(super) fn gp_set(atlas: &Atlas) -> Result<Option<(String, TileSetEntry)>, TileError> {
    Ok(gp_layer(atlas)?.map(|gp| {
        (
            "gp".to_owned(),
            TileSetEntry {
                layers: vec![gp],
                min_zoom: 0,
                attribution: "NHS England ODS and Patients Registered at a GP Practice (OGL v3)"
                    .to_owned(),
                description: "GP practices with registered patients".to_owned(),
            },
        )
    }))
}

/// The `greenspace` or `greenspace_access` set, if the atlas has it.
pub(super) fn green_set(
    atlas: &Atlas,
    which: Green,
) -> Result<Option<(String, TileSetEntry)>, TileError> {
    let (id, file, keys, numbers, gtype, min): (_, _, &[&str], &[&str], _, _) = match which {
        Green::Sites => (
            "greenspace",
            "greenspace_sites",
            &["name", "function", "category", "source"],
            &["hectares"],
            "polygon",
            8u8,
        ),
        Green::Access => (
            "greenspace_access",
            "greenspace_access",
            &["site_name", "site_function", "access_type", "category"],
            &[],
            "point",
            12u8,
        ),
    };
    let Some(rec) = atlas.manifest.reference_layers.get(file) else {
        return Ok(None);
    };
    let path = atlas.dir.join(&rec.file);
    let rows = read_fgb(&path).map_err(|e| TileError::InvalidOptions(e.to_string()))?;
    let features = rows
        .into_iter()
        .enumerate()
        .map(|(i, (geom, props))| {
            let mut properties = text_props(&props, keys);
            properties.extend(number_props(&props, numbers, &path, i + 1)?);
            Ok(Feature {
                id: i as u64 + 1,
                geometry: geom,
                properties,
            })
        })
        .collect::<Result<Vec<_>, TileError>>()?;
    let opts = IndexOptions {
        preserve_topology: false,
        ..IndexOptions::default()
    };
    let index = LayerIndex::new(id, features, &opts)?;
    let fields = keys
        .iter()
        .map(|k| ((*k).to_owned(), "String"))
        .chain(numbers.iter().map(|k| ((*k).to_owned(), "Number")))
        .collect();
    Ok(Some((
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
    )))
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
            BASEMAP_FILES[0],
            &[
                (9, &[], 4.0),
                (10, &[], 1.0),
                (11, &[], 0.25),
                (12, &[], 0.0),
            ],
        ),
        (
            "water",
            BASEMAP_FILES[1],
            &[(8, &[], 4.0), (10, &[], 1.0), (12, &[], 0.0)],
        ),
        (
            "waterways",
            BASEMAP_FILES[2],
            &[(8, &["river", "canal"], 0.0), (12, &[], 0.0)],
        ),
        (
            "rail",
            BASEMAP_FILES[3],
            &[(9, &["rail"], 0.0), (12, &[], 0.0)],
        ),
        (
            "roads",
            BASEMAP_FILES[4],
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

fn gp_layer(atlas: &Atlas) -> Result<Option<Banded>, TileError> {
    let Some(rec) = atlas.manifest.reference_layers.get("gp_practices") else {
        return Ok(None);
    };
    let rows: Vec<equimap_atlas::GpPracticeRow> =
        equimap_atlas::read_rows(&atlas.dir.join(&rec.file))
            .map_err(|e| TileError::InvalidOptions(e.to_string()))?;
    let features = rows.into_iter().enumerate().map(|(i, r)| Feature {
        id: i as u64 + 1,
        geometry: Geometry::Point(geo::Point::new(r.lon, r.lat)),
        properties: vec![
            ("org_code".to_owned(), PropValue::String(r.org_code)),
            ("name".to_owned(), PropValue::String(r.name)),
            (
                "registered_patients".to_owned(),
                PropValue::Double(f64::from(r.registered_patients)),
            ),
        ],
    });
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
        description: format!("GP practices (NHS ODS) with {}", rec.vintage),
    }))
}
