//! Handlers tested in-process with `tower::ServiceExt::oneshot` against the committed atlas.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use equimap_atlas::Atlas;
use equimap_server::{AppState, router};
use serde_json::Value;
use tower::ServiceExt;

fn state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let atlas =
                Atlas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
                    .expect("atlas");
            Arc::new(AppState { atlas })
        })
        .clone()
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let res = router(state())
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .expect("body");
    (status, serde_json::from_slice(&bytes).expect("JSON body"))
}

#[tokio::test]
async fn healthz_names_the_atlas() {
    let (status, body) = get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["atlas"]["district"], "E08000035");
    assert_eq!(body["atlas"]["name"], "Leeds");
}

#[tokio::test]
async fn indicators_carry_units_periods_and_references() {
    let (status, body) = get("/api/indicators").await;
    assert_eq!(status, StatusCode::OK);
    let items = body["indicators"].as_array().expect("array");
    let imd = items
        .iter()
        .find(|i| i["id"] == "imd2025_decile")
        .expect("imd2025_decile");
    assert_eq!(imd["unit"], "decile (1 = most deprived 10% in England)");
    assert_eq!(imd["native"], "lsoa21");
    let le = items
        .iter()
        .find(|i| i["id"] == "le_female")
        .expect("le_female");
    assert_eq!(le["unit"], "years");
    let refs = le["reference"].as_array().expect("references");
    let scopes: Vec<&str> = refs.iter().filter_map(|r| r["scope"].as_str()).collect();
    assert_eq!(scopes, ["E08000035", "E92000001"]);
    let leeds = refs[0]["value"].as_f64().expect("Leeds value");
    let england = refs[1]["value"].as_f64().expect("England value");
    // Leeds women live shorter lives than England's on average (2016-20).
    assert!(
        leeds < england && (80.0..90.0).contains(&leeds),
        "{leeds} {england}"
    );
    assert!(
        body["attribution"]
            .as_array()
            .expect("attribution")
            .iter()
            .any(|a| a.as_str().is_some_and(|s| s.contains("OpenStreetMap")))
    );
}

#[tokio::test]
async fn unknown_routes_are_json_404s() {
    let (status, body) = get("/api/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
    assert!(
        body["error"]
            .as_str()
            .expect("message")
            .contains("/api/nothing-here")
    );
}
