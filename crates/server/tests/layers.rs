//! The tower-http layers and the site-report limiter under load: CORS preflight, compression
//! with q-values, request ids shared across states, and an overload of site reports.

mod common;

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use equimap_server::ops::Limits;
use equimap_server::tiles::{TileConfig, TileService, TileSource};
use equimap_server::{ApiError, AppState, router};
use tower::ServiceExt;

fn state() -> Arc<AppState> {
    static S: OnceLock<Arc<AppState>> = OnceLock::new();
    S.get_or_init(|| {
        let query = common::query();
        let tiles = equimap_tiles::atlas::AtlasTiles::from_atlas(&query.atlas, 16).expect("tiles");
        Arc::new(AppState {
            tiles: Some(TileService::new(
                TileSource::Atlas(Box::new(tiles)),
                TileConfig::default(),
            )),
            ..AppState::new(query)
        })
    })
    .clone()
}

async fn send(state: Arc<AppState>, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let res = router(state).oneshot(req).await.expect("response");
    let (parts, body) = res.into_parts();
    let body = axum::body::to_bytes(body, 1 << 26).await.expect("body");
    (parts.status, parts.headers, body.to_vec())
}

fn gunzip(gz: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/site")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn a_cross_origin_json_post_passes_its_preflight() {
    let (s, h, _) = send(state(), preflight("http://127.0.0.1:9")).await;
    assert!(s.is_success(), "{s}");
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let methods = h[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .expect("ascii");
    assert!(methods.contains("POST"), "{methods}");
    let allowed = h[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .expect("ascii");
    assert!(allowed.contains("content-type"), "{allowed}");
    // A narrowed list answers only its own origins.
    let mut narrow = AppState::new(common::query());
    narrow.cors_origins = vec!["https://leeds.example".to_owned()];
    let narrow = Arc::new(narrow);
    let (_, h, _) = send(narrow.clone(), preflight("https://leeds.example")).await;
    assert_eq!(
        h[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://leeds.example"
    );
    let (_, h, _) = send(narrow, preflight("https://elsewhere.example")).await;
    assert!(h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

fn from_origin(method: Method, uri: &str, origin: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ORIGIN, origin)
        .body(Body::empty())
        .expect("request")
}

/// A cross-origin client that asks for an API or tile path that does not exist must be able to
/// read the JSON 404 (the browser hides an answer without `Access-Control-Allow-Origin`), under
/// the narrowed list too; the web map's own 404s and files stay without CORS headers.
#[tokio::test]
async fn an_unknown_api_path_answers_a_cross_origin_client_readably() {
    let mut narrow = AppState::new(common::query());
    narrow.cors_origins = vec!["https://leeds.example".to_owned()];
    let narrow = Arc::new(narrow);
    for uri in [
        "/api/no-such-route",
        "/api",
        "/tiles/a/b",
        "/api/areas/x/y/z",
    ] {
        for (state, origin, allowed) in [
            (state(), "https://elsewhere.example", Some("*")),
            (
                narrow.clone(),
                "https://leeds.example",
                Some("https://leeds.example"),
            ),
            (narrow.clone(), "https://elsewhere.example", None),
        ] {
            let (s, h, body) = send(state, from_origin(Method::GET, uri, origin)).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
            assert_eq!(
                h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                    .map(|v| v.to_str().expect("ascii")),
                allowed,
                "{uri} from {origin}"
            );
            assert_eq!(h[header::CONTENT_TYPE], "application/json", "{uri}");
            let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(v["status"], 404, "{v}");
            assert!(v["error"].as_str().is_some_and(|e| e.contains(uri)), "{v}");
        }
    }
    // A preflight for an unknown API path is answered too, so the browser sends the request.
    let mut pre = preflight("https://leeds.example");
    *pre.uri_mut() = "/api/no-such-route".parse().expect("uri");
    let (s, h, _) = send(narrow.clone(), pre).await;
    assert!(s.is_success(), "{s}");
    assert_eq!(
        h[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://leeds.example"
    );
    // The web map's files and their 404s carry no CORS headers.
    for uri in ["/no-such-page.js", "/"] {
        let (_, h, _) = send(
            narrow.clone(),
            from_origin(Method::GET, uri, "https://leeds.example"),
        )
        .await;
        assert!(
            h.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
            "{uri}"
        );
    }
}

fn get(uri: &str, accept: Option<&str>) -> Request<Body> {
    let mut r = Request::get(uri);
    if let Some(a) = accept {
        r = r.header(header::ACCEPT_ENCODING, a);
    }
    r.body(Body::empty()).expect("request")
}

#[tokio::test]
async fn csv_and_json_are_compressed_only_when_gzip_is_acceptable() {
    let uri = "/api/data.csv?indicator=imd2025_score&geography=lsoa21";
    let (s, h, plain) = send(state(), get(uri, None)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.get(header::CONTENT_ENCODING).is_none());
    let (s, h, gz) = send(state(), get(uri, Some("br;q=0.9, gzip"))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    assert!(
        gz.len() * 2 < plain.len(),
        "{} vs {}",
        gz.len(),
        plain.len()
    );
    assert_eq!(gunzip(&gz), plain);
    let (_, h, body) = send(state(), get(uri, Some("gzip;q=0"))).await;
    assert!(h.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body, plain);
    let (_, h, body) = send(state(), get("/api/indicators", Some("gzip"))).await;
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    let v: serde_json::Value = serde_json::from_slice(&gunzip(&body)).expect("json");
    assert!(v["indicators"].as_array().is_some_and(|a| !a.is_empty()));
}

#[tokio::test]
async fn a_tile_refused_gzip_by_q_value_arrives_plain() {
    // Leeds city centre at z12.
    let uri = "/tiles/lsoa21/12/2030/1318.mvt";
    let (s, h, gz) = send(state(), get(uri, Some("gzip"))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    for refusal in ["gzip;q=0", "gzip; q=0.0, br", "*, gzip;q=0"] {
        let (s, h, plain) = send(state(), get(uri, Some(refusal))).await;
        assert_eq!(s, StatusCode::OK);
        assert!(h.get(header::CONTENT_ENCODING).is_none(), "{refusal}");
        assert_eq!(plain, gunzip(&gz), "{refusal}");
    }
}

fn metric(text: &str, prefix: &str) -> Option<u64> {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// The tile route has a stack of its own (no compression layer, no body timeout): it must still
/// carry CORS (with preflight), request ids, the security headers and its metrics, and compress
/// its JSON errors as every other route does.
#[tokio::test]
async fn the_tile_route_keeps_every_layer() {
    let uri = "/tiles/lsoa21/12/2030/1318.mvt";
    let mut req = from_origin(Method::GET, uri, "https://elsewhere.example");
    req.headers_mut()
        .insert(header::ACCEPT_ENCODING, "gzip".parse().expect("value"));
    req.headers_mut()
        .insert("x-request-id", "tile-1".parse().expect("value"));
    let (s, h, _) = send(state(), req).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(h.contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS));
    assert_eq!(h["x-request-id"], "tile-1");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    let mut pre = preflight("https://elsewhere.example");
    *pre.uri_mut() = uri.parse().expect("uri");
    *pre.headers_mut()
        .get_mut(header::ACCESS_CONTROL_REQUEST_METHOD)
        .expect("method") = "GET".parse().expect("value");
    let (s, h, _) = send(state(), pre).await;
    assert!(s.is_success(), "{s}");
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    // Errors: JSON, gzipped when gzip is acceptable, plain when not.
    for (uri, method, status) in [
        ("/tiles/no-such-layer/12/2030/1318.mvt", Method::GET, 404),
        ("/tiles/lsoa21/12/x/1318.mvt", Method::GET, 400),
        (uri, Method::POST, 405),
    ] {
        let mut req = from_origin(method.clone(), uri, "https://elsewhere.example");
        let plain = send(state(), req).await;
        req = from_origin(method, uri, "https://elsewhere.example");
        req.headers_mut()
            .insert(header::ACCEPT_ENCODING, "gzip".parse().expect("value"));
        let (s, h, gz) = send(state(), req).await;
        assert_eq!((plain.0.as_u16(), s.as_u16()), (status, status), "{uri}");
        assert!(plain.1.get(header::CONTENT_ENCODING).is_none(), "{uri}");
        assert_eq!(h[header::CONTENT_ENCODING], "gzip", "{uri}");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "{uri}");
        assert_eq!(h[header::CONTENT_TYPE], "application/json", "{uri}");
        assert_eq!(gunzip(&gz), plain.2, "{uri}");
        let v: serde_json::Value = serde_json::from_slice(&plain.2).expect("json");
        assert_eq!(v["status"], status, "{v}");
    }
    let (_, _, text) = send(state(), get("/metrics", None)).await;
    let text = String::from_utf8(text).expect("utf-8");
    let route = r#"{method="GET",route="/tiles/{layer}/{z}/{x}/{y}"}"#;
    let n = metric(&text, &format!("equimap_requests_total{route}")).expect("tile counter");
    assert!(n >= 3, "{n}");
    assert!(text.contains(r#"equimap_request_duration_seconds_bucket{method="GET",route="/tiles/{layer}/{z}/{x}/{y}",le="+Inf"}"#));
}

#[tokio::test]
async fn request_ids_continue_across_states() {
    // Two states sharing one `Ops`, as before and after a reload: ids keep counting.
    let ops = Arc::new(equimap_server::ops::Ops::default());
    let first = Arc::new(AppState {
        ops: ops.clone(),
        ..AppState::new(common::query())
    });
    let second = Arc::new(AppState {
        ops,
        ..AppState::new(common::query())
    });
    let id = |h: &HeaderMap| -> u64 {
        h["x-request-id"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("number")
    };
    let (_, h1, _) = send(first, get("/healthz", None)).await;
    let (_, h2, _) = send(second, get("/healthz", None)).await;
    assert_eq!(id(&h2), id(&h1) + 1);
}

/// Far more jobs than places, each slower than the timeout: the number running never exceeds
/// the limit (counted by the jobs themselves and by the limiter), every caller is answered, and
/// every place is given back.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_limiter_never_runs_more_than_its_limit() {
    let limits = Arc::new(Limits::new(3, 5, Duration::from_millis(40)));
    let now = Arc::new(AtomicU64::new(0));
    let most = Arc::new(AtomicU64::new(0));
    let mut calls = Vec::new();
    for i in 0..120u64 {
        let (l, now, most) = (limits.clone(), now.clone(), most.clone());
        calls.push(tokio::spawn(async move {
            l.run(move || {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(n, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10 + (i % 7) * 15));
                now.fetch_sub(1, Ordering::SeqCst);
            })
            .await
        }));
        if i % 10 == 0 {
            assert!(limits.running() <= 3);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let (mut ok, mut busy) = (0, 0);
    for c in calls {
        match tokio::time::timeout(Duration::from_secs(30), c)
            .await
            .expect("answered")
            .expect("joined")
        {
            Ok(()) => ok += 1,
            Err(ApiError::Busy(_)) => busy += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert!(ok > 0 && busy > 0, "{ok} done, {busy} refused");
    assert!(most.load(Ordering::SeqCst) <= 3, "{most:?} ran at once");
    // Jobs past their timeout run on to their end; then every place is free again.
    for _ in 0..200 {
        if limits.in_flight() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!((limits.running(), limits.in_flight()), (0, 0));
    assert_eq!(limits.run(|| 7).await.expect("free again"), 7);
}

fn running_gauge(metrics: &str) -> Option<u64> {
    metrics
        .lines()
        .find(|l| l.starts_with("equimap_site_reports_running "))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<f64>().ok())
        .map(|v| v as u64)
}

fn site(i: u32) -> Vec<u8> {
    // Squares around Leeds city centre, each a little different.
    let (lon, lat, d) = (-1.5486 + f64::from(i) * 1e-4, 53.8019, 0.004);
    serde_json::to_vec(&serde_json::json!({"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]})).expect("json")
}

/// Real site reports through the router, far more than the limit at once with a short timeout,
/// while `/metrics` is scraped: the running gauge never exceeds the limit and every request is
/// answered 200, or 503 with `Retry-After`, or 504; none hangs.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_overload_of_site_reports_is_answered_within_the_limit() {
    let limit = 2;
    let st = Arc::new(AppState {
        limits: Arc::new(Limits::new(limit, 6, Duration::from_secs(1))),
        ..AppState::new(common::query())
    });
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let scraper = {
        let (st, done) = (st.clone(), done.clone());
        tokio::spawn(async move {
            let (mut most, mut scrapes) = (0, 0);
            while !done.load(Ordering::SeqCst) {
                let (_, _, body) = send(st.clone(), get("/metrics", None)).await;
                let text = String::from_utf8(body).expect("utf-8");
                let running = running_gauge(&text).expect("running gauge");
                most = most.max(running);
                scrapes += 1;
                assert!(st.limits.running() <= limit as u64);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            (most, scrapes)
        })
    };
    let mut calls = Vec::new();
    for i in 0..60 {
        let st = st.clone();
        calls.push(tokio::spawn(async move {
            let req = Request::post("/api/site?buffer_m=400,800")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(site(i)))
                .expect("request");
            tokio::time::timeout(Duration::from_secs(60), send(st, req))
                .await
                .expect("a site report hung")
        }));
    }
    let mut counts = std::collections::BTreeMap::new();
    for c in calls {
        let (s, h, _) = c.await.expect("joined");
        match s {
            StatusCode::OK | StatusCode::GATEWAY_TIMEOUT => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(
                    h.contains_key(header::RETRY_AFTER),
                    "503 without Retry-After"
                );
            }
            other => panic!("unexpected status {other}"),
        }
        *counts.entry(s.as_u16()).or_insert(0) += 1;
    }
    done.store(true, Ordering::SeqCst);
    let (most, scrapes) = scraper.await.expect("scraper");
    assert!(scrapes > 0);
    assert!(most <= limit as u64, "the gauge showed {most} running");
    assert!(counts.get(&503).is_some_and(|n| *n > 0), "{counts:?}");
    assert!(counts.get(&200).is_some_and(|n| *n > 0), "{counts:?}");
}
