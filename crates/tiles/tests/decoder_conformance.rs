//! The decoder used to check our tiles (`mvt-reader`) is itself checked
//! against the Mapbox `mvt-fixtures` conformance suite (CC0, copied into
//! `tests/fixtures/mvt/`), and our encoder reproduces two of the spec's
//! examples byte for byte.

// Decoded tile coordinates are exact small integers: compare them exactly.
#![allow(clippy::float_cmp)]

mod common;

use common::{decode, fixture, ring_area2};
use equimap_tiles::projection::world_to_lonlat;
use equimap_tiles::{Feature, IndexOptions, LayerIndex, PropValue, TileOptions};
use geo::{Geometry, LineString, MultiLineString, MultiPoint, Point, Polygon, coord};
use mvt_reader::feature::Value;

fn read(id: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("mvt/{id}/tile.mvt"))).expect("fixture tile")
}

fn expected_json(id: &str) -> serde_json::Value {
    let text =
        std::fs::read_to_string(fixture(&format!("mvt/{id}/tile.json"))).expect("fixture json");
    serde_json::from_str(&text).expect("json")
}

fn single_geometry(id: &str) -> Geometry<f64> {
    let layers = decode(&read(id)).expect("decodes");
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0].name, "hello");
    assert_eq!(layers[0].extent, 4096);
    assert_eq!(layers[0].features.len(), 1);
    let f = &layers[0].features[0];
    assert_eq!(f.id, Some(1));
    let props = f.properties.as_ref().expect("properties");
    assert_eq!(props.get("hello"), Some(&Value::String("world".into())));
    f.geometry.clone()
}

fn ls(points: &[(f64, f64)]) -> LineString<f64> {
    LineString(points.iter().map(|&(x, y)| coord! { x: x, y: y }).collect())
}

/// Geometries as given in the MVT 2.1 specification, §4.3.5.
#[test]
fn spec_geometry_examples_decode_as_documented() {
    assert_eq!(
        single_geometry("017"),
        Geometry::MultiPoint(MultiPoint(vec![Point::new(25.0, 17.0)]))
    );
    assert_eq!(
        single_geometry("020"),
        Geometry::MultiPoint(MultiPoint(vec![Point::new(5.0, 7.0), Point::new(3.0, 2.0)]))
    );
    assert_eq!(
        single_geometry("018"),
        Geometry::LineString(ls(&[(2.0, 2.0), (2.0, 10.0), (10.0, 10.0)]))
    );
    assert_eq!(
        single_geometry("021"),
        Geometry::MultiLineString(MultiLineString(vec![
            ls(&[(2.0, 2.0), (2.0, 10.0), (10.0, 10.0)]),
            ls(&[(1.0, 1.0), (3.0, 5.0)]),
        ]))
    );
    let Geometry::MultiPolygon(mp) = single_geometry("019") else {
        panic!("polygon")
    };
    assert_eq!(
        mp.0,
        vec![Polygon::new(
            ls(&[(3.0, 6.0), (8.0, 12.0), (20.0, 34.0), (3.0, 6.0)]),
            vec![]
        )]
    );
    // The spec's exterior ring has positive shoelace area in y-down tile
    // coordinates: the convention our encoder and tests use.
    assert!(ring_area2(mp.0[0].exterior()) > 0.0);

    let Geometry::MultiPolygon(mp) = single_geometry("022") else {
        panic!("multipolygon")
    };
    assert_eq!(mp.0.len(), 2);
    assert_eq!(
        mp.0[0].exterior(),
        &ls(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0)
        ])
    );
    assert_eq!(mp.0[1].interiors().len(), 1);
    assert_eq!(
        mp.0[1].interiors()[0],
        ls(&[
            (13.0, 13.0),
            (13.0, 17.0),
            (17.0, 17.0),
            (17.0, 13.0),
            (13.0, 13.0)
        ])
    );
    assert!(mp.0.iter().all(|p| ring_area2(p.exterior()) > 0.0));
    assert!(ring_area2(&mp.0[1].interiors()[0]) < 0.0);
}

#[test]
fn clipped_square_fixtures() {
    for (id, lo, hi) in [
        ("053", 0.0, 4096.0),
        ("054", -1.0, 4097.0),
        ("056", -200.0, 4296.0),
    ] {
        let layers = decode(&read(id)).expect("decodes");
        let Geometry::MultiPolygon(mp) = &layers[0].features[0].geometry else {
            panic!("{id}")
        };
        let ext = mp.0[0].exterior();
        assert_eq!(
            ext,
            &ls(&[(lo, lo), (hi, lo), (hi, hi), (lo, hi), (lo, lo)]),
            "{id}"
        );
        assert!(ring_area2(ext) > 0.0);
    }
}

#[test]
fn property_values_match_fixture_json() {
    for id in ["038", "043", "062"] {
        let expected = expected_json(id);
        let layers = decode(&read(id)).expect("decodes");
        let jl = &expected["layers"][0];
        assert_eq!(layers[0].name, jl["name"].as_str().expect("name"));
        let keys = jl["keys"].as_array().expect("keys");
        let values = jl["values"].as_array().expect("values");
        for (f, jf) in layers[0]
            .features
            .iter()
            .zip(jl["features"].as_array().expect("features"))
        {
            assert_eq!(f.id, jf["id"].as_u64());
            let tags = jf["tags"].as_array().expect("tags");
            let props = f.properties.as_ref().expect("properties");
            assert_eq!(props.len(), tags.len() / 2, "{id}");
            for pair in tags.chunks(2) {
                let key = keys[pair[0].as_u64().expect("k") as usize]
                    .as_str()
                    .expect("key");
                let jv = &values[pair[1].as_u64().expect("v") as usize];
                let (kind, v) = jv.as_object().and_then(|o| o.iter().next()).expect("value");
                let got = &props[key];
                let ok = match (kind.as_str(), got) {
                    ("string_value", Value::String(s)) => v.as_str() == Some(s),
                    ("bool_value", Value::Bool(b)) => v.as_bool() == Some(*b),
                    ("int_value", Value::Int(i)) | ("sint_value", Value::SInt(i)) => {
                        v.as_i64() == Some(*i)
                    }
                    ("uint_value", Value::UInt(u)) => v.as_u64() == Some(*u),
                    ("double_value", Value::Double(d)) => v.as_f64() == Some(*d),
                    ("float_value", Value::Float(x)) => {
                        (v.as_f64().expect("f") - f64::from(*x)).abs() < 1e-6
                    }
                    _ => false,
                };
                assert!(ok, "fixture {id}: {key} = {got:?}, expected {kind} {v}");
            }
        }
    }
}

#[test]
fn empty_and_invalid_fixtures() {
    assert!(decode(&read("001")).expect("empty tile decodes").is_empty());
    // 040: tags point to a missing key; 044: geometry starts with ClosePath.
    let reader = mvt_reader::Reader::new(read("040")).expect("protobuf ok");
    assert!(reader.get_features(0).is_err());
    let reader = mvt_reader::Reader::new(read("044")).expect("protobuf ok");
    assert!(reader.get_features(0).is_err());
}

/// Longitude/latitude of a zoom-0 tile-grid point, so that our encoder
/// quantises it back to exactly that point.
fn lonlat_of_grid(x: f64, y: f64) -> (f64, f64) {
    world_to_lonlat(x / 4096.0, y / 4096.0)
}

fn hello_index(geometry: Geometry<f64>) -> LayerIndex {
    let feature = Feature {
        id: 1,
        geometry,
        properties: vec![("hello".into(), PropValue::from("world"))],
    };
    let opts = IndexOptions {
        tolerance: 0.0,
        ..IndexOptions::default()
    };
    LayerIndex::new("hello", vec![feature], &opts).expect("index")
}

/// Our encoder writes the same fields in the same order as the fixtures,
/// plus the extent, which the fixture leaves to its proto2 default.
fn with_extent(fixture_bytes: &[u8]) -> Vec<u8> {
    assert!(fixture_bytes[1] < 0x7d, "single-byte layer length");
    let mut out = vec![0x1a, fixture_bytes[1] + 3];
    out.extend_from_slice(&fixture_bytes[2..]);
    out.extend_from_slice(&[0x28, 0x80, 0x20]);
    out
}

#[test]
fn encoder_reproduces_spec_point_and_polygon_bytes() {
    let (lon, lat) = lonlat_of_grid(25.0, 17.0);
    let point = hello_index(Geometry::Point(Point::new(lon, lat)));
    let bytes = point.tile(0, 0, 0, &TileOptions::default()).expect("tile");
    assert_eq!(bytes, with_extent(&read("017")));

    let ring: Vec<(f64, f64)> = [(3.0, 6.0), (8.0, 12.0), (20.0, 34.0), (3.0, 6.0)]
        .iter()
        .map(|&(x, y)| lonlat_of_grid(x, y))
        .collect();
    let polygon = hello_index(Geometry::Polygon(Polygon::new(ls(&ring), vec![])));
    let bytes = polygon
        .tile(0, 0, 0, &TileOptions::default())
        .expect("tile");
    assert_eq!(bytes, with_extent(&read("019")));
}
