//! Operations: metrics, request ids, readiness and the bound on expensive requests.

mod common;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::StatusCode;
use equimap_server::ops::Limits;
use equimap_server::{ApiError, AppState};

fn state() -> Arc<AppState> {
    static S: OnceLock<Arc<AppState>> = OnceLock::new();
    S.get_or_init(|| Arc::new(AppState::new(common::query())))
        .clone()
}

async fn get(uri: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, String) {
    let (s, h, b) = common::get(state(), uri, headers).await;
    (s, h, String::from_utf8_lossy(&b).into_owned())
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    for _ in 0..3 {
        assert_eq!(
            get("/api/point?lon=-1.5486&lat=53.8019", &[]).await.0,
            StatusCode::OK
        );
    }
    let (s, h, text) = get("/metrics", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/plain")
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("equimap_requests_total{method=\"GET\",route=\"/api/point\"}"))
        .expect("point counter");
    let n: u64 = line
        .rsplit(' ')
        .next()
        .expect("value")
        .parse()
        .expect("number");
    assert!(n >= 3, "{line}");
    assert!(text.contains(
        "equimap_request_duration_seconds_bucket{method=\"GET\",route=\"/api/point\",le=\"+Inf\"}"
    ));
    assert!(text.contains("equimap_atlas_info{district=\"E08000035\""));
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let (_, h, _) = get("/healthz", &[("x-request-id", "abc-123")]).await;
    assert_eq!(h["x-request-id"], "abc-123");
    let (_, h, _) = get("/healthz", &[("x-request-id", "bad id\twith spaces")]).await;
    assert_ne!(h["x-request-id"], "bad id\twith spaces");
    let (s, _, body) = get("/readyz", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("\"status\":\"ok\""));
}

#[tokio::test]
async fn expensive_requests_beyond_the_queue_get_503() {
    let limits = Arc::new(Limits::new(1, 0, Duration::from_secs(5)));
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let l = limits.clone();
    let first = tokio::spawn(async move {
        l.run(move || {
            let _ = started_tx.send(());
            let _ = release_rx.recv();
            1
        })
        .await
    });
    started_rx.await.expect("first job running");
    match limits.run(|| 2).await {
        Err(ApiError::Busy(m)) => assert!(m.contains("already running"), "{m}"),
        other => panic!("expected Busy, got {:?}", other.map(|_| ())),
    }
    release_tx.send(()).expect("release");
    assert_eq!(first.await.expect("join").expect("first ok"), 1);
    assert_eq!(limits.run(|| 3).await.expect("free again"), 3);
    // A job past the timeout is a 503 too.
    let slow = Limits::new(1, 0, Duration::from_millis(50));
    assert!(matches!(
        slow.run(|| std::thread::sleep(Duration::from_millis(300)))
            .await,
        Err(ApiError::Busy(_))
    ));
}

#[tokio::test]
async fn cors_is_open_by_default_and_can_be_narrowed() {
    let (_, h, _) = get(
        "/api/indicators",
        &[("origin", "https://elsewhere.example")],
    )
    .await;
    assert_eq!(h["access-control-allow-origin"], "*");
    let mut narrow = AppState::new(common::query());
    narrow.cors_origins = vec!["https://leeds.example".to_owned()];
    let narrow = Arc::new(narrow);
    let (_, h, _) = common::get(
        narrow.clone(),
        "/api/indicators",
        &[("origin", "https://leeds.example")],
    )
    .await;
    assert_eq!(h["access-control-allow-origin"], "https://leeds.example");
    let (_, h, _) = common::get(
        narrow,
        "/api/indicators",
        &[("origin", "https://elsewhere.example")],
    )
    .await;
    assert!(h.get("access-control-allow-origin").is_none());
}
