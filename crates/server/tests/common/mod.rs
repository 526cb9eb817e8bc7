//! Shared helpers for the server's in-process tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use equimap_atlas::Atlas;
use equimap_query::Query;
use equimap_server::{AppState, router};
use tower::ServiceExt;

/// The committed Leeds atlas.
pub fn boundaries() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries")
}

/// A query engine over the committed atlas.
pub fn query() -> Query {
    Query::new(Atlas::load(&boundaries()).expect("atlas")).expect("query")
}

/// Send a GET with headers; status, headers and body bytes.
pub async fn get(
    state: Arc<AppState>,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(state, req.body(Body::empty()).expect("request")).await
}

/// Send a POST with a body; status, headers and body bytes.
pub async fn post(
    state: Arc<AppState>,
    uri: &str,
    body: impl Into<Body>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let req = Request::post(uri)
        .header("content-type", "application/json")
        .body(body.into())
        .expect("request");
    send(state, req).await
}

/// Send a request through the router; status, headers and body bytes.
async fn send(state: Arc<AppState>, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let res = router(state).oneshot(req).await.expect("response");
    let (parts, body) = res.into_parts();
    (
        parts.status,
        parts.headers,
        axum::body::to_bytes(body, 1 << 26)
            .await
            .expect("body")
            .to_vec(),
    )
}

/// A state over the committed atlas with no tiles, web files or archives, built once per test
/// binary.
pub fn atlas_state() -> Arc<AppState> {
    static STATE: std::sync::OnceLock<Arc<AppState>> = std::sync::OnceLock::new();
    STATE
        .get_or_init(|| Arc::new(AppState::new(query())))
        .clone()
}

fn json(uri: &str, b: &[u8]) -> serde_json::Value {
    serde_json::from_slice(b)
        .unwrap_or_else(|_| panic!("JSON from {uri}: {}", String::from_utf8_lossy(b)))
}

/// GET from [`atlas_state`]: status and the JSON body.
pub async fn atlas_get(uri: &str) -> (StatusCode, serde_json::Value) {
    let (s, _, b) = get(atlas_state(), uri, &[]).await;
    (s, json(uri, &b))
}

/// GET a text answer (a CSV, say) from [`atlas_state`], which must be 200.
pub async fn atlas_text(uri: &str) -> String {
    let (s, _, b) = get(atlas_state(), uri, &[]).await;
    assert_eq!(s, StatusCode::OK, "{uri}");
    String::from_utf8(b).expect("utf8")
}

/// POST a JSON body to [`atlas_state`]: status and the JSON answer.
pub async fn atlas_post(uri: &str, body: &serde_json::Value) -> (StatusCode, serde_json::Value) {
    let (s, _, b) = post(atlas_state(), uri, body.to_string()).await;
    (s, json(uri, &b))
}

/// The indicator `id` of a profile's JSON.
pub fn indicator<'a>(p: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    p["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {p}"))
}
