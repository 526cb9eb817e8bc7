//! Real data: River Aire and Leeds and Liverpool Canal centre lines (OSM,
//! May 2018) and the GP practices of Leeds city centre (NHS ODS, Sept
//! 2025); plus multi-layer tiles, empty tiles and argument errors.

// Decoded tile coordinates are exact small integers: compare them exactly.
#![allow(clippy::float_cmp)]

mod common;

use std::collections::BTreeSet;

use common::{decode, load_geojson, lsoas, prop_str};
use equimap_tiles::projection::{lonlat_to_world, tile_for_lonlat, tiles_covering};
use equimap_tiles::{
    Feature, IndexOptions, LayerIndex, PropValue, TileError, TileOptions, concat_tiles, render_tile,
};
use geo::{Coord, Geometry, Intersects, LineString, MapCoords, Rect};
use mvt_reader::feature::Value;

fn waterways() -> Vec<Feature> {
    load_geojson("tiles/waterways_leeds_city_centre.geojson", |_, p| {
        p["osm_id"]
            .as_str()
            .expect("osm_id")
            .parse()
            .expect("numeric osm_id")
    })
}

fn gp_practices() -> Vec<Feature> {
    load_geojson("tiles/gp_practices_leeds_city_centre.geojson", |i, _| {
        i as u64 + 1
    })
}

fn to_tile(c: Coord<f64>, z: u8, x: u32, y: u32) -> Coord<f64> {
    let scale = f64::from(1u32 << z) * 4096.0;
    let (wx, wy) = lonlat_to_world(c.x, c.y);
    Coord {
        x: wx * scale - f64::from(x) * 4096.0,
        y: wy * scale - f64::from(y) * 4096.0,
    }
}

fn lines_of(g: &Geometry<f64>) -> Vec<LineString<f64>> {
    match g {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(m) => m.0.clone(),
        other => panic!("not a line: {other:?}"),
    }
}

#[test]
fn lines_are_clipped_to_the_buffered_tile_and_split() {
    let features = waterways();
    let index =
        LayerIndex::new("water", features.clone(), &IndexOptions::default()).expect("index");
    let bounds = index.bounds_lonlat().expect("bounds");
    let mut split_seen = false;
    for z in [12, 14, 15] {
        for (x, y) in tiles_covering(bounds, z) {
            let bytes = index.tile(z, x, y, &TileOptions::default()).expect("tile");
            let decoded: BTreeSet<u64> = if bytes.is_empty() {
                BTreeSet::new()
            } else {
                let layers = decode(&bytes).expect("decodes");
                for f in &layers[0].features {
                    let parts = lines_of(&f.geometry);
                    split_seen |= parts.len() > 1;
                    for part in parts {
                        assert!(part.0.len() >= 2);
                        assert!(part.0.windows(2).all(|w| w[0] != w[1]), "repeated point");
                        for c in &part.0 {
                            assert!(
                                (-64.0..=4160.0).contains(&c.x) && (-64.0..=4160.0).contains(&c.y)
                            );
                        }
                    }
                    assert_eq!(f.id.map(|id| id.to_string()), Some(prop_str(f, "osm_id")));
                }
                layers[0].features.iter().filter_map(|f| f.id).collect()
            };
            // Independently: which source lines cross the buffered tile, and
            // which run at least a unit inside the tile itself.
            let meets = |lo: f64, hi: f64| -> BTreeSet<u64> {
                let rect = Rect::new(Coord { x: lo, y: lo }, Coord { x: hi, y: hi });
                features
                    .iter()
                    .filter(|f| {
                        f.geometry
                            .map_coords(|c| to_tile(c, z, x, y))
                            .intersects(&rect)
                    })
                    .map(|f| f.id)
                    .collect()
            };
            assert!(meets(1.0, 4095.0).is_subset(&decoded), "z{z} {x}/{y}");
            assert!(decoded.is_subset(&meets(-64.0, 4160.0)), "z{z} {x}/{y}");
        }
    }
    assert!(split_seen, "some line leaves and re-enters a tile");
}

#[test]
fn line_crossing_tile_edge_ends_on_the_buffer_edge() {
    // The Leeds and Liverpool Canal runs out of the z15 tile that holds its
    // city-centre end; clipped ends must lie exactly on the buffer edge.
    let index = LayerIndex::new("water", waterways(), &IndexOptions::default()).expect("index");
    let bounds = index.bounds_lonlat().expect("bounds");
    let mut on_edge = 0;
    for (x, y) in tiles_covering(bounds, 15) {
        let bytes = index.tile(15, x, y, &TileOptions::default()).expect("tile");
        if bytes.is_empty() {
            continue;
        }
        for f in &decode(&bytes).expect("decodes")[0].features {
            for part in lines_of(&f.geometry) {
                for c in [part.0[0], part.0[part.0.len() - 1]] {
                    if c.x == -64.0 || c.x == 4160.0 || c.y == -64.0 || c.y == 4160.0 {
                        on_edge += 1;
                    }
                }
            }
        }
    }
    assert!(on_edge > 10, "{on_edge}");
}

#[test]
fn points_keep_position_properties_and_drop_outside() {
    let features = gp_practices();
    let index = LayerIndex::new("gp", features.clone(), &IndexOptions::default()).expect("index");
    for f in &features {
        let Geometry::Point(p) = f.geometry else {
            panic!("point")
        };
        for z in [10, 14, 18] {
            let (x, y) = tile_for_lonlat(p.x(), p.y(), z);
            let bytes = index.tile(z, x, y, &TileOptions::default()).expect("tile");
            let layers = decode(&bytes).expect("decodes");
            let got = layers[0]
                .features
                .iter()
                .find(|g| g.id == Some(f.id))
                .expect("point in its tile");
            let want = to_tile(p.0, z, x, y);
            let Geometry::MultiPoint(mp) = &got.geometry else {
                panic!("multipoint")
            };
            assert_eq!(mp.0.len(), 1);
            assert_eq!((mp.0[0].x(), mp.0[0].y()), (want.x.round(), want.y.round()));
            let props = got.properties.as_ref().expect("properties");
            for (k, v) in &f.properties {
                let decoded = &props[k];
                match (v, decoded) {
                    (PropValue::String(a), Value::String(b)) => assert_eq!(a, b),
                    (PropValue::Int(a), Value::SInt(b)) => assert_eq!(a, b),
                    other => panic!("{other:?}"),
                }
            }
        }
    }
    // At z18 each practice sits alone: a tile holds only the points within
    // its buffer.
    let Geometry::Point(p) = features[0].geometry else {
        panic!("point")
    };
    let (x, y) = tile_for_lonlat(p.x(), p.y(), 18);
    let bytes = index.tile(18, x, y, &TileOptions::default()).expect("tile");
    assert_eq!(decode(&bytes).expect("decodes")[0].features.len(), 1);
    assert!(
        index
            .tile(18, x + 2, y, &TileOptions::default())
            .expect("tile")
            .is_empty()
    );
}

#[test]
fn layers_combine_into_one_tile() {
    let opts = IndexOptions::default();
    let lsoa = LayerIndex::new("lsoa", lsoas(), &opts).expect("lsoa");
    let water = LayerIndex::new("water", waterways(), &opts).expect("water");
    let gp = LayerIndex::new("gp", gp_practices(), &opts).expect("gp");
    let (x, y) = tile_for_lonlat(-1.5488, 53.7997, 13);
    let t = TileOptions::default();
    let bytes = render_tile(&[&lsoa, &water, &gp], 13, x, y, &t).expect("tile");
    let layers = decode(&bytes).expect("decodes");
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["lsoa", "water", "gp"]);
    let parts = [&lsoa, &water, &gp].map(|l| l.tile(13, x, y, &t).expect("tile"));
    assert_eq!(concat_tiles(&parts), bytes);
    assert_eq!(
        render_tile(&[&lsoa, &lsoa], 13, x, y, &t),
        Err(TileError::DuplicateLayerName("lsoa".into()))
    );
}

#[test]
fn empty_tiles_and_bad_requests() {
    let index = LayerIndex::new("lsoa", lsoas(), &IndexOptions::default()).expect("index");
    let t = TileOptions::default();
    assert!(index.tile(10, 0, 0, &t).expect("tile").is_empty());
    assert!(
        render_tile(&[&index], 10, 0, 0, &t)
            .expect("tile")
            .is_empty()
    );
    assert_eq!(
        index.tile(23, 0, 0, &t),
        Err(TileError::InvalidTile { z: 23, x: 0, y: 0 })
    );
    assert_eq!(
        index.tile(3, 8, 0, &t),
        Err(TileError::InvalidTile { z: 3, x: 8, y: 0 })
    );
    assert!(matches!(
        index.tile(3, 0, 0, &TileOptions { buffer: 5000 }),
        Err(TileError::InvalidOptions(_))
    ));
    assert!(
        index
            .tile(22, 0, (1 << 22) - 1, &t)
            .expect("tile")
            .is_empty()
    );
    let bad = Feature {
        id: 1,
        geometry: Geometry::Point(geo::Point::new(f64::NAN, 0.0)),
        properties: vec![],
    };
    assert!(matches!(
        LayerIndex::new("x", vec![bad], &IndexOptions::default()),
        Err(TileError::InvalidCoordinate { id: 1, .. })
    ));
    assert_eq!(
        LayerIndex::new("", vec![], &IndexOptions::default()).err(),
        Some(TileError::EmptyLayerName)
    );
}

#[test]
fn buffer_is_configurable() {
    let index = LayerIndex::new("water", waterways(), &IndexOptions::default()).expect("index");
    let bounds = index.bounds_lonlat().expect("bounds");
    for (x, y) in tiles_covering(bounds, 14) {
        for buffer in [0, 16, 256] {
            let bytes = index.tile(14, x, y, &TileOptions { buffer }).expect("tile");
            if bytes.is_empty() {
                continue;
            }
            let (lo, hi) = (-f64::from(buffer), 4096.0 + f64::from(buffer));
            for f in &decode(&bytes).expect("decodes")[0].features {
                for part in lines_of(&f.geometry) {
                    assert!(
                        part.0
                            .iter()
                            .all(|c| (lo..=hi).contains(&c.x) && (lo..=hi).contains(&c.y))
                    );
                }
            }
        }
    }
}
