//! Real data: 15 neighbouring Leeds city-centre LSOAs (ONS 2011 boundaries,
//! `tests/fixtures/tiles/lsoa11_leeds_city_centre.geojson`), tiled and
//! decoded with the independent `mvt-reader` crate.

// Decoded tile coordinates are exact small integers: compare them exactly.
#![allow(clippy::float_cmp)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use common::{
    Layer, check_gap_free, decode, decoded_polygons, lsoa_id, lsoas, prop_str, ring_area2,
};
use equimap_tiles::projection::{lonlat_to_world, tile_for_lonlat, tiles_covering};
use equimap_tiles::{IndexOptions, LayerIndex, TileOptions};
use geo::{Area, BooleanOps, Coord, Intersects, MapCoords, MultiPolygon, Rect};

const GAP_ZOOMS: [u8; 4] = [8, 10, 12, 14];
/// Centroid of Leeds 111A (E01033008), the city centre.
const CENTRE: (f64, f64) = (-1.552_08, 53.799_67);

fn build(opts: &IndexOptions) -> LayerIndex {
    LayerIndex::new("lsoa", lsoas(), opts).expect("index")
}

fn tiles(index: &LayerIndex, z: u8) -> Vec<(u32, u32)> {
    tiles_covering(index.bounds_lonlat().expect("bounds"), z).collect()
}

fn layer(index: &LayerIndex, z: u8, x: u32, y: u32) -> Option<Layer> {
    let bytes = index.tile(z, x, y, &TileOptions::default()).expect("tile");
    if bytes.is_empty() {
        return None;
    }
    let mut layers = decode(&bytes).expect("mvt-reader decodes our tile");
    assert_eq!(layers.len(), 1);
    let layer = layers.pop().expect("layer");
    assert_eq!((layer.name.as_str(), layer.extent), ("lsoa", 4096));
    Some(layer)
}

/// Source polygons in tile `z/x/y` coordinates, unsimplified and unrounded.
fn source_in_tile(z: u8, x: u32, y: u32) -> BTreeMap<u64, MultiPolygon<f64>> {
    let scale = f64::from(1u32 << z) * 4096.0;
    lsoas()
        .into_iter()
        .map(|f| {
            let mp: MultiPolygon<f64> = match f.geometry {
                geo::Geometry::Polygon(p) => p.into(),
                geo::Geometry::MultiPolygon(mp) => mp,
                other => panic!("{other:?}"),
            };
            let projected = mp.map_coords(|c| {
                let (wx, wy) = lonlat_to_world(c.x, c.y);
                Coord {
                    x: wx * scale - f64::from(x) * 4096.0,
                    y: wy * scale - f64::from(y) * 4096.0,
                }
            });
            (f.id, projected)
        })
        .collect()
}

#[test]
fn every_decoded_polygon_follows_mvt_rules_and_is_valid() {
    let index = build(&IndexOptions::default());
    // Precomputed levels and, beyond max_zoom (16), the on-the-fly path.
    let mut checked = 0;
    for z in 0..=18 {
        for (x, y) in tiles(&index, z) {
            if let Some(layer) = layer(&index, z, x, y) {
                checked += decoded_polygons(&layer).len();
                for f in &layer.features {
                    let code = prop_str(f, "LSOA11CD");
                    assert_eq!(f.id, Some(lsoa_id(&code)), "id matches its own LSOA code");
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn source_cluster_has_no_holes() {
    // The gap test below expects a hole-free union; make sure the real
    // boundaries (unsimplified, unrounded) give one.
    let (x, y) = tile_for_lonlat(CENTRE.0, CENTRE.1, 10);
    let src: Vec<(u64, MultiPolygon<f64>)> = source_in_tile(10, x, y).into_iter().collect();
    let union = geo::unary_union(src.iter().map(|(_, p)| p));
    assert_eq!(union.0.len(), 1, "one contiguous cluster");
    // Neighbours' shared vertices differ by ~1e-12° (reprojection noise), so
    // the union has specks of holes; none is bigger than 1e-3 unit² (about
    // 0.03 m²).
    for hole in union.0[0].interiors() {
        let area = geo::Polygon::new(hole.clone(), vec![]).unsigned_area();
        assert!(area < 1e-3, "hole of {area} unit²");
    }
    let sum: f64 = src.iter().map(|(_, p)| p.unsigned_area()).sum();
    assert!(
        (sum - union.unsigned_area()).abs() < 1e-6 * sum,
        "source polygons do not overlap"
    );
}

#[test]
fn neighbours_stay_gap_free_at_every_zoom() {
    let index = build(&IndexOptions::default());
    for z in GAP_ZOOMS {
        let mut shared = 0;
        for (x, y) in tiles(&index, z) {
            let Some(layer) = layer(&index, z, x, y) else {
                continue;
            };
            let polys: Vec<_> = decoded_polygons(&layer).into_iter().collect();
            let report =
                check_gap_free(&polys, 0.0).unwrap_or_else(|e| panic!("z{z} {x}/{y}: {e}"));
            shared += report.shared_edges;
        }
        assert!(
            shared > 20,
            "z{z}: neighbours really share borders ({shared} edges)"
        );
    }
}

#[test]
fn naive_per_polygon_simplification_would_open_gaps() {
    // Same data, same tolerance, but every ring simplified on its own: the
    // checker used above must catch the slivers and overlaps this makes.
    let opts = IndexOptions {
        preserve_topology: false,
        ..IndexOptions::default()
    };
    let index = build(&opts);
    let mut failures = Vec::new();
    for z in GAP_ZOOMS {
        for (x, y) in tiles(&index, z) {
            let Some(layer) = layer(&index, z, x, y) else {
                continue;
            };
            let polys: Vec<_> = decoded_polygons(&layer).into_iter().collect();
            if let Err(e) = check_gap_free(&polys, 0.0) {
                failures.push(format!("z{z} {x}/{y}: {e}"));
            }
        }
    }
    for z in GAP_ZOOMS {
        assert!(
            failures.iter().any(|f| f.starts_with(&format!("z{z} "))),
            "naive simplification passed at z{z}: {failures:#?}"
        );
    }
}

#[test]
fn known_tile_has_the_lsoas_that_reach_into_it() {
    let index = build(&IndexOptions::default());
    let z = 14;
    let (x, y) = tile_for_lonlat(CENTRE.0, CENTRE.1, z);
    let layer = layer(&index, z, x, y).expect("city-centre tile is not empty");
    let decoded: BTreeMap<u64, (String, String)> = layer
        .features
        .iter()
        .map(|f| {
            (
                f.id.expect("id"),
                (prop_str(f, "LSOA11CD"), prop_str(f, "LSOA11NM")),
            )
        })
        .collect();
    // Independently: which source polygons meet the buffered tile, and which
    // reach at least a unit into the tile itself.
    let src = source_in_tile(z, x, y);
    let meets = |lo: f64, hi: f64| -> BTreeSet<u64> {
        let rect = Rect::new(Coord { x: lo, y: lo }, Coord { x: hi, y: hi });
        src.iter()
            .filter(|(_, p)| p.intersects(&rect))
            .map(|(id, _)| *id)
            .collect()
    };
    let ids: BTreeSet<u64> = decoded.keys().copied().collect();
    assert!(meets(1.0, 4095.0).is_subset(&ids));
    assert!(ids.is_subset(&meets(-64.0, 4160.0)));
    // Properties come from the source feature with that id.
    for f in lsoas() {
        if let Some((code, name)) = decoded.get(&f.id) {
            let want = |k: &str| match &f.properties.iter().find(|(key, _)| key == k).expect(k).1 {
                equimap_tiles::PropValue::String(s) => s.clone(),
                other => panic!("{other:?}"),
            };
            assert_eq!((code, name), (&want("LSOA11CD"), &want("LSOA11NM")));
        }
    }
    let listing: Vec<String> = decoded
        .iter()
        .map(|(id, (c, n))| format!("{id} {c} {n}"))
        .collect();
    insta::assert_snapshot!(format!("tile {z}/{x}/{y}\n{}", listing.join("\n")));
}

#[test]
fn decoded_low_zoom_tile_snapshot() {
    // z11 keeps the whole cluster in few tiles with visibly simplified
    // borders; the snapshot pins the exact encoder output.
    let index = build(&IndexOptions::default());
    let z = 11;
    let (x, y) = tile_for_lonlat(CENTRE.0, CENTRE.1, z);
    let layer = layer(&index, z, x, y).expect("tile");
    let mut out = format!("tile {z}/{x}/{y}\n");
    for (id, mp) in decoded_polygons(&layer) {
        for p in &mp.0 {
            let pts: Vec<String> = p
                .exterior()
                .0
                .iter()
                .map(|c| format!("{} {}", c.x, c.y))
                .collect();
            writeln!(
                out,
                "{id} area2={} [{}]",
                ring_area2(p.exterior()),
                pts.join(", ")
            )
            .expect("write to String");
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn tiny_polygons_stay_visible_at_low_zoom() {
    let index = build(&IndexOptions::default());
    let all: BTreeSet<u64> = lsoas().iter().map(|f| f.id).collect();
    for z in 0..=7 {
        let (x, y) = tile_for_lonlat(CENTRE.0, CENTRE.1, z);
        let layer = layer(&index, z, x, y).expect("tile");
        let polys = decoded_polygons(&layer);
        let ids: BTreeSet<u64> = polys.keys().copied().collect();
        assert_eq!(ids, all, "z{z}: every LSOA is drawn");
        // At least a half-unit triangle or the one-unit minimal box.
        assert!(polys.values().all(|p| p.unsigned_area() >= 0.5), "z{z}");
    }
}

#[test]
fn simplification_shrinks_low_zooms() {
    let index = build(&IndexOptions::default());
    let count = |z: u8| -> usize {
        let (x, y) = tile_for_lonlat(CENTRE.0, CENTRE.1, z);
        let layer = layer(&index, z, x, y).expect("tile");
        decoded_polygons(&layer)
            .values()
            .map(|mp| mp.0.iter().map(|p| p.exterior().0.len()).sum::<usize>())
            .sum()
    };
    let source: usize = lsoas()
        .iter()
        .map(|f| match &f.geometry {
            geo::Geometry::Polygon(p) => p.exterior().0.len(),
            other => panic!("{other:?}"),
        })
        .sum();
    // With a one-unit tolerance, z11 keeps nearly everything and z7 about
    // half; the whole cluster is within one tile at these zooms.
    let (z7, z9, z11) = (count(7), count(9), count(11));
    assert!(
        z7 < z9 && z9 < z11 && z11 <= source,
        "{z7} {z9} {z11} {source}"
    );
    assert!(z7 < source * 2 / 3, "z7 {z7} vs source {source}");
}

#[test]
fn union_of_decoded_tile_covers_source_area() {
    // Simplification moves borders by about a unit, so the cluster's area
    // is preserved to within a few per cent at z12.
    let index = build(&IndexOptions::default());
    let z = 12;
    let (x, y) = tile_for_lonlat(CENTRE.0, CENTRE.1, z);
    let layer = layer(&index, z, x, y).expect("tile");
    let decoded: Vec<MultiPolygon<f64>> = decoded_polygons(&layer).into_values().collect();
    let clip = geo::Polygon::new(
        vec![
            (-64.0, -64.0),
            (4160.0, -64.0),
            (4160.0, 4160.0),
            (-64.0, 4160.0),
            (-64.0, -64.0),
        ]
        .into(),
        vec![],
    );
    let source = geo::unary_union(source_in_tile(z, x, y).values()).intersection(&clip);
    let got = geo::unary_union(decoded.iter()).unsigned_area();
    let want = source.unsigned_area();
    assert!(
        (got - want).abs() < 0.02 * want,
        "decoded {got} vs source {want}"
    );
}

/// All 482 Leeds LSOAs, when the shared data is at hand:
/// `EQUIMAP_LSOA_GEOJSON=…/lsoa11_leeds_martinjc_ukgeojson.geojson cargo test
/// -p equimap-tiles --release -- --ignored`. Every polygon z0–z17 must be
/// valid; z8–z14 tiles gap-free with identical shared borders. Rounding to
/// the grid where an LSOA is thinner than a unit may overlap neighbours by
/// a few unit² (a unit is 1/8 pixel on a 512-pixel tile).
#[test]
#[ignore = "needs the full Leeds LSOA file (EQUIMAP_LSOA_GEOJSON)"]
fn all_leeds_lsoas() {
    let Some(path) = std::env::var_os("EQUIMAP_LSOA_GEOJSON") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("read");
    let fc: geojson::FeatureCollection = text.parse().expect("GeoJSON");
    let features = fc.features.into_iter().map(|f| {
        let props = f.properties.expect("properties");
        let code = props["LSOA11CD"].as_str().expect("LSOA11CD").to_owned();
        equimap_tiles::Feature {
            id: lsoa_id(&code),
            geometry: geo::Geometry::try_from(&f.geometry.expect("geometry").value)
                .expect("geometry"),
            properties: vec![("LSOA11CD".into(), equimap_tiles::PropValue::String(code))],
        }
    });
    let index = LayerIndex::new("lsoa", features, &IndexOptions::default()).expect("index");
    assert_eq!(index.len(), 482);
    let mut worst = 0.0f64;
    for z in 0..=17 {
        for (x, y) in tiles(&index, z) {
            let Some(layer) = layer(&index, z, x, y) else {
                continue;
            };
            let polys: Vec<_> = decoded_polygons(&layer).into_iter().collect();
            if (8..=14).contains(&z) {
                let r =
                    check_gap_free(&polys, 32.0).unwrap_or_else(|e| panic!("z{z} {x}/{y}: {e}"));
                worst = worst.max(r.sum_area - r.union_area);
            }
        }
    }
    println!("largest overlap in one tile: {worst} unit²");
}
