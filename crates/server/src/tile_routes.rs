//! `GET /tiles/{layer}/{z}/{x}/{y}.mvt`, `GET /tiles/{layer}.json` and the cache statistics.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::negotiate::accepts_gzip;
use crate::params::PathParams;
use crate::stack::compressed;
use crate::tiles::{Tile, TileService, gunzip};
use crate::{ApiError, AppState};

const MVT: &str = "application/vnd.mapbox-vector-tile";

fn service(s: &AppState) -> Result<&TileService, ApiError> {
    s.tiles
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("this server was started without tiles".to_owned()))
}

fn number(what: &str, s: &str) -> Result<u32, ApiError> {
    s.parse::<u32>()
        .map_err(|_| ApiError::BadRequest(format!("tile {what} {s:?} is not a whole number")))
}

/// Builds a tile set not yet built on a blocking thread (seconds for England's LSOAs), so the
/// async threads keep answering; requests for the same set wait for the one build.
async fn prepare(s: &Arc<AppState>, name: &str) -> Result<(), ApiError> {
    if service(s)?.is_built(name) {
        return Ok(());
    }
    let (s, name) = (s.clone(), name.to_owned());
    tokio::task::spawn_blocking(move || service(&s)?.prepare(&name))
        .await
        .map_err(|e| ApiError::Internal(format!("building a tile set failed: {e}")))?
}

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`. The route's stack has no compression layer
/// (`stack::tile_layers`), so its errors are compressed here, like any other JSON answer.
pub async fn tile(State(s): State<Arc<AppState>>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    match tile_answer(&s, &mut parts).await {
        Ok(r) => r,
        Err(e) => compressed(e.into_response(), &parts.headers).await,
    }
}

/// A method other than `GET` or `HEAD` on the tile route: the usual JSON 405, compressed as on
/// every other route.
pub async fn method_not_allowed(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    compressed(crate::method_not_allowed(method, uri).await, &headers).await
}

async fn tile_answer(s: &Arc<AppState>, parts: &mut Parts) -> Result<Response, ApiError> {
    let PathParams((layer, z, x, y)) =
        PathParams::<(String, String, String, String)>::from_request_parts(parts, s).await?;
    let svc = service(s)?;
    let y = y
        .strip_suffix(".mvt")
        .or_else(|| y.strip_suffix(".pbf"))
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "tiles are at /tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt, not …/{y}"
            ))
        })?;
    let (z, x, y) = (number("zoom", &z)?, number("x", &x)?, number("y", y)?);
    if !svc.names().contains(&layer) {
        return Err(ApiError::NotFound(format!(
            "unknown tile layer {layer:?}; layers: {}",
            svc.names().join(", ")
        )));
    }
    let z = svc.check(z, x, y)?;
    prepare(s, &layer).await?;
    let tile = svc
        .tile(&layer, z, x, y)?
        .ok_or_else(|| ApiError::NotFound(format!("unknown tile layer {layer:?}")))?;
    tile_response(svc, &tile, &parts.headers)
}

/// Headers a tile answer ends with: its own five, CORS's two or three, the three security
/// headers and the request id. Room for them is made once.
const TILE_HEADERS: usize = 12;

/// The response for a tile: 304 when the client holds it, 204 when empty, else the stored gzip
/// to a client that accepts it and the decompressed tile to one that does not.
fn tile_response(
    svc: &TileService,
    tile: &Tile,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let held = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().as_bytes() == tile.etag.as_bytes());
    let (status, body, gzipped) = if held {
        (StatusCode::NOT_MODIFIED, Body::empty(), false)
    } else if tile.gz.is_empty() {
        (StatusCode::NO_CONTENT, Body::empty(), false)
    } else if accepts_gzip(headers) {
        (StatusCode::OK, Body::from(tile.gz.clone()), true)
    } else {
        (StatusCode::OK, Body::from(gunzip(&tile.gz)?), false)
    };
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.reserve(TILE_HEADERS);
    h.insert(header::CACHE_CONTROL, svc.cache_control().clone());
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(header::ETAG, tile.etag.clone());
    if status == StatusCode::OK {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
    }
    if gzipped {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(res)
}

/// `GET /tiles/{layer}.json`: TileJSON 3.0.
pub async fn tilejson(
    State(s): State<Arc<AppState>>,
    PathParams(file): PathParams<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(name) = file.strip_suffix(".pmtiles") {
        return s
            .archives
            .get(name)
            .map(|bytes| crate::web::ranged(bytes, "application/vnd.pmtiles", &headers))
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "no archive {file:?}; build one with `equimap tiles build`"
                ))
            });
    }
    let svc = service(&s)?;
    let name = file.strip_suffix(".json").ok_or_else(|| {
        ApiError::NotFound(format!(
            "no tile resource {file:?}; TileJSON is at /tiles/{{layer}}.json"
        ))
    })?;
    if name == "index" {
        // The tile sets on offer, so a client can find them (the archive mode has one set,
        // named after the archive).
        let sets: Vec<Value> = svc
            .names()
            .iter()
            .map(|n| serde_json::json!({ "name": n, "tilejson": format!("/tiles/{n}.json") }))
            .collect();
        return Ok(Json(serde_json::json!({ "tilesets": sets })).into_response());
    }
    // Behind a proxy the public host is in X-Forwarded-Host.
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("http");
    let base = format!("{proto}://{host}");
    prepare(&s, name).await?;
    let doc = svc.tilejson(name, &base)?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "unknown tile layer {name:?}; layers: {}",
            svc.names().join(", ")
        ))
    })?;
    Ok(Json(doc).into_response())
}

/// `GET /api/tiles/stats`: cache hits, misses and bytes.
pub async fn stats(State(s): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    Ok(Json(service(&s)?.stats()))
}
