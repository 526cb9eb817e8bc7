//! equimap's HTTP service. It holds one read-only [`Atlas`] and answers from it.
//!
//! Routes so far: `GET /healthz` and `GET /api/indicators`. Tiles and queries join as their
//! crates land. Every error is JSON: `{"error": "...", "status": 404}`.

mod error;

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use equimap_atlas::Atlas;
use serde_json::{Value, json};

pub use error::ApiError;

/// What every handler can see.
#[derive(Debug)]
pub struct AppState {
    /// The loaded atlas.
    pub atlas: Atlas,
}

/// The application's router.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/indicators", get(indicators))
        .fallback(not_found)
        .with_state(state)
}

async fn healthz(State(s): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "atlas": {
            "district": s.atlas.manifest.district,
            "name": s.atlas.manifest.district_name,
            "version": s.atlas.manifest.version,
        }
    }))
}

/// The indicator catalogue, with each indicator's district and England reference values.
async fn indicators(State(s): State<Arc<AppState>>) -> Json<Value> {
    let atlas = &s.atlas;
    let items: Vec<Value> = atlas
        .catalogue
        .indicators
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
            let refs: Vec<&equimap_atlas::ReferenceValue> = atlas
                .references
                .rows
                .iter()
                .filter(|r| r.indicator == d.id)
                .collect();
            if let Value::Object(map) = &mut v {
                map.insert(
                    "reference".to_owned(),
                    serde_json::to_value(refs).unwrap_or(Value::Null),
                );
            }
            v
        })
        .collect();
    Json(json!({
        "district": atlas.manifest.district,
        "district_name": atlas.manifest.district_name,
        "attribution": atlas.manifest.attribution,
        "indicators": items,
    }))
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no route for {}", uri.path()))
}
