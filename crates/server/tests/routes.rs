//! Handlers tested in-process with `tower::ServiceExt::oneshot` against the committed atlas.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use equimap_atlas::Atlas;
use equimap_query::{CustomAreaSpec, Query};
use equimap_server::{AppState, ROUTES, router};
use serde_json::{Value, json};
use tower::ServiceExt;

fn state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries");
            let query = Query::new(Atlas::load(&dir).expect("atlas")).expect("query");
            let spec: CustomAreaSpec = serde_json::from_slice(
                &std::fs::read(dir.join("areas/example-inner-west.json")).expect("example"),
            )
            .expect("spec");
            let custom_areas = vec![query.custom_area(&spec).expect("example area")];
            let tiles = Some(equimap_server::tiles::TileService::new(
                equimap_server::tiles::TileSource::Atlas(Box::new(
                    equimap_tiles::atlas::AtlasTiles::from_atlas(&query.atlas, 16).expect("tiles"),
                )),
                equimap_server::tiles::TileConfig::default(),
            ));
            Arc::new(AppState {
                custom_areas,
                tiles,
                ..AppState::new(query)
            })
        })
        .clone()
}

async fn send(req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let res = router(state()).oneshot(req).await.expect("response");
    let status = res.status();
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 26)
        .await
        .expect("body");
    (status, ctype, bytes.to_vec())
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let (s, _, b) = send(Request::get(uri).body(Body::empty()).expect("request")).await;
    (
        s,
        serde_json::from_slice(&b)
            .unwrap_or_else(|_| panic!("JSON body from {uri}: {}", String::from_utf8_lossy(&b))),
    )
}

async fn post(uri: &str, body: Vec<u8>) -> (StatusCode, String, Vec<u8>) {
    send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

fn is_error(body: &Value, status: u16) -> bool {
    body["status"] == status && body["error"].as_str().is_some_and(|s| !s.is_empty())
}

#[tokio::test]
async fn healthz_names_the_atlas() {
    let (status, body) = get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["atlas"]["district"], "E08000035");
}

#[tokio::test]
async fn indicators_carry_units_periods_and_references() {
    let (status, body) = get("/api/indicators").await;
    assert_eq!(status, StatusCode::OK);
    let items = body["indicators"].as_array().expect("array");
    let le = items
        .iter()
        .find(|i| i["id"] == "le_female")
        .expect("le_female");
    assert_eq!(le["unit"], "years");
    let refs = le["reference"].as_array().expect("references");
    let leeds = refs[0]["value"].as_f64().expect("Leeds");
    let england = refs[1]["value"].as_f64().expect("England");
    assert!(leeds < england, "{leeds} {england}");
    // Each geography's label with its vintage, as the manifest records it (the web map names
    // the ward layer from it: an atlas of May 2025 wards says so).
    let ward = &body["geographies"]["ward"];
    assert_eq!(ward["label"], "Ward (2023)");
    assert_eq!(ward["count"], 33);
    assert!(
        ward["source"]
            .as_str()
            .is_some_and(|s| s.contains("wards_dec2023_leeds_bgc")),
        "{ward}"
    );
    // Other geographies keep their fixed label (the committees' vintage is a description).
    assert_eq!(
        body["geographies"]["committee"]["label"],
        "Community committee"
    );
}

#[tokio::test]
async fn point_lookup() {
    let (s, b) = get("/api/point?lon=-1.5486&lat=53.8019").await;
    assert_eq!(s, StatusCode::OK);
    let areas = b["areas"].as_array().expect("areas");
    assert!(
        areas
            .iter()
            .any(|a| a["geography"] == "lsoa21" && a["code"] == "E01033010")
    );
    let (s, b) = get("/api/point?lon=-0.1276&lat=51.5072").await;
    assert!(
        s == StatusCode::NOT_FOUND
            && is_error(&b, 404)
            && b["error"].as_str().is_some_and(|e| e.contains("outside"))
    );
    let (s, b) = get("/api/point?lon=-1.5").await;
    assert!(
        s == StatusCode::BAD_REQUEST && b["error"].as_str().is_some_and(|e| e.contains("`lat`"))
    );
    let (s, b) = get("/api/point?lon=abc&lat=53.8").await;
    assert!(s == StatusCode::BAD_REQUEST && is_error(&b, 400));
    let (s, b) = get("/api/point?lon=%ZZ").await;
    assert!(s == StatusCode::BAD_REQUEST && is_error(&b, 400));
}

#[tokio::test]
async fn area_profiles_in_json_and_csv() {
    let (s, b) = get("/api/areas/lsoa21/E01011264?geometry=true").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["area"]["name"], "Leeds 011A");
    assert_eq!(b["geometry"]["type"], "MultiPolygon");
    let decile = b["indicators"]
        .as_array()
        .expect("i")
        .iter()
        .find(|i| i["id"] == "imd2025_decile")
        .expect("decile")
        .clone();
    assert_eq!(decile["value"], 6.0);
    let (s, ctype, body) = send(
        Request::get("/api/areas/lsoa21/E01011264.csv")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"));
    let text = String::from_utf8(body).expect("utf8");
    assert!(text.starts_with("# Contains OS data"));
    assert!(
        text.lines().any(
            |l| l.starts_with("lsoa21,E01011264,Leeds 011A,imd2025_decile,") && l.contains(",6,")
        ),
        "{text}"
    );
    let (s, b) = get("/api/areas/lsoa21/E0000000").await;
    assert!(s == StatusCode::NOT_FOUND && is_error(&b, 404));
    let (s, b) = get("/api/areas/county/E01011264").await;
    assert!(
        s == StatusCode::BAD_REQUEST
            && b["error"]
                .as_str()
                .is_some_and(|e| e.contains("unknown geography"))
    );
}

#[tokio::test]
async fn search_rank_gradient_services() {
    let (s, b) = get("/api/search?q=ls61an").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["results"][0]["label"], "LS6 1AN");
    let (s, b) = get("/api/search?q=").await;
    assert!(s == StatusCode::BAD_REQUEST && is_error(&b, 400));
    let (s, b) = get("/api/rank?indicator=le_male&geography=ward&order=worst&limit=3").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["rows"].as_array().expect("rows").len(), 3);
    let (s, b) = get("/api/rank?indicator=nope&geography=ward").await;
    assert!(s == StatusCode::NOT_FOUND && is_error(&b, 404));
    let (s, b) = get("/api/gradient?indicator=le_female&by=imd2025_decile").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["bands"].as_array().expect("bands").len(), 10);
    let (s, b) = get("/api/services?kind=gp&near=-1.55587,53.77832").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["results"][0]["org_code"], "B86002");
    let (s, _) = get("/api/services?kind=dentist&near=-1.5,53.8").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bulk_csv_with_attribution_and_escaping() {
    let (s, ctype, body) = send(
        Request::get("/api/data.csv?indicator=imd2025_score&geography=lsoa21")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"));
    let text = String::from_utf8(body).expect("utf8");
    assert!(text.contains("OpenStreetMap"));
    // No interval, counts or comparisons for a score: those cells are empty.
    assert!(
        text.lines()
            .any(|l| l == "E01011264,Leeds 011A,17.003,,,,,,")
    );
    // A share held as counts carries its Wilson interval, counts and comparisons in words.
    let (_, _, body) = send(
        Request::get("/api/data.csv?indicator=bad_health_share&geography=lsoa21")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    let text = String::from_utf8(body).expect("utf8");
    assert!(text.contains("code,name,bad_health_share,lower_95,upper_95,numerator,denominator,compared_with_district,compared_with_england"));
    // Census 2021 TS037, Leeds 011A: 77 of 1,285 in bad or very bad health.
    let row = text
        .lines()
        .find(|l| l.starts_with("E01011264,"))
        .expect("Leeds 011A");
    assert!(
        row.contains(",77,1285,") && row.contains("than England")
            || row.contains("similar to England"),
        "{row}"
    );
    // Negative scores stay numbers, not escaped text.
    assert!(text.lines().filter(|l| l.starts_with("E0")).count() == 488);
}

fn square(lon: f64, lat: f64, d: f64) -> Vec<u8> {
    serde_json::to_vec(&json!({"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]})).expect("json")
}

#[tokio::test]
async fn site_reports_in_three_formats() {
    let (s, _, b) = post(
        "/api/site?buffer_m=400,800",
        square(-1.5486, 53.8019, 0.003),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    let r: Value = serde_json::from_slice(&b).expect("json");
    assert_eq!(r["zones"].as_array().expect("zones").len(), 3);
    assert_eq!(r["input_crs"], "EPSG:4326");
    let (s, ctype, b) = post(
        "/api/site?buffer_m=400&format=csv",
        square(-1.5486, 53.8019, 0.003),
    )
    .await;
    assert!(s == StatusCode::OK && ctype.starts_with("text/csv"));
    assert!(String::from_utf8_lossy(&b).contains("residents (estimate, "));
    let (s, ctype, b) = post("/api/site?format=geojson", square(-1.5486, 53.8019, 0.003)).await;
    assert!(s == StatusCode::OK && ctype == "application/geo+json");
    let g: Value = serde_json::from_slice(&b).expect("geojson");
    assert_eq!(g["type"], "FeatureCollection");
    assert!(g["attribution"].to_string().contains("OpenStreetMap"));
}

#[tokio::test]
async fn bad_sites_get_400s_and_the_server_keeps_serving() {
    let cases: Vec<(String, Vec<u8>, &str)> = vec![
        ("/api/site".into(), b"{oops".to_vec(), "malformed JSON"),
        (
            "/api/site".into(),
            br#"{"type":"Point","coordinates":[-1.5,53.8]}"#.to_vec(),
            "wrong geometry type",
        ),
        (
            "/api/site?buffer_m=99999".into(),
            square(-1.5486, 53.8019, 0.003),
            "out of range",
        ),
        (
            "/api/site?format=pdf".into(),
            square(-1.5486, 53.8019, 0.003),
            "format",
        ),
        (
            "/api/site".into(),
            vec![b' '; 5 * 1024 * 1024 + 10],
            "over 5 MB",
        ),
        (
            "/api/custom-area".into(),
            br#"{"name":"x","geography":"ward","codes":["E05099999"]}"#.to_vec(),
            "E05099999",
        ),
    ];
    for (uri, body, want) in cases {
        let (s, ctype, b) = post(&uri, body).await;
        assert_eq!(
            s,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            String::from_utf8_lossy(&b)
        );
        assert!(ctype.starts_with("application/json"));
        let v: Value = serde_json::from_slice(&b).expect("json error");
        assert!(
            v["error"].as_str().is_some_and(|e| e.contains(want)),
            "{uri}: {v}"
        );
    }
    let (s, _) = get("/healthz").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn custom_areas() {
    let (s, b) = get("/api/custom-areas").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["areas"][0]["id"], "example-inner-west");
    assert!(
        b["areas"][0]["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("Example"))
    );
    let (s, b) = get("/api/custom-areas/example-inner-west").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        b["figures"]["residents"]
            .as_f64()
            .is_some_and(|r| r > 10_000.0)
    );
    let (s, _, b) = post(
        "/api/custom-area",
        br#"{"name":"Two LSOAs","geography":"lsoa21","codes":["E01011264","E01011269"]}"#.to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let v: Value = serde_json::from_slice(&b).expect("json");
    // Leeds 011A 1,300 + Leeds 011B 1,568 (mid-2022).
    assert_eq!(v["figures"]["residents"], 2868.0);
}

#[tokio::test]
async fn openapi_matches_the_router() {
    assert!(
        equimap_server::routes_complete(),
        "a route in ROUTES has no handler"
    );
    let (s, doc) = get("/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .expect("ops")
                .keys()
                .map(move |m| (m.to_uppercase(), p.clone()))
        })
        .collect();
    documented.sort();
    let mut routed: Vec<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    routed.sort();
    assert_eq!(documented, routed);
    // And every routed path answers something other than the fallback.
    for r in ROUTES {
        let (m, p) = (r.method, r.path);
        let uri = p
            .replace("{geography}", "lsoa21")
            .replace("{code}", "E01011264")
            .replace("{id}", "example-inner-west")
            .replace("{file}", "lsoa21.json")
            .replace("{layer}", "lsoa21")
            .replace("{z}/{x}/{y}", "10/507/329.mvt");
        let (s, _, b) = send(
            Request::builder()
                .method(m)
                .uri(&uri)
                .body(Body::empty())
                .expect("r"),
        )
        .await;
        assert!(
            !String::from_utf8_lossy(&b).contains("no route for"),
            "{m} {uri} -> {s}"
        );
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json() {
    let (status, body) = get("/api/nothing-here").await;
    assert!(status == StatusCode::NOT_FOUND && is_error(&body, 404));
    let (status, body) = get("/api/site").await;
    assert!(status == StatusCode::METHOD_NOT_ALLOWED && is_error(&body, 405));
}
