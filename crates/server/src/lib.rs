//! equimap's HTTP service. It holds one read-only atlas (inside [`Query`]) and answers from it.
//!
//! Every route is listed once in [`ROUTES`]: the router, the OpenAPI document and the metrics'
//! labels follow from that list. Every error is JSON: `{"error": "...", "status": 404}`.
//! tower-http supplies CORS (with preflight), compression (q-values honoured), request ids and
//! the request-body timeout.

mod api;
mod error;
pub mod export;
mod footprints;
mod limits;
pub mod negotiate;
pub mod observe;
pub mod openapi;
pub mod ops;
mod outcomes;
mod params;
mod primary_care;
mod stack;
pub mod tile_cache;
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
use tower::ServiceExt;

pub use api::MAX_BODY_BYTES;
pub use error::ApiError;

/// What every handler can see. A reload builds a new one; what must outlive a reload (request
/// ids, the site-report limiter; the metrics recorder is process-wide) is shared through `Arc`s.
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
    /// Request ids and metric labels, kept across reloads.
    pub ops: Arc<ops::Ops>,
    /// Bounds on concurrent site reports, kept across reloads.
    pub limits: Arc<ops::Limits>,
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
            ops: Arc::default(),
            limits: Arc::default(),
            cors_origins: vec!["*".to_owned()],
        }
    }
}

/// The tile route, which has a stack of its own ([`stack::tile_layers`]).
const TILE_PATH: &str = "/tiles/{layer}/{z}/{x}/{y}";

type Handler = fn() -> MethodRouter<Arc<AppState>>;

/// One route: the router, the OpenAPI document and the metrics' labels all follow from
/// [`ROUTES`], so a path is written once.
pub struct Route {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path, in axum syntax (which is also OpenAPI's).
    pub path: &'static str,
    handler: Handler,
    /// Its OpenAPI operation.
    pub doc: fn() -> Value,
}

const fn route(
    method: &'static str,
    path: &'static str,
    handler: Handler,
    doc: fn() -> Value,
) -> Route {
    Route {
        method,
        path,
        handler,
        doc,
    }
}

/// Every route.
pub static ROUTES: &[Route] = &[
    // The server binds only after the atlas has loaded, so live means ready.
    route("GET", "/healthz", || get(healthz), openapi::healthz),
    route("GET", "/readyz", || get(readyz), openapi::readyz),
    route("GET", "/metrics", || get(ops::metrics), openapi::metrics),
    route(
        "GET",
        "/api/openapi.json",
        || get(openapi_doc),
        openapi::openapi,
    ),
    route(
        "GET",
        "/api/indicators",
        || get(api::indicators),
        openapi::indicators,
    ),
    route("GET", "/api/point", || get(api::point), openapi::point),
    route(
        "GET",
        "/api/areas/{geography}/{code}",
        || get(api::area),
        openapi::area,
    ),
    route("GET", "/api/search", || get(api::search), openapi::search),
    route("GET", "/api/rank", || get(api::rank), openapi::rank),
    route(
        "GET",
        "/api/gradient",
        || get(api::gradient),
        openapi::gradient,
    ),
    route(
        "GET",
        "/api/trends",
        || get(outcomes::trends),
        openapi::trends,
    ),
    route(
        "GET",
        "/api/marmot",
        || get(outcomes::marmot),
        openapi::marmot,
    ),
    route("POST", "/api/site", || post(api::site), openapi::site),
    route(
        "POST",
        "/api/custom-area",
        || post(footprints::custom_area),
        footprints::doc_custom_area,
    ),
    route(
        "GET",
        "/api/where",
        || get(footprints::where_live),
        footprints::doc_where,
    ),
    route(
        "GET",
        "/api/custom-areas",
        || get(api::custom_areas),
        openapi::custom_areas,
    ),
    route(
        "GET",
        "/api/custom-areas/{id}",
        || get(api::custom_area_by_id),
        openapi::custom_area_by_id,
    ),
    route(
        "GET",
        "/api/services",
        || get(api::services),
        openapi::services,
    ),
    route(
        "GET",
        "/api/primary-care",
        || get(primary_care::catalogue),
        primary_care::doc_catalogue,
    ),
    route(
        "GET",
        "/api/primary-care/rank",
        || get(primary_care::rank),
        primary_care::doc_rank,
    ),
    route(
        "GET",
        "/api/primary-care/gradient",
        || get(primary_care::gradient),
        primary_care::doc_gradient,
    ),
    route(
        "GET",
        "/api/practices",
        || get(primary_care::practices),
        primary_care::doc_practices,
    ),
    route(
        "GET",
        "/api/practices/{code}",
        || get(primary_care::practice),
        primary_care::doc_practice,
    ),
    route(
        "GET",
        "/api/pcns/{code}",
        || get(primary_care::pcn),
        primary_care::doc_pcn,
    ),
    route(
        "GET",
        "/api/data.csv",
        || get(api::data_csv),
        openapi::data_csv,
    ),
    route(
        "GET",
        "/api/tiles/stats",
        || get(tile_routes::stats),
        openapi::tile_stats,
    ),
    route(
        "GET",
        "/tiles/{file}",
        || get(tile_routes::tilejson),
        openapi::tile_file,
    ),
    route("GET", TILE_PATH, || get(tile_routes::tile), openapi::tile),
];

/// The application's router: [`ROUTES`], with CORS on the API and tiles, then the web map's
/// files, then the layers every answer passes through ([`stack`]). The tile route, the one a
/// map asks for hundreds of times a view, has a stack of its own without the compression and
/// body-timeout layers it has no use for ([`stack::tile_layers`]).
pub fn router(state: Arc<AppState>) -> Router {
    let mut public = Router::new();
    let mut tiles = Router::new();
    for (slot, r) in ROUTES.iter().enumerate() {
        if r.path == TILE_PATH {
            tiles = stack::tile_layers(
                Router::new()
                    .route(r.path, (r.handler)())
                    .method_not_allowed_fallback(tile_routes::method_not_allowed),
                &state,
                slot,
            );
        } else {
            public = public.route(r.path, (r.handler)());
        }
    }
    let public = public
        .method_not_allowed_fallback(method_not_allowed)
        .layer(stack::cors(&state.cors_origins));
    // An unknown /api or /tiles path is answered through the same CORS layer, so that a
    // cross-origin client can read its JSON 404; the web map's files stay outside it.
    let api_404: Router = Router::new()
        .fallback(api_not_found)
        .layer(stack::cors(&state.cors_origins));
    let app = Router::new().merge(public).fallback(
        move |State(s): State<Arc<AppState>>, req: axum::extract::Request| {
            fallback(s, api_404.clone(), req)
        },
    );
    stack::outer_layers(app, &state)
        .merge(tiles)
        .with_state(state)
}

/// True when every entry of [`ROUTES`] has a distinct method and path.
pub fn routes_complete() -> bool {
    let mut seen: Vec<(&str, &str)> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
    seen.sort_unstable();
    seen.windows(2).all(|w| w[0] != w[1])
}

async fn healthz(State(s): State<Arc<AppState>>) -> Json<Value> {
    let m = &s.query.atlas.manifest;
    Json(json!({
        "status": "ok",
        "atlas": { "district": m.district, "name": m.district_name, "version": m.version }
    }))
}

/// Ready: the atlas is loaded and checked and its query indexes are built (the server binds only
/// then). Tile sets are built on first use, so `tiles` lists those built so far.
async fn readyz(State(s): State<Arc<AppState>>) -> Json<Value> {
    let m = &s.query.atlas.manifest;
    let tiles = s.tiles.as_ref().map(|t| {
        let built: Vec<&str> = t
            .names()
            .iter()
            .filter(|n| t.is_built(n))
            .map(String::as_str)
            .collect();
        json!({ "sets": t.names().len(), "built": built })
    });
    Json(json!({
        "status": "ok",
        "atlas": { "district": m.district, "name": m.district_name, "version": m.version },
        "tiles": tiles,
    }))
}

async fn openapi_doc() -> Json<Value> {
    Json(openapi::document())
}

/// Whether a path belongs to the API or the tiles (CORS, JSON errors), not the web map.
fn is_api_path(path: &str) -> bool {
    ["/api", "/tiles"].iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Anything not routed: the web map's files for GET, else a JSON 404 (through `api_404`, with
/// CORS headers, for an API or tiles path).
async fn fallback(
    s: Arc<AppState>,
    api_404: Router,
    req: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = req.uri().path();
    if is_api_path(path) {
        return match api_404.oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
    }
    if (req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD)
        && let Some(r) = s.web.respond(path, req.headers())
    {
        return r;
    }
    ApiError::NotFound(format!("no route for {path}")).into_response()
}

async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no route for {}", uri.path()))
}

pub(crate) async fn method_not_allowed(
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
