//! Footprints through the API, against the committed Leeds atlas: a footprint of codes or of a
//! committee is its areas' counts added up (checked against the areas' own profiles), its CSV
//! and GeoJSON, the errors a person can make, and "where I live" (`/api/where`).
#![allow(clippy::float_cmp)]

mod common;

use common::indicator;

use std::sync::{Arc, OnceLock};

use axum::http::StatusCode;
use equimap_query::CustomAreaSpec;
use equimap_server::AppState;
use serde_json::{Value, json};

/// The ward holding LS6 1AN (Little London & Woodhouse) and Weetwood as a custom footprint,
/// and the example Inner West one, which does not hold it.
fn state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let mut s = AppState::new(common::query());
            let spec = |id: &str, codes: &[&str]| CustomAreaSpec {
                id: Some(id.to_owned()),
                name: format!("Test footprint {id}"),
                description: None,
                geography: Some("ward".to_owned()),
                codes: Some(codes.iter().map(|c| (*c).to_owned()).collect()),
                geometry: None,
            };
            // Two small squares: one around LS6 1AN (-1.56074, 53.80781), one 2 km east of it.
            let square = |id: &str, lon: f64, lat: f64| CustomAreaSpec {
                id: Some(id.to_owned()),
                name: format!("Test square {id}"),
                description: None,
                geography: None,
                codes: None,
                geometry: Some(json!({"type": "Polygon", "coordinates": [[
                    [lon - 0.002, lat - 0.002], [lon + 0.002, lat - 0.002],
                    [lon + 0.002, lat + 0.002], [lon - 0.002, lat + 0.002],
                    [lon - 0.002, lat - 0.002]]]})),
            };
            for sp in [
                spec("woodhouse", &["E05011403", "E05011413"]),
                spec("inner-west", &["E05011385", "E05011387", "E05012648"]),
                square("around-ls6-1an", -1.56074, 53.80781),
                square("east-of-ls6-1an", -1.53074, 53.80781),
            ] {
                let a = s.query.custom_area(&sp).expect("custom area");
                s.custom_areas.push(a);
            }
            Arc::new(s)
        })
        .clone()
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let (s, _, b) = common::get(state(), uri, &[]).await;
    let v = serde_json::from_slice(&b)
        .unwrap_or_else(|_| panic!("JSON from {uri}: {}", String::from_utf8_lossy(&b)));
    (s, v)
}

async fn post(uri: &str, body: &Value) -> (StatusCode, Vec<u8>) {
    let (s, _, b) = common::post(state(), uri, body.to_string()).await;
    (s, b)
}

async fn post_json(body: &Value) -> (StatusCode, Value) {
    let (s, b) = post("/api/custom-area", body).await;
    let v = serde_json::from_slice(&b)
        .unwrap_or_else(|_| panic!("JSON: {}", String::from_utf8_lossy(&b)));
    (s, v)
}

fn counts(i: &Value) -> (f64, f64) {
    (
        i["counts"]["numerator"].as_f64().expect("numerator"),
        i["counts"]["denominator"].as_f64().expect("denominator"),
    )
}

/// Wilson score 95% interval, written out here from the formula (Newcombe 1998, method 3),
/// independently of the crate's.
fn wilson(x: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let p = x / n;
    let centre = 2.0 * x + z * z;
    let spread = z * (z * z + 4.0 * x * (1.0 - p)).sqrt();
    let den = 2.0 * (n + z * z);
    ((centre - spread) / den, (centre + spread) / den)
}

#[tokio::test]
async fn a_footprint_of_lsoas_is_their_counts_added_up() {
    let codes = ["E01011264", "E01011265", "E01011266"];
    let (s, fp) =
        post_json(&json!({"name": "Three LSOAs", "geography": "lsoa21", "codes": codes})).await;
    assert_eq!(s, StatusCode::OK, "{fp}");
    let (mut num, mut den, mut pop) = (0.0, 0.0, 0.0);
    for c in codes {
        let (st, p) = get(&format!("/api/areas/lsoa21/{c}")).await;
        assert_eq!(st, StatusCode::OK, "{c}");
        let (n, d) = counts(indicator(&p, "bad_health_share"));
        num += n;
        den += d;
        pop += indicator(&p, "population")["value"]
            .as_f64()
            .expect("population");
    }
    let bh = indicator(&fp, "bad_health_share");
    assert_eq!(
        counts(bh),
        (num, den),
        "numerator and denominator are the LSOAs' sums"
    );
    assert!((bh["value"].as_f64().expect("value") - num / den).abs() < 1e-12);
    let (lo, hi) = wilson(num, den);
    assert!((bh["interval"]["lower"].as_f64().expect("lower") - lo).abs() < 1e-9);
    assert!((bh["interval"]["upper"].as_f64().expect("upper") - hi).abs() < 1e-9);
    assert!(bh["vs_england"]["words"].is_string(), "{bh}");
    assert_eq!(bh["estimate"], true);
    assert_eq!(fp["figures"]["residents"].as_f64(), Some(pop));
    assert_eq!(indicator(&fp, "population")["value"].as_f64(), Some(pop));
    // The spread of its residents across the national IMD deciles adds up to them all.
    let by_decile: f64 = fp["figures"]["residents_by_decile"]
        .as_array()
        .expect("deciles")
        .iter()
        .filter_map(Value::as_f64)
        .sum();
    assert!((by_decile - pop).abs() < 1e-6, "{by_decile} vs {pop}");
    assert_eq!(fp["members"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_footprint_of_a_committee_matches_the_committee_profile() {
    let (s, fp) = post_json(
        &json!({"name": "Inner East", "geography": "committee", "codes": ["cc-inner-east"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{fp}");
    let (_, cc) = get("/api/areas/committee/cc-inner-east").await;
    assert_eq!(
        indicator(&fp, "population")["value"],
        indicator(&cc, "population")["value"]
    );
    // Shares: the same counts; the committee's value is stored to 4 decimals.
    for id in ["bad_health_share", "fuel_poverty_share"] {
        assert_eq!(
            counts(indicator(&fp, id)),
            counts(indicator(&cc, id)),
            "{id}"
        );
        let (a, b) = (
            indicator(&fp, id)["value"].as_f64().expect("value"),
            indicator(&cc, id)["value"].as_f64().expect("value"),
        );
        assert!((a - b).abs() <= 0.000_05, "{id}: {a} vs {b}");
    }
    assert_eq!(fp["members"][0]["name"], "Inner East Community Committee");
    // The same three wards as codes give the same footprint.
    let ward_codes: Vec<&str> = cc["footprint"]["wards"]
        .as_array()
        .expect("wards")
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    let (_, by_wards) =
        post_json(&json!({"name": "Inner East wards", "geography": "ward", "codes": ward_codes}))
            .await;
    assert_eq!(ward_codes.len(), 3);
    assert_eq!(by_wards["lsoas"], fp["lsoas"]);
}

#[tokio::test]
async fn bad_footprints_are_400s_naming_the_problem() {
    let cases = [
        (
            json!({"name": "x", "geography": "lsoa21", "codes": ["E01011264", "E01999999"]}),
            "unknown lsoa21 code(s) in this atlas: E01999999",
        ),
        (
            json!({"name": "x", "geography": "ward", "codes": []}),
            "the footprint is empty",
        ),
        (
            json!({"name": "x", "geography": "lsoa11", "codes": ["E01011264"]}),
            "not lsoa11",
        ),
        (
            json!({"name": "x", "geography": "ward", "codes": ["E05011397"], "geometry": {"type": "Point", "coordinates": [0, 0]}}),
            "not both or neither",
        ),
        (
            json!({"name": "x", "geometry": {"type": "Point", "coordinates": [-1.5, 53.8]}}),
            "must be a Polygon or MultiPolygon",
        ),
        (
            json!({"name": "", "geography": "ward", "codes": ["E05011397"]}),
            "a name",
        ),
    ];
    for (body, expected) in cases {
        let (s, v) = post_json(&body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        let msg = v["error"].as_str().expect("error");
        assert!(msg.contains(expected), "{body}: {msg}");
    }
    let many: Vec<String> = (0..=equimap_query::MAX_CODES)
        .map(|i| format!("E01{i:06}"))
        .collect();
    let (s, v) = post_json(&json!({"name": "x", "geography": "lsoa21", "codes": many})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|m| m.contains("5001 codes, over the limit of 5000")),
        "{v}"
    );
    let (s, b) = post("/api/custom-area", &json!("not an object")).await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&b)
    );
    let (s, _) = post("/api/custom-area?format=xml", &json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_footprint_downloads_as_csv_and_geojson() {
    let body =
        json!({"name": "Two wards", "geography": "ward", "codes": ["E05011397", "E05011413"]});
    let (s, csv) = post("/api/custom-area?format=csv", &body).await;
    assert_eq!(s, StatusCode::OK);
    let csv = String::from_utf8(csv).expect("utf8");
    let (_, fp) = post_json(&body).await;
    let pop = indicator(&fp, "population")["value"]
        .as_f64()
        .expect("population");
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("custom,,Two wards,population,Population,{pop}"))),
        "{csv}"
    );
    assert!(
        csv.contains("ward,E05011397,Headingley & Hyde Park"),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l.starts_with("# footprint: Two wards")));
    let (s, gj) = post("/api/custom-area?format=geojson", &body).await;
    assert_eq!(s, StatusCode::OK);
    let gj: Value = serde_json::from_slice(&gj).expect("geojson");
    let features = gj["features"].as_array().expect("features");
    assert_eq!(features.len(), 2);
    assert_eq!(features[0]["properties"]["code"], "E05011397");
    assert_eq!(features[0]["geometry"]["type"], "MultiPolygon");
    assert_eq!(gj["figures"]["residents"], fp["figures"]["residents"]);
}

#[tokio::test]
async fn a_polygon_footprint_carries_its_outline() {
    let ring = [
        [-1.57, 53.80],
        [-1.55, 53.80],
        [-1.55, 53.81],
        [-1.57, 53.81],
        [-1.57, 53.80],
    ];
    let (s, fp) = post_json(
        &json!({"name": "Drawn", "geometry": {"type": "Polygon", "coordinates": [ring]}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{fp}");
    assert_eq!(fp["geometry"]["type"], "MultiPolygon");
    let corner = &fp["geometry"]["coordinates"][0][0][0];
    let lon = corner[0].as_f64().expect("lon");
    assert!((-1.5701..=-1.5499).contains(&lon), "{corner}");
    assert!(fp["figures"]["residents"].as_f64().expect("residents") > 0.0);
}

#[tokio::test]
async fn where_i_live_lists_every_footprint_of_a_postcode() {
    let (s, w) = get("/api/where?q=LS6%201AN").await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(w["found"], "LS6 1AN");
    // The same point as the postcode file, and the same areas as the point lookup.
    assert_eq!(w["lon"].as_f64(), Some(-1.56074));
    assert_eq!(w["lat"].as_f64(), Some(53.80781));
    let (_, point) = get("/api/point?lon=-1.56074&lat=53.80781").await;
    let geos: Vec<&str> = w["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|m| m["area"]["geography"].as_str().expect("geography"))
        .collect();
    assert_eq!(geos, ["lsoa21", "msoa21", "ward", "committee", "district"]);
    for m in w["areas"].as_array().expect("areas") {
        let g = &m["area"]["geography"];
        let at_point = point["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .find(|a| &a["geography"] == g)
            .expect("same geography");
        assert_eq!(m["area"]["code"], at_point["code"], "{g}");
    }
    let ward = &w["areas"][2];
    assert_eq!(ward["area"]["name"], "Little London & Woodhouse");
    // Headline figures are the area's profile values, with their comparisons.
    let (_, profile) = get("/api/areas/ward/E05011403").await;
    let headline = ward["headline"].as_array().expect("headline");
    let bh = headline
        .iter()
        .find(|i| i["id"] == "bad_health_share")
        .expect("bad health");
    assert_eq!(
        bh["value"],
        indicator(&profile, "bad_health_share")["value"]
    );
    assert_eq!(
        bh["vs_england"]["words"],
        indicator(&profile, "bad_health_share")["vs_england"]["words"]
    );
    assert_eq!(w["areas"][3]["area"]["code"], "cc-inner-north-west");
    // Custom footprints: the one holding its ward and the square around it, not the others.
    let custom: Vec<&str> = w["custom_areas"]
        .as_array()
        .expect("custom")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(custom, ["woodhouse", "around-ls6-1an"]);
    // The nearest practices are those of /api/services, with their PCN.
    let (_, near) = get("/api/services?near=-1.56074,53.80781&limit=3").await;
    let mine: Vec<&Value> = w["nearest_gp_practices"]
        .as_array()
        .expect("practices")
        .iter()
        .map(|p| &p["org_code"])
        .collect();
    let theirs: Vec<&Value> = near["results"]
        .as_array()
        .expect("services")
        .iter()
        .map(|p| &p["org_code"])
        .collect();
    assert_eq!(mine, theirs);
    assert!(w["nearest_gp_practices"][0]["registers"]["pcn"]["name"].is_string());
}

#[tokio::test]
async fn where_i_live_refuses_what_it_cannot_answer() {
    let (s, v) = get("/api/where").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = get("/api/where?lon=0.5&lat=51.5").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|m| m.contains("outside the atlas"))
    );
    let (s, v) = get("/api/where?q=zzzzqqq").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, _) = get("/api/where?q=LS6%201AN&lon=-1.5&lat=53.8").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = get("/api/where?lon=-1.56&lat=53.8&practices=0").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
