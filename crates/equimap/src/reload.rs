//! Live reload: `POST /admin/reload` (with the admin token) and SIGHUP build a new atlas,
//! indexes and tiles beside the running ones and swap them in atomically. A bad atlas is
//! refused with the reason while the old one keeps serving.

use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use tower::ServiceExt;

type Build = Box<dyn Fn() -> anyhow::Result<equimap_server::AppState> + Send + Sync>;

/// The router in service and how to build a new one.
pub struct Reloader {
    current: ArcSwap<Router>,
    build: Build,
    token: Option<String>,
    busy: tokio::sync::Mutex<()>,
}

impl Reloader {
    /// Wrap the first router.
    pub fn new(first: Router, build: Build, token: Option<String>) -> Arc<Self> {
        Arc::new(Self {
            current: ArcSwap::from_pointee(first),
            build,
            token: token.filter(|t| !t.is_empty()),
            busy: tokio::sync::Mutex::new(()),
        })
    }

    /// Build a new state and swap it in; the old one keeps serving until then, and if it fails.
    pub async fn reload(self: &Arc<Self>) -> Result<String, String> {
        let _one_at_a_time = self.busy.lock().await;
        let me = self.clone();
        let built = tokio::task::spawn_blocking(move || (me.build)())
            .await
            .map_err(|e| e.to_string())?;
        match built {
            Ok(state) => {
                let version = state.query.atlas.manifest.version.clone();
                self.current
                    .store(Arc::new(crate::serve::serving(Arc::new(state))));
                tracing::info!(%version, "atlas reloaded");
                Ok(version)
            }
            Err(e) => {
                tracing::warn!("reload refused, the previous atlas keeps serving: {e:#}");
                Err(format!("{e:#}"))
            }
        }
    }
}

/// Compare without leaking, through timing, how much of the token matched.
fn same(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for (i, x) in a.iter().enumerate() {
        diff |= x ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

async fn admin_reload(State(r): State<Arc<Reloader>>, headers: HeaderMap) -> Response {
    let Some(token) = &r.token else {
        return (StatusCode::NOT_FOUND, axum::Json(json!({ "error": "reload over HTTP is disabled: start the server with --admin-token (SIGHUP still reloads)", "status": 404 }))).into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !same(given.as_bytes(), token.as_bytes()) {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "a valid admin token is required (Authorization: Bearer …)", "status": 401 }))).into_response();
    }
    match r.reload().await {
        Ok(version) => axum::Json(json!({ "status": "reloaded", "version": version })).into_response(),
        Err(why) => (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(json!({ "error": format!("the new atlas was refused; the previous one keeps serving: {why}"), "status": 422 }))).into_response(),
    }
}

async fn forward(State(r): State<Arc<Reloader>>, req: Request) -> Response {
    let router = r.current.load_full();
    match router.as_ref().clone().oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    }
}

/// The outer router: `/admin/reload`, and everything else to the current inner router.
pub fn router(r: Arc<Reloader>) -> Router {
    Router::new()
        .route("/admin/reload", post(admin_reload))
        .fallback(forward)
        .with_state(r)
}

/// Reload on SIGHUP.
pub fn on_sighup(r: Arc<Reloader>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the atlas");
            let _ = r.reload().await;
        }
    });
    #[cfg(not(unix))]
    let _ = r;
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_compare_whole() {
        assert!(super::same(b"secret-token", b"secret-token"));
        assert!(!super::same(b"secret-token", b"secret-toke"));
        assert!(!super::same(b"secret-tokem", b"secret-token"));
        assert!(!super::same(b"", b"x"));
    }
}
