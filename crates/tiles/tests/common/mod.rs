//! Shared test helpers: fixture loading, decoding with the independent
//! `mvt-reader` crate, and geometry checks on what it decodes.
#![allow(dead_code)]
// each test binary uses a different subset
// Decoded tile coordinates are exact small integers: compare them exactly.
#![allow(clippy::float_cmp)]

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use equimap_tiles::{Feature, PropValue};
use geo::{Area, Coord, LineString, MultiPolygon, Validation};
use mvt_reader::Reader;
use mvt_reader::feature::Value;

/// A file under the workspace's `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
}

fn prop_value(v: &serde_json::Value) -> Option<PropValue> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::Bool(b) => Some(PropValue::Bool(*b)),
        serde_json::Value::String(s) => Some(PropValue::String(s.clone())),
        serde_json::Value::Number(n) => Some(if let Some(i) = n.as_i64() {
            PropValue::Int(i)
        } else if let Some(u) = n.as_u64() {
            PropValue::UInt(u)
        } else {
            PropValue::Double(n.as_f64().expect("number"))
        }),
        other => Some(PropValue::String(other.to_string())),
    }
}

/// Loads a GeoJSON fixture; `id` derives each feature id from its
/// properties.
pub fn load_geojson(
    rel: &str,
    id: impl Fn(usize, &serde_json::Map<String, serde_json::Value>) -> u64,
) -> Vec<Feature> {
    let text = std::fs::read_to_string(fixture(rel)).expect("read fixture");
    let fc: geojson::FeatureCollection = text.parse().expect("parse GeoJSON");
    fc.features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let props = f.properties.unwrap_or_default();
            let geometry = geo::Geometry::<f64>::try_from(&f.geometry.expect("geometry").value)
                .expect("geo geometry");
            Feature {
                id: id(i, &props),
                geometry,
                properties: props
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), prop_value(v)?)))
                    .collect(),
            }
        })
        .collect()
}

/// LSOA id used in tests: the digits of the LSOA code (`E01033008` → 1033008).
pub fn lsoa_id(code: &str) -> u64 {
    code[1..].parse().expect("numeric LSOA code")
}

/// The 15 neighbouring city-centre LSOAs (real ONS boundaries).
pub fn lsoas() -> Vec<Feature> {
    load_geojson("tiles/lsoa11_leeds_city_centre.geojson", |_, p| {
        lsoa_id(p["LSOA11CD"].as_str().expect("LSOA11CD"))
    })
}

/// A decoded layer.
pub struct Layer {
    pub name: String,
    pub extent: u32,
    pub features: Vec<mvt_reader::feature::Feature<f64>>,
}

/// Decodes a tile with `mvt-reader`.
pub fn decode(bytes: &[u8]) -> Result<Vec<Layer>, mvt_reader::error::ParserError> {
    let reader = Reader::new(bytes.to_vec())?;
    let meta = reader.get_layer_metadata()?;
    meta.into_iter()
        .map(|m| {
            Ok(Layer {
                name: m.name,
                extent: m.extent,
                features: reader.get_features_as::<f64>(m.layer_index)?,
            })
        })
        .collect()
}

/// A string property of a decoded feature.
pub fn prop_str(f: &mvt_reader::feature::Feature<f64>, key: &str) -> String {
    match f.properties.as_ref().and_then(|p| p.get(key)) {
        Some(Value::String(s)) => s.clone(),
        other => panic!("property {key}: {other:?}"),
    }
}

/// Twice the signed area of a closed ring in tile coordinates; positive
/// means clockwise on screen (y down), which MVT 2.1 requires of exteriors.
pub fn ring_area2(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

/// Polygons of a decoded feature.
pub fn polygons(f: &mvt_reader::feature::Feature<f64>) -> MultiPolygon<f64> {
    match &f.geometry {
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        geo::Geometry::MultiPolygon(mp) => mp.clone(),
        other => panic!("not a polygon: {other:?}"),
    }
}

/// MVT 2.1 encoding rules and OGC validity for one decoded polygon feature.
pub fn check_polygon_rules(mp: &MultiPolygon<f64>) -> Result<(), String> {
    for (i, p) in mp.0.iter().enumerate() {
        let rings =
            std::iter::once((p.exterior(), true)).chain(p.interiors().iter().map(|r| (r, false)));
        for (ring, exterior) in rings {
            let c = &ring.0;
            if c.len() < 4 || c.first() != c.last() {
                return Err(format!("polygon {i}: ring not closed or too short: {c:?}"));
            }
            if c.windows(2).any(|w| w[0] == w[1]) {
                return Err(format!("polygon {i}: repeated consecutive point in {c:?}"));
            }
            let distinct: HashSet<(i64, i64)> =
                c.iter().map(|p| (p.x as i64, p.y as i64)).collect();
            if distinct.len() < 3 {
                return Err(format!("polygon {i}: fewer than 3 distinct points"));
            }
            if c.iter().any(|p| p.x.fract() != 0.0 || p.y.fract() != 0.0) {
                return Err(format!("polygon {i}: non-integer coordinate"));
            }
            let a = ring_area2(ring);
            if exterior && a <= 0.0 || !exterior && a >= 0.0 {
                return Err(format!(
                    "polygon {i}: wrong winding (area2 {a}, exterior {exterior})"
                ));
            }
        }
        if let Err(e) = p.check_validation() {
            return Err(format!("polygon {i}: invalid: {e}"));
        }
    }
    Ok(())
}

fn on_segment(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> bool {
    let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    cross == 0.0
        && p.x >= a.x.min(b.x)
        && p.x <= a.x.max(b.x)
        && p.y >= a.y.min(b.y)
        && p.y <= a.y.max(b.y)
}

fn segments(mp: &MultiPolygon<f64>) -> Vec<(Coord<f64>, Coord<f64>)> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>())
        .collect()
}

fn on_boundary(p: Coord<f64>, segs: &[(Coord<f64>, Coord<f64>)]) -> bool {
    segs.iter().any(|&(a, b)| on_segment(p, a, b))
}

/// What [`check_gap_free`] measured.
#[derive(Debug)]
pub struct GapReport {
    pub sum_area: f64,
    pub union_area: f64,
    pub union_holes: usize,
    pub shared_edges: usize,
}

/// Checks that decoded neighbouring polygons tile the plane: no overlaps
/// (sum of areas = area of union), no gaps (the union has no holes), and
/// borders shared vertex for vertex: every edge of one polygon that runs
/// along another's boundary is an edge of that one too, walked the other
/// way (so neither side has a vertex the other lacks).
///
/// `max_overlap` (unit²) allows for overlap that rounding to the grid can
/// cause where a polygon is thinner than a unit; 0 demands exactness (up to
/// float noise in the union).
pub fn check_gap_free(
    features: &[(u64, MultiPolygon<f64>)],
    max_overlap: f64,
) -> Result<GapReport, String> {
    let sum_area: f64 = features.iter().map(|(_, p)| p.unsigned_area()).sum();
    let union = geo::unary_union(features.iter().map(|(_, p)| p));
    let union_area = union.unsigned_area();
    let union_holes = union.0.iter().map(|p| p.interiors().len()).sum();
    let mut shared_edges = 0;
    let segs: Vec<_> = features.iter().map(|(_, p)| segments(p)).collect();
    let edges: Vec<HashSet<[(i64, i64); 2]>> = segs
        .iter()
        .map(|s| {
            s.iter()
                .map(|(a, b)| [(a.x as i64, a.y as i64), (b.x as i64, b.y as i64)])
                .collect()
        })
        .collect();
    for (i, (id_a, _)) in features.iter().enumerate() {
        for (j, (id_b, _)) in features.iter().enumerate() {
            if i == j {
                continue;
            }
            for &(a, b) in &segs[i] {
                let mid = Coord {
                    x: f64::midpoint(a.x, b.x),
                    y: f64::midpoint(a.y, b.y),
                };
                if on_boundary(a, &segs[j])
                    && on_boundary(b, &segs[j])
                    && on_boundary(mid, &segs[j])
                {
                    let rev = [(b.x as i64, b.y as i64), (a.x as i64, a.y as i64)];
                    if !edges[j].contains(&rev) {
                        return Err(format!(
                            "edge {a:?}-{b:?} of {id_a} runs along {id_b} but is not its edge"
                        ));
                    }
                    shared_edges += 1;
                }
            }
        }
    }
    let report = GapReport {
        sum_area,
        union_area,
        union_holes,
        shared_edges,
    };
    if (sum_area - union_area).abs() > max_overlap + 1e-9 * sum_area.max(1.0) {
        return Err(format!("overlap: {report:?}"));
    }
    if union_holes > 0 {
        return Err(format!("gaps: {report:?}"));
    }
    Ok(report)
}

/// Decoded polygon features of one layer keyed by id, checking the MVT
/// rules on each.
pub fn decoded_polygons(layer: &Layer) -> BTreeMap<u64, MultiPolygon<f64>> {
    layer
        .features
        .iter()
        .map(|f| {
            let mp = polygons(f);
            let id = f.id.expect("feature id");
            if let Err(e) = check_polygon_rules(&mp) {
                panic!("feature {id}: {e}");
            }
            (id, mp)
        })
        .collect()
}
