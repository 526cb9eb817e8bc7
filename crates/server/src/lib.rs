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
pub mod tile_cache;
mod tile_routes;
pub mod tiles;
pub mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{MethodRouter, get, post};
use equimap_query::{CustomArea, Query};
use serde_json::{Value, json};
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

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
    route(
        "GET",
        "/tiles/{layer}/{z}/{x}/{y}",
        || get(tile_routes::tile),
        openapi::tile,
    ),
];

/// Longest a client may take to send a request body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The application's router: [`ROUTES`], with CORS on the API and tiles, then the web map's
/// files, then the layers every answer passes through ([`outer_layers`]).
pub fn router(state: Arc<AppState>) -> Router {
    let mut public = Router::new();
    for r in ROUTES {
        public = public.route(r.path, (r.handler)());
    }
    let public = public
        .method_not_allowed_fallback(method_not_allowed)
        .layer(cors(&state.cors_origins));
    // An unknown /api or /tiles path is answered through the same CORS layer, so that a
    // cross-origin client can read its JSON 404; the web map's files stay outside it.
    let api_404: Router = Router::new()
        .fallback(api_not_found)
        .layer(cors(&state.cors_origins));
    let app = Router::new().merge(public).fallback(
        move |State(s): State<Arc<AppState>>, req: axum::extract::Request| {
            fallback(s, api_404.clone(), req)
        },
    );
    outer_layers(app, &state).with_state(state)
}

/// The layers every answer passes through, outermost first: a client's odd request id is
/// dropped, an id is set and sent back, the request is counted and timed by route, its body
/// may take [`BODY_TIMEOUT`], the security headers are added, and the answer is compressed
/// when worth it.
///
/// One stack, applied by one `Router::layer`: axum wraps (and boxes) every route once per call
/// of `layer` and clones that wrapping on every request, and `axum::middleware::from_fn` clones
/// the stack beneath it again: seven separate layers were part of why a cached tile cost 36.7 µs
/// of CPU instead of 23.5 (BENCHMARKS.md, issue 13).
fn outer_layers(router: Router<Arc<AppState>>, state: &AppState) -> Router<Arc<AppState>> {
    router.layer(
        tower::ServiceBuilder::new()
            .map_request(observe::drop_odd_request_id)
            .layer(SetRequestIdLayer::x_request_id(ops::NextRequestId(
                state.ops.clone(),
            )))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(observe::ObserveLayer)
            .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
            .map_response(security_headers)
            .layer(CompressionLayer::new().compress_when(compress_when())),
    )
}

/// CORS for the API and tiles. They serve public open data, so by default any origin may read
/// them; `--cors-origins` narrows that to a list. Preflights (a cross-origin JSON `POST`) are
/// answered here.
fn cors(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| {
            HeaderValue::from_str(o)
                .inspect_err(|e| tracing::warn!("CORS origin {o:?} is not a header value: {e}"))
                .ok()
        }))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::RANGE,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::CONTENT_RANGE,
            header::CONTENT_DISPOSITION,
            header::ETAG,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(Duration::from_secs(3600))
}

/// Compress what is worth it: not images, not bodies already encoded (tiles, web files), not
/// PMTiles archives (their readers ask for byte ranges of the file as stored).
fn compress_when() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    DefaultPredicate::new().and(NotForContentType::const_new("application/vnd.pmtiles"))
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

/// Headers every response carries. The policy allows our own origin only: the map fetches
/// nothing from anywhere else.
fn security_headers<B>(mut res: axum::http::Response<B>) -> axum::http::Response<B> {
    let h = res.headers_mut();
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
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
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
