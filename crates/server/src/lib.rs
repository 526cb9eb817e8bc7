//! equimap's HTTP service. It holds one read-only atlas (inside [`Query`]) and answers from it.
//!
//! Every route is listed once in [`ROUTES`]; the router is built from that list and the
//! OpenAPI document describes the same list, and a test keeps the three in step. Every error is
//! JSON: `{"error": "...", "status": 404}`.

mod api;
mod error;
pub mod export;
pub mod openapi;
pub mod ops;
mod outcomes;
mod params;
mod tile_routes;
pub mod tiles;
pub mod web;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{MethodRouter, get, post};
use equimap_query::{CustomArea, Query};
use serde_json::{Value, json};

pub use api::MAX_BODY_BYTES;
pub use error::ApiError;

/// What every handler can see.
pub struct AppState {
    /// The atlas and its indexes.
    pub query: Query,
    /// Custom areas loaded at start (`--areas DIR`).
    pub custom_areas: Vec<CustomArea>,
    /// Vector tiles, when served.
    pub tiles: Option<tiles::TileService>,
    /// The web map's files.
    pub web: web::WebAssets,
    /// PMTiles archives served whole (with range requests) at `/tiles/{name}.pmtiles`.
    pub archives: std::collections::BTreeMap<String, axum::body::Bytes>,
    /// Request counters for `/metrics`.
    pub metrics: ops::Metrics,
    /// Bounds on concurrent site reports.
    pub limits: ops::Limits,
    /// Origins allowed to call the API and tiles from a browser (`*` for any).
    pub cors_origins: Vec<String>,
}

impl AppState {
    /// A state with no tiles, web files or archives; set the fields to add them.
    pub fn new(query: Query) -> Self {
        Self {
            query,
            custom_areas: Vec::new(),
            tiles: None,
            web: web::WebAssets::default(),
            archives: std::collections::BTreeMap::new(),
            metrics: ops::Metrics::default(),
            limits: ops::Limits::default(),
            cors_origins: vec!["*".to_owned()],
        }
    }
}

/// Every route: method and path (axum syntax, which is also OpenAPI's).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/indicators"),
    ("GET", "/api/point"),
    ("GET", "/api/areas/{geography}/{code}"),
    ("GET", "/api/search"),
    ("GET", "/api/rank"),
    ("GET", "/api/gradient"),
    ("GET", "/api/trends"),
    ("GET", "/api/marmot"),
    ("POST", "/api/site"),
    ("POST", "/api/custom-area"),
    ("GET", "/api/custom-areas"),
    ("GET", "/api/custom-areas/{id}"),
    ("GET", "/api/services"),
    ("GET", "/api/data.csv"),
    ("GET", "/api/tiles/stats"),
    ("GET", "/tiles/{file}"),
    ("GET", "/tiles/{layer}/{z}/{x}/{y}"),
];

fn handler(method: &str, path: &str) -> Option<MethodRouter<Arc<AppState>>> {
    Some(match (method, path) {
        // The server binds only after the atlas has loaded, so live means ready.
        ("GET", "/healthz" | "/readyz") => get(healthz),
        ("GET", "/metrics") => get(ops::metrics),
        ("GET", "/api/openapi.json") => get(openapi_doc),
        ("GET", "/api/indicators") => get(api::indicators),
        ("GET", "/api/point") => get(api::point),
        ("GET", "/api/areas/{geography}/{code}") => get(api::area),
        ("GET", "/api/search") => get(api::search),
        ("GET", "/api/rank") => get(api::rank),
        ("GET", "/api/gradient") => get(api::gradient),
        ("GET", "/api/trends") => get(outcomes::trends),
        ("GET", "/api/marmot") => get(outcomes::marmot),
        ("POST", "/api/site") => post(api::site),
        ("POST", "/api/custom-area") => post(api::custom_area),
        ("GET", "/api/custom-areas") => get(api::custom_areas),
        ("GET", "/api/custom-areas/{id}") => get(api::custom_area_by_id),
        ("GET", "/api/services") => get(api::services),
        ("GET", "/api/data.csv") => get(api::data_csv),
        ("GET", "/api/tiles/stats") => get(tile_routes::stats),
        ("GET", "/tiles/{file}") => get(tile_routes::tilejson),
        ("GET", "/tiles/{layer}/{z}/{x}/{y}") => get(tile_routes::tile),
        _ => return None,
    })
}

/// The application's router.
pub fn router(state: Arc<AppState>) -> Router {
    let mut r = Router::new();
    for (method, path) in ROUTES {
        // Every entry of ROUTES has a handler; the routes test fails otherwise.
        if let Some(h) = handler(method, path) {
            r = r.route(path, h);
        }
    }
    r.fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::observe,
        ))
        .with_state(state)
}

/// True when every entry of [`ROUTES`] has a handler.
pub fn routes_complete() -> bool {
    ROUTES.iter().all(|(m, p)| handler(m, p).is_some())
}

async fn healthz(State(s): State<Arc<AppState>>) -> Json<Value> {
    let m = &s.query.atlas.manifest;
    Json(json!({
        "status": "ok",
        "atlas": { "district": m.district, "name": m.district_name, "version": m.version }
    }))
}

async fn openapi_doc() -> Json<Value> {
    Json(openapi::document())
}

/// Anything not routed: the web map's files for GET, else a JSON 404.
async fn fallback(
    State(s): State<Arc<AppState>>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = uri.path();
    if (method == axum::http::Method::GET || method == axum::http::Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/tiles/")
        && let Some(r) = s.web.respond(path, &headers)
    {
        return r;
    }
    ApiError::NotFound(format!("no route for {path}")).into_response()
}

/// Headers every response carries. The policy allows our own origin only: the map fetches
/// nothing from anywhere else.
async fn security_headers(
    State(s): State<Arc<AppState>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    // CORS: the API and tiles serve public open data, so by default any origin may read them;
    // `--cors-origins` narrows that to a list.
    let public = req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/tiles/");
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if public && let Some(origin) = origin {
        if s.cors_origins.iter().any(|o| o == "*") {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
        } else if origin
            .to_str()
            .is_ok_and(|o| s.cors_origins.iter().any(|a| a == o))
        {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.append(header::VARY, HeaderValue::from_static("Origin"));
        } else {
            // Tile handlers answer `*` themselves; a narrowed list overrides that.
            h.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        }
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
    {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(web::CSP),
        );
    }
    res
}

async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        Json(
            json!({ "error": format!("{method} is not allowed on {}", uri.path()), "status": 405 }),
        ),
    )
        .into_response()
}
