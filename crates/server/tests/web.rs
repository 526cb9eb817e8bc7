//! Static files: only what was loaded at start-up, with the right types, caching and headers.

mod common;

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use equimap_server::AppState;
use equimap_server::web::WebAssets;

fn state() -> Arc<AppState> {
    static S: OnceLock<(Arc<AppState>, tempfile::TempDir)> = OnceLock::new();
    S.get_or_init(|| {
        let web = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            web.path().join("index.html"),
            "<!doctype html><title>equimap</title>",
        )
        .expect("write");
        std::fs::create_dir_all(web.path().join("chunks")).expect("mkdir");
        std::fs::write(
            web.path().join("chunks/app-3f2a9c.js"),
            "console.log('map');",
        )
        .expect("write");
        std::fs::write(web.path().join("app.css"), "body{margin:0}").expect("write");
        let query = common::query();
        let mut state = AppState::new(query);
        state.web = WebAssets::load(web.path()).expect("web");
        state
            .archives
            .insert("test".to_owned(), Bytes::from_static(b"0123456789"));
        (Arc::new(state), web)
    })
    .0
    .clone()
}

async fn get(uri: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    common::get(state(), uri, headers).await
}

#[tokio::test]
async fn the_page_has_its_security_headers() {
    let (s, h, b) = get("/", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("csp");
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("connect-src 'self'")
            && !csp.contains("http")
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(h.contains_key(header::REFERRER_POLICY));
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    assert!(String::from_utf8_lossy(&b).contains("equimap"));
}

#[tokio::test]
async fn types_compression_and_caching() {
    let (s, h, _) = get("/chunks/app-3f2a9c.js", &[("accept-encoding", "gzip")]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    assert!(
        h[header::CACHE_CONTROL]
            .to_str()
            .expect("cc")
            .contains("immutable")
    );
    let (_, h, _) = get("/app.css", &[]).await;
    assert_eq!(h[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(h.get(header::CONTENT_ENCODING).is_none());
}

#[tokio::test]
async fn no_path_reaches_outside_the_web_directory() {
    for uri in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2e%2e%2fCargo.toml",
        "/chunks/../../Cargo.toml",
        "//etc/passwd",
        "/..%5c..%5cCargo.toml",
        "/index.html%00.js",
        "/boundaries/manifest.json",
    ] {
        let (s, h, b) = get(uri, &[]).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            h[header::CONTENT_TYPE]
                .to_str()
                .expect("ct")
                .starts_with("application/json"),
            "{uri}"
        );
        assert!(!String::from_utf8_lossy(&b).contains("[package]"), "{uri}");
    }
}

#[tokio::test]
async fn archives_answer_range_requests() {
    let (s, h, b) = get("/tiles/test.pmtiles", &[("range", "bytes=2-5")]).await;
    assert_eq!(s, StatusCode::PARTIAL_CONTENT);
    assert_eq!(b, b"2345");
    assert_eq!(h[header::CONTENT_RANGE], "bytes 2-5/10");
    let (s, _, b) = get("/tiles/test.pmtiles", &[("range", "bytes=-3")]).await;
    assert_eq!(
        (s, b.as_slice()),
        (StatusCode::PARTIAL_CONTENT, &b"789"[..])
    );
    let (s, _, _) = get("/tiles/test.pmtiles", &[("range", "bytes=20-30")]).await;
    assert_eq!(s, StatusCode::RANGE_NOT_SATISFIABLE);
    let (s, _, b) = get("/tiles/test.pmtiles", &[]).await;
    assert_eq!((s, b.len()), (StatusCode::OK, 10));
    assert_eq!(
        get("/tiles/other.pmtiles", &[]).await.0,
        StatusCode::NOT_FOUND
    );
}
