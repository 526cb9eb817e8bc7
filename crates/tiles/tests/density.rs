//! Dense layers: the busiest-tile probe, properties that start at a deeper
//! zoom, and the byte budget that decides both, on real data (the committed
//! Leeds atlas and the 15 city-centre LSOA fixture), decoded with the
//! independent `mvt-reader` crate.

#![allow(clippy::float_cmp)]

mod common;

use std::path::PathBuf;

use common::{decode, lsoas};
use equimap_atlas::{Atlas, Geography};
use equimap_tiles::atlas::{area_id, geography_layer, geography_layer_within};
use equimap_tiles::projection::{tile_for_lonlat, tiles_covering};
use equimap_tiles::{IndexOptions, LayerIndex, TileOptions};
use mvt_reader::feature::Value;

/// Leeds 111B (E01033010), around Civic Hall.
const CIVIC_HALL: (f64, f64) = (-1.547_54, 53.801_98);

fn leeds() -> Atlas {
    Atlas::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
        .expect("committed Leeds atlas")
}

fn gzip_len(raw: &[u8]) -> usize {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
    gz.write_all(raw).expect("gzip");
    gz.finish().expect("gzip").len()
}

#[test]
fn busiest_tile_counts_what_the_tile_holds() {
    let index = LayerIndex::new("lsoa", lsoas(), &IndexOptions::default()).expect("index");
    // All 15 LSOAs sit in one z0 tile; they span a couple of z14 tiles at most each.
    assert_eq!(index.busiest_tile(0), 15);
    let mut last = usize::MAX;
    for z in 0..=16 {
        let n = index.busiest_tile(z);
        assert!(n <= last, "z{z}: {n} after {last}");
        last = n;
        // The probe counts bounding boxes, so it is never below what the
        // busiest tile decodes to.
        let (x, y, count) = index.busiest_tile_at(z).expect("tile");
        assert_eq!(count, n);
        let decoded =
            decode(&index.tile(z, x, y, &TileOptions::default()).expect("tile")).expect("decodes");
        let features = decoded.first().map_or(0, |l| l.features.len());
        assert!(
            features <= n && features > 0,
            "z{z}: decoded {features}, probe {n}"
        );
        let most = tiles_covering(index.bounds_lonlat().expect("bounds"), z)
            .map(|(x, y)| {
                let t = index.tile(z, x, y, &TileOptions::default()).expect("tile");
                decode(&t)
                    .expect("decodes")
                    .first()
                    .map_or(0, |l| l.features.len())
            })
            .max()
            .unwrap_or(0);
        assert!(most <= n, "z{z}: a tile decodes to {most} > {n}");
    }
    assert!(last < 15);
}

#[test]
fn dense_zooms_are_those_whose_busiest_tile_is_over_the_limit() {
    let opts = IndexOptions {
        dense_features: 10,
        ..IndexOptions::default()
    };
    let index = LayerIndex::new("lsoa", lsoas(), &opts).expect("index");
    let first_light = (0..16)
        .find(|&z| index.busiest_tile(z) <= 10)
        .expect("light zoom");
    assert!(first_light > 0);
    assert_eq!(index.dense_below(), first_light);
    let plain = LayerIndex::new("lsoa", lsoas(), &IndexOptions::default()).expect("index");
    assert_eq!(plain.dense_below(), 0);
}

#[test]
fn a_property_with_a_min_zoom_starts_there_and_ids_stay() {
    let mut index = LayerIndex::new("lsoa", lsoas(), &IndexOptions::default()).expect("index");
    assert!(index.set_property_min_zoom("LSOA11NM", 12));
    assert!(!index.set_property_min_zoom("no such key", 12));
    assert_eq!(index.property_min_zoom("LSOA11NM"), 12);
    let names = |z: u8| {
        let (x, y) = tile_for_lonlat(CIVIC_HALL.0, CIVIC_HALL.1, z);
        let t = index.tile(z, x, y, &TileOptions::default()).expect("tile");
        let layer = decode(&t).expect("decodes").pop().expect("layer");
        assert!(layer.features.iter().all(|f| f.id.is_some()));
        layer
            .features
            .iter()
            .filter(|f| {
                f.properties
                    .as_ref()
                    .is_some_and(|p| p.contains_key("LSOA11NM"))
            })
            .count()
    };
    assert_eq!(names(11), 0);
    assert!(names(12) > 0);
}

#[test]
fn leeds_fits_the_budget_with_every_property_at_every_zoom() {
    let atlas = leeds();
    for g in [
        Geography::Lsoa21,
        Geography::Lsoa11,
        Geography::Msoa21,
        Geography::Ward,
    ] {
        let layer = geography_layer(&atlas, g).expect("layer");
        assert_eq!((layer.min_zoom, layer.detail_zoom), (0, 0), "{g}");
        assert_eq!(layer.index.property_min_zoom("name"), 0);
    }
}

/// With a budget the size of a small tile, the Leeds LSOAs behave as
/// England's do with 500 KB: low zooms carry ids and national deciles only.
#[test]
fn a_tight_budget_moves_heavy_properties_to_a_deeper_zoom() {
    let atlas = leeds();
    let budget = 20_000;
    let layer = geography_layer_within(&atlas, Geography::Lsoa21, budget).expect("layer");
    let (min, detail) = (layer.min_zoom, layer.detail_zoom);
    assert!(detail > min, "min {min}, detail {detail}");
    let index = &layer.index;
    for key in [
        "code",
        "name",
        "imd2025_score",
        "imd2025_rank",
        "imd2025_local_quintile",
        "le_female",
    ] {
        assert_eq!(index.property_min_zoom(key), detail, "{key}");
    }
    for key in ["imd2025_decile", "imd2025_income_decile"] {
        assert_eq!(index.property_min_zoom(key), 0, "{key}");
    }
    // The busiest tile of every zoom served fits; with every property the
    // zoom before the detail zoom would not.
    let opts = TileOptions::default();
    for z in min..=14 {
        let (x, y, _) = index.busiest_tile_at(z).expect("tile");
        let bytes = gzip_len(&index.tile(z, x, y, &opts).expect("tile"));
        assert!(bytes <= budget, "z{z}: {bytes} bytes");
    }
    let civic = area_id("E01033010");
    let decile_of = |z: u8| {
        let (x, y) = tile_for_lonlat(CIVIC_HALL.0, CIVIC_HALL.1, z);
        let t = index.tile(z, x, y, &opts).expect("tile");
        let layer = decode(&t).expect("decodes").pop().expect("layer");
        let f = layer
            .features
            .into_iter()
            .find(|f| f.id == Some(civic))
            .expect("Leeds 111B in its tile");
        let p = f.properties.expect("properties");
        let decile = match p.get("imd2025_decile") {
            Some(Value::Double(v)) => *v,
            other => panic!("decile {other:?}"),
        };
        (decile, p.contains_key("name"), p.contains_key("code"))
    };
    // IoD2025: Leeds 111B is in national decile 3 (boundaries/indicators/lsoa21.csv).
    assert_eq!(decile_of(detail - 1), (3.0, false, false));
    assert_eq!(decile_of(detail), (3.0, true, true));
}

#[test]
fn tilejson_names_the_fields_that_start_deeper() {
    let atlas = leeds();
    let normal = equimap_tiles::atlas::AtlasTiles::from_atlas(&atlas, 14).expect("tiles");
    let tj = normal
        .tilejson("lsoa21", "/t/{z}/{x}/{y}")
        .expect("builds")
        .expect("tilejson");
    assert_eq!(tj["minzoom"], 0);
    assert!(tj["vector_layers"][0].get("fields_minzoom").is_none());

    let tight =
        equimap_tiles::atlas::AtlasTiles::from_atlas_within(&atlas, 14, 20_000).expect("tiles");
    let detail = geography_layer_within(&atlas, Geography::Lsoa21, 20_000)
        .expect("layer")
        .detail_zoom;
    let tj = tight
        .tilejson("lsoa21", "/t/{z}/{x}/{y}")
        .expect("builds")
        .expect("tilejson");
    let later = &tj["vector_layers"][0]["fields_minzoom"];
    assert_eq!(later["name"], u64::from(detail));
    assert_eq!(later["le_male"], u64::from(detail));
    assert!(later.get("imd2025_decile").is_none());
    // Every field the tiles carry is still listed with its type.
    assert_eq!(tj["vector_layers"][0]["fields"]["name"], "String");
}

/// Basemap context polygons under about a pixel at a band's first zoom wait for deeper zooms;
/// the statistical areas never do (see the tests above).
#[test]
fn basemap_urban_polygons_are_thinned_by_area_at_low_zoom() {
    use geo::GeodesicArea;
    let atlas = leeds();
    let tiles = equimap_tiles::atlas::AtlasTiles::from_atlas(&atlas, 14).expect("tiles");
    let rows = equimap_atlas::read_fgb(&atlas.dir.join("reference/basemap_urban.fgb"))
        .expect("urban polygons");
    // Feature ids are row numbers from 1.
    let hectares = |id: u64| rows[id as usize - 1].0.geodesic_area_unsigned() / 10_000.0;
    let urban_ids = |z: u8| -> Vec<u64> {
        let (x, y) = tile_for_lonlat(CIVIC_HALL.0, CIVIC_HALL.1, z);
        let t = tiles
            .render("basemap", z, x, y, &TileOptions::default())
            .expect("tile")
            .expect("basemap set");
        decode(&t)
            .expect("decodes")
            .into_iter()
            .find(|l| l.name == "urban")
            .expect("urban layer")
            .features
            .iter()
            .map(|f| f.id.expect("id"))
            .collect()
    };
    let z9 = urban_ids(9);
    assert!(
        z9.len() > 100,
        "built-up land still drawn at z9: {}",
        z9.len()
    );
    assert!(z9.iter().all(|&id| hectares(id) >= 4.0));
    let z12 = urban_ids(12);
    assert!(
        z12.iter().any(|&id| hectares(id) < 0.25),
        "small polygons from z12"
    );
}
