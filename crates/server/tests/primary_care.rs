//! GP practice and PCN routes against the committed Leeds atlas, with values computed from the
//! published QOF 2024-25 file and the July 2026 PCN map (in Python, outside this code).
#![allow(clippy::float_cmp)]

mod common;

use axum::http::StatusCode;
use common::atlas_get as get;
use serde_json::Value;

fn condition<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["prevalence"]
        .as_array()
        .expect("prevalence")
        .iter()
        .find(|p| p["condition"] == code)
        .expect("condition")
}

#[tokio::test]
async fn practice_profile_has_prevalence_interval_and_comparisons() {
    let (s, v) = get("/api/practices/B86086").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "LAUREL BANK SURGERY");
    assert_eq!(v["pcn"]["code"], "U11864");
    assert_eq!(v["pcn"]["as_at"], "2026-07-01");
    assert_eq!(v["imd2025_decile"], 7);
    let dep = condition(&v, "DEP");
    // B86086,DEP,872.0,18OV,6636: 13.1404%, Wilson 95% 12.3489–13.9747 (statsmodels).
    assert_eq!(
        (dep["register"].as_u64(), dep["list_size"].as_u64()),
        (Some(872), Some(6636))
    );
    assert_eq!(dep["value"], 13.1404);
    assert_eq!(
        (dep["lower"].as_f64(), dep["upper"].as_f64()),
        (Some(12.3489), Some(13.9747))
    );
    assert_eq!(dep["denominator"], "registered patients aged 18 and over");
    // Leeds practices 12.98% lies inside the interval; England 14.27% above it.
    assert_eq!(dep["district"]["value"], 12.9766);
    assert_eq!(dep["district"]["comparison"]["significance"], "similar");
    assert_eq!(
        dep["district"]["comparison"]["words"],
        "similar to Leeds practices"
    );
    assert_eq!(dep["england"]["comparison"]["significance"], "lower");
    assert_eq!(
        dep["england"]["comparison"]["words"],
        "significantly lower than England practices"
    );
    assert!(
        v["caveat"]
            .as_str()
            .expect("caveat")
            .contains("not age-standardised")
    );
}

#[tokio::test]
async fn pcn_profile_sums_its_practices() {
    let (s, v) = get("/api/pcns/U11864").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "WOODSLEY PCN");
    assert_eq!(v["as_at"], "2026-07-01");
    assert_eq!(v["practices"].as_array().expect("practices").len(), 8);
    // Depression: the eight practices' registers over their lists, 9,474 / 72,269.
    let dep = condition(&v, "DEP");
    assert_eq!(
        (dep["register"].as_u64(), dep["list_size"].as_u64()),
        (Some(9474), Some(72_269))
    );
    assert_eq!(dep["value"], 13.1094);
    assert!(
        v["no_boundary"]
            .as_str()
            .expect("why")
            .contains("not an area")
    );
    // Five Towns (Wakefield) holds the one Leeds-located practice B87030 and three outside.
    let (_, v) = get("/api/pcns/U25219").await;
    let inside: Vec<bool> = v["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .map(|p| p["in_district"].as_bool().expect("flag"))
        .collect();
    assert_eq!(inside.iter().filter(|b| **b).count(), 1);
    assert_eq!(inside.len(), 4);
    assert_eq!(condition(&v, "DEP")["value"], 15.5588);
}

#[tokio::test]
async fn rank_practices_and_pcns() {
    let (s, v) = get("/api/primary-care/rank?condition=dep&limit=3").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let codes: Vec<&str> = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["B86054", "B86035", "B86024"]);
    let (_, v) = get("/api/primary-care/rank?condition=DEP&unit=pcn&order=asc").await;
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 20);
    assert!(v["no_boundary"].is_string());
    let (s, v) = get("/api/primary-care/rank?condition=SMOKING").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        v["error"]
            .as_str()
            .expect("error")
            .contains("unknown condition")
    );
    let (s, _) = get("/api/primary-care/rank?condition=DEP&unit=ward").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn gradient_by_practice_decile() {
    let (s, v) = get("/api/primary-care/gradient?condition=DEP&scope=england").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let g = &v["gradients"][0];
    let bands = g["bands"].as_array().expect("bands");
    assert_eq!(bands.len(), 10);
    // Every English practice with a score is in a band: 6,143 (the OHID file).
    let n: u64 = bands
        .iter()
        .map(|b| b["practices"].as_u64().expect("n"))
        .sum();
    assert_eq!(n, 6143);
    // The SII recomputed here by the covariance form of weighted least squares (prevalence on
    // the midpoint of each band's cumulative share of the lists), not by query::inequality's
    // normal equations.
    let (lists, prev): (Vec<f64>, Vec<f64>) = bands
        .iter()
        .map(|b| {
            let (r, l) = (
                b["register"].as_f64().expect("register"),
                b["list_size"].as_f64().expect("list"),
            );
            (l, 100.0 * r / l)
        })
        .unzip();
    let total: f64 = lists.iter().sum();
    let mut cum = 0.0;
    let ranks: Vec<f64> = lists
        .iter()
        .map(|l| {
            cum += l / total;
            cum - l / total / 2.0
        })
        .collect();
    let mean = |v: &[f64]| {
        v.iter()
            .zip(&lists)
            .map(|(x, l)| x * l / total)
            .sum::<f64>()
    };
    let (mx, my) = (mean(&ranks), mean(&prev));
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for ((x, y), l) in ranks.iter().zip(&prev).zip(&lists) {
        sxy += l * (x - mx) * (y - my);
        sxx += l * (x - mx) * (x - mx);
    }
    let sii = g["sii"].as_f64().expect("sii");
    assert!((sii - sxy / sxx).abs() < 1e-3, "{sii} vs {}", sxy / sxx);
    // Depression is recorded more where practices' patients are more deprived.
    assert!(sii < 0.0, "{sii}");
    let (lo, hi) = (
        g["sii_interval"][0].as_f64().expect("lower"),
        g["sii_interval"][1].as_f64().expect("upper"),
    );
    assert!(lo < sii && sii < hi, "{lo} {sii} {hi}");
    assert!(g["rii"].is_number());
    let (s, v) = get("/api/primary-care/gradient").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["gradients"].as_array().expect("all").len(), 21);
    let n: u64 = v["gradients"][0]["bands"]
        .as_array()
        .expect("bands")
        .iter()
        .map(|b| b["practices"].as_u64().expect("n"))
        .sum();
    assert_eq!(n, 87, "every Leeds practice has a score");
    let (s, _) = get("/api/primary-care/gradient?scope=mars").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn search_finds_practices_and_pcns() {
    let (_, v) = get("/api/search?q=woodsley%20pcn").await;
    let first = &v["results"][0];
    assert_eq!(first["kind"], "pcn");
    assert_eq!(first["code"], "U11864");
    let (_, v) = get("/api/search?q=B86086").await;
    assert_eq!(v["results"][0]["kind"], "practice");
    assert_eq!(v["results"][0]["code"], "B86086");
}

#[tokio::test]
async fn unknown_codes_are_json_404s() {
    let (s, v) = get("/api/practices/Z99999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["error"].as_str().expect("error").contains("Z99999"));
    let (s, _) = get("/api/pcns/U00000").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = get("/api/practices?condition=XYZ").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn practices_layer_and_catalogue() {
    let (s, v) = get("/api/practices?condition=DM").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["features"].as_array().expect("features").len(), 87);
    assert_eq!(v["england"], 7.8946);
    let (_, v) = get("/api/primary-care").await;
    assert_eq!(v["membership_as_at"], "2026-07-01");
    assert_eq!(v["conditions"].as_array().expect("conditions").len(), 21);
    assert_eq!(v["district_practices"], 87);
}

#[tokio::test]
async fn a_site_reports_its_nearest_practices_with_their_prevalence() {
    // A 200 m square around Laurel Bank Surgery (B86086, LS6 3DS).
    let (lon, lat, d) = (-1.58733, 53.81695, 0.001);
    let body = serde_json::json!({"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]});
    let (s, r) = common::atlas_post("/api/site", &body).await;
    assert_eq!(s, StatusCode::OK);
    let first = &r["nearest_gp_practices"][0];
    assert_eq!(first["org_code"], "B86086");
    assert_eq!(first["distance_m"], 0.0);
    assert_eq!(first["registers"]["pcn"]["name"], "WOODSLEY PCN");
    // The same figures as the practice profile: 872 of 6,636, 13.1404% (12.3489–13.9747).
    let dep = condition(&first["registers"], "DEP");
    assert_eq!(dep["value"], 13.1404);
    assert_eq!(
        (dep["lower"].as_f64(), dep["upper"].as_f64()),
        (Some(12.3489), Some(13.9747))
    );
    assert_eq!(dep["england"]["comparison"]["significance"], "lower");
    assert!(
        first["registers"]["caveat"]
            .as_str()
            .is_some_and(|c| c.contains("not age-standardised"))
    );
}
