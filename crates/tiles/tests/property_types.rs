//! Numbers are numeric in tiles: every layer of every set, built from the
//! committed Leeds atlas and decoded with the independent `mvt-reader`
//! crate. A field TileJSON calls "Number" must decode as a number, and no
//! string property may hold a number (green-space `hectares` once did:
//! "51.16", which a style cannot compare).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::decode;
use equimap_atlas::Atlas;
use equimap_tiles::TileOptions;
use equimap_tiles::atlas::AtlasTiles;
use equimap_tiles::projection::tile_for_lonlat;
use mvt_reader::feature::Value;

/// Leeds 111B (E01033010), around Civic Hall; and Roundhay Park, a large green space.
const PLACES: [(f64, f64); 2] = [(-1.547_54, 53.801_98), (-1.497_6, 53.836_6)];

/// `layer → field → type` from a set's TileJSON.
fn declared(tiles: &AtlasTiles, set: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let tj = tiles
        .tilejson(set, "t/{z}/{x}/{y}")
        .expect("builds")
        .expect("tilejson");
    tj["vector_layers"]
        .as_array()
        .expect("vector_layers")
        .iter()
        .map(|l| {
            let fields = l["fields"]
                .as_object()
                .expect("fields")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            (l["id"].as_str().expect("id").to_owned(), fields)
        })
        .collect()
}

fn is_number(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(_) | Value::UInt(_) | Value::SInt(_) | Value::Float(_) | Value::Double(_)
    )
}

#[test]
fn numeric_properties_are_numbers_in_every_layer() {
    let atlas = Atlas::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
        .expect("committed Leeds atlas");
    let tiles = AtlasTiles::from_atlas(&atlas, 14).expect("tiles");
    let mut numbers_seen: BTreeMap<String, usize> = BTreeMap::new();
    for set in tiles.names().map(str::to_owned).collect::<Vec<_>>() {
        let fields = declared(&tiles, &set);
        for z in [8u8, 10, 12, 14] {
            for (lon, lat) in PLACES {
                let (x, y) = tile_for_lonlat(lon, lat, z);
                let raw = tiles
                    .render(&set, z, x, y, &TileOptions::default())
                    .expect("renders")
                    .expect("set exists");
                for layer in decode(&raw).expect("decodes") {
                    let declared = &fields[&layer.name];
                    for f in &layer.features {
                        for (k, v) in f.properties.iter().flatten() {
                            let what = format!("{set}/{}/{k} at {z}/{x}/{y}: {v:?}", layer.name);
                            if let Value::String(s) = v {
                                assert!(
                                    s.trim().parse::<f64>().is_err(),
                                    "a number carried as a string: {what}"
                                );
                            }
                            if declared.get(k).map(String::as_str) == Some("Number") {
                                assert!(is_number(v), "declared Number: {what}");
                                *numbers_seen
                                    .entry(format!("{}.{k}", layer.name))
                                    .or_default() += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    // The numeric fields the sets are known to carry were actually checked.
    for field in [
        "greenspace.hectares",
        "gp.registered_patients",
        "lsoa21.imd2025_decile",
    ] {
        assert!(
            numbers_seen.get(field).is_some_and(|&n| n > 0),
            "{field} never seen; seen: {:?}",
            numbers_seen.keys().collect::<Vec<_>>()
        );
    }
}
