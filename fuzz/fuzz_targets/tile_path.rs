//! The tile routes, end to end through the server's real router: whatever path arrives, the
//! server must not panic, must not answer 5xx, must answer every 4xx with a JSON body that has an
//! "error" field, and must answer a 200 tile with a body (and a 200 JSON document with JSON).
//!
//! The router is built once per process over the committed Leeds atlas (`../boundaries`, or
//! `EQUIMAP_FUZZ_ATLAS`), with tiles generated on demand and a small cache, and driven on a
//! current-thread tokio runtime with `tower::ServiceExt::oneshot`.
//!
//! Each input is tried twice: as `/tiles/<bytes>` and, when it is one, as the whole request
//! target (path and query). Inputs that do not make a valid `http::Uri` are skipped: rejecting
//! them is the HTTP layer's job, before the router ever sees them.
//!
//! It found that a path parameter percent-decoding to bytes that are not UTF-8 (`/tiles/%FF`)
//! got axum's plain-text 400 instead of our JSON error (fixed in b9b6b98; the inputs are in
//! `regressions/tile_path/`). Once tower-http compressed the JSON errors too, the check read a
//! gzipped 404 as "not JSON" (`*` with gzip accepted); it now decodes what the client would.
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, Uri, header};
use equimap_server::AppState;
use equimap_server::tiles::{TileConfig, TileService, TileSource};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

const MVT: &str = "application/vnd.mapbox-vector-tile";

struct Harness {
    rt: tokio::runtime::Runtime,
    router: Router,
}

fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        let dir = std::env::var_os("EQUIMAP_FUZZ_ATLAS").map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../boundaries")),
            PathBuf::from,
        );
        let atlas = equimap_atlas::Atlas::load(&dir)
            .unwrap_or_else(|e| panic!("load the atlas at {}: {e}", dir.display()));
        let query = equimap_query::Query::new(atlas).expect("query engine");
        let tiles =
            equimap_tiles::atlas::AtlasTiles::from_atlas(&query.atlas, 16).expect("atlas tiles");
        let config = TileConfig {
            // Small, so the cache's eviction path runs too and memory stays flat.
            cache_bytes: 1 << 20,
            ..TileConfig::default()
        };
        let state = Arc::new(AppState {
            tiles: Some(TileService::new(TileSource::Atlas(Box::new(tiles)), config)),
            ..AppState::new(query)
        });
        Harness {
            rt: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
            router: equimap_server::router(state),
        }
    })
}

fn check(h: &Harness, uri: Uri, gzip: bool) {
    let shown = uri.to_string();
    let mut req = Request::get(uri);
    if gzip {
        req = req.header(header::ACCEPT_ENCODING, "gzip");
    }
    let req = req.body(Body::empty()).expect("request from a valid Uri");
    let (status, ctype, encoding, body) = h.rt.block_on(async {
        let res = h
            .router
            .clone()
            .oneshot(req)
            .await
            .unwrap_or_else(|e| match e {});
        let (parts, body) = res.into_parts();
        let body = axum::body::to_bytes(body, 64 << 20)
            .await
            .expect("read the response body");
        let ctype = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let encoding = parts.headers.get(header::CONTENT_ENCODING).cloned();
        (parts.status, ctype, encoding, body)
    });
    // The compression layer gzips any answer (errors too) for a client that accepts gzip; a tile
    // is stored gzipped and answered as stored. Check what the client would read.
    let body = if encoding.as_ref().is_some_and(|v| v == "gzip") && ctype != MVT {
        gunzip(&shown, &body)
    } else {
        body.to_vec()
    };
    let text = || String::from_utf8_lossy(&body).into_owned();
    assert!(
        !status.is_server_error(),
        "GET {shown:?} answered {status}: {}",
        text()
    );
    if status.is_client_error() {
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "GET {shown:?} answered {status} with a body that is not JSON ({e}); \
                 content-type {ctype:?}, body {:?}",
                text()
            )
        });
        assert!(
            v.get("error").is_some_and(serde_json::Value::is_string),
            "GET {shown:?} answered {status} without an \"error\" string: {v}"
        );
    }
    if status == StatusCode::OK {
        if ctype == MVT {
            assert!(!body.is_empty(), "GET {shown:?} answered a 200 tile with no body");
            if gzip {
                assert_eq!(
                    encoding.as_ref().and_then(|v| v.to_str().ok()),
                    Some("gzip"),
                    "GET {shown:?}: a gzip-accepting client got an unmarked tile"
                );
            } else {
                assert!(
                    encoding.is_none(),
                    "GET {shown:?}: a client that did not accept gzip got {encoding:?}"
                );
            }
        } else if ctype.starts_with("application/json") {
            assert!(
                serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
                "GET {shown:?} answered 200 {ctype} that does not parse: {}",
                text()
            );
        }
    }
}

fn gunzip(shown: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(body), &mut out)
        .unwrap_or_else(|e| panic!("GET {shown:?} answered a gzip body that does not decode: {e}"));
    out
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    // 1. Under the tile prefix, so most inputs reach the tile handlers.
    let mut under = b"/tiles/".to_vec();
    under.extend_from_slice(data);
    if let Ok(uri) = Uri::try_from(under) {
        check(h, uri, false);
    }
    // 2. As the whole request target, so the fuzzer can also reach the routing and the
    // fallback ("/tiles" vs "/tiles/", "//tiles/…", queries, absolute forms).
    if let Ok(uri) = Uri::try_from(data) {
        // Once with gzip too: the handler answers the stored bytes instead of gunzipping.
        let gzip = data.len() % 2 == 1;
        check(h, uri, gzip);
    }
});
