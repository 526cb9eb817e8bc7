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
    let res = router(state)
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("response");
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
