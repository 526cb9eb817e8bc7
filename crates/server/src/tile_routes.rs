//! `GET /tiles/{layer}/{z}/{x}/{y}.mvt`, `GET /tiles/{layer}.json` and the cache statistics.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::params::PathParams;
use crate::tiles::{TileService, gunzip};
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

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`
pub async fn tile(
    State(s): State<Arc<AppState>>,
    PathParams((layer, z, x, y)): PathParams<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let svc = service(&s)?;
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
    let tile = svc
        .tile(&layer, z, x, y)?
        .ok_or_else(|| ApiError::NotFound(format!("unknown tile layer {layer:?}")))?;
    let mut h = HeaderMap::new();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_str(&svc.config.cache_control)
            .unwrap_or(HeaderValue::from_static("no-cache")),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if let Ok(v) = HeaderValue::from_str(&tile.etag) {
        h.insert(header::ETAG, v);
    }
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tile.etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, h).into_response());
    }
    if tile.gz.is_empty() {
        return Ok((StatusCode::NO_CONTENT, h).into_response());
    }
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
    let gzip_ok = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("gzip"));
    if gzip_ok {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        Ok((h, tile.gz).into_response())
    } else {
        Ok((h, gunzip(&tile.gz)?).into_response())
    }
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
        return Ok((
            [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
            Json(serde_json::json!({ "tilesets": sets })),
        )
            .into_response());
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
    let doc = svc.tilejson(name, &base).ok_or_else(|| {
        ApiError::NotFound(format!(
            "unknown tile layer {name:?}; layers: {}",
            svc.names().join(", ")
        ))
    })?;
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(doc)).into_response())
}

/// `GET /api/tiles/stats`: cache hits, misses and bytes.
pub async fn stats(State(s): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    Ok(Json(service(&s)?.stats()))
}
