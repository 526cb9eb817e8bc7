//! The layers every answer passes through, and the tile route's leaner stack.
//!
//! Each stack is one `ServiceBuilder` applied by one `Router::layer`: axum wraps (and boxes)
//! every route once per call of `layer` and clones that wrapping on every request, and
//! `axum::middleware::from_fn` clones the stack beneath it again: seven separate layers were
//! part of why a cached tile cost 36.7 µs of CPU instead of 23.5 (BENCHMARKS.md, issue 13).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, header};
use tower::{Layer, ServiceExt};
use tower_http::compression::{CompressionLayer, Predicate};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::observe::{self, ObserveLayer};
use crate::{AppState, ops, web};

/// Longest a client may take to send a request body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The layers every stack starts with, outermost first: a client's odd request id is dropped,
/// an id is set, the request is counted and timed by route (`$observe`), the id is sent back,
/// and the security headers are added.
macro_rules! observed {
    ($state:expr, $observe:expr) => {
        tower::ServiceBuilder::new()
            .map_request(observe::drop_odd_request_id)
            .layer(SetRequestIdLayer::x_request_id(ops::NextRequestId(
                $state.ops.clone(),
            )))
            .layer($observe)
            .layer(PropagateRequestIdLayer::x_request_id())
            .map_response(security_headers)
    };
}

/// Every route but the tiles, and the fallback: [`observed!`], then the request body may take
/// [`BODY_TIMEOUT`], and the answer is compressed when worth it ([`compression`]).
pub(crate) fn outer_layers(
    router: Router<Arc<AppState>>,
    state: &AppState,
) -> Router<Arc<AppState>> {
    router.layer(
        observed!(state, ObserveLayer::default())
            .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
            .layer(compression()),
    )
}

/// The tile route (at `slot` of [`crate::ROUTES`]): [`observed!`] with the route's metric
/// handles found once, then CORS, in the same stack. A `GET` of a tile has no body to time out,
/// and its body is stored gzipped (or sent plain to a client that refuses gzip, which no
/// compression could then serve), so the compression layer is left out; its errors are
/// compressed as every other JSON answer by [`compressed`].
pub(crate) fn tile_layers(
    router: Router<Arc<AppState>>,
    state: &AppState,
    slot: usize,
) -> Router<Arc<AppState>> {
    router.layer(observed!(state, ObserveLayer::route(slot)).layer(cors(&state.cors_origins)))
}

/// CORS for the API and tiles. They serve public open data, so by default any origin may read
/// them; `--cors-origins` narrows that to a list. Preflights (a cross-origin JSON `POST`) are
/// answered here.
pub(crate) fn cors(origins: &[String]) -> CorsLayer {
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
fn compression() -> CompressionLayer<impl Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType};
    CompressionLayer::new().compress_when(
        DefaultPredicate::new().and(NotForContentType::const_new("application/vnd.pmtiles")),
    )
}

/// `res` compressed as [`outer_layers`] would have compressed it for a request with these
/// headers (its `Accept-Encoding`), for an answer on a stack without the compression layer.
pub(crate) async fn compressed(res: Response<Body>, request: &HeaderMap) -> Response<Body> {
    let mut req = Request::new(Body::empty());
    for v in request.get_all(header::ACCEPT_ENCODING) {
        req.headers_mut().append(header::ACCEPT_ENCODING, v.clone());
    }
    // Called once, by `oneshot`.
    let mut res = Some(res);
    let answer = tower::service_fn(move |_: Request<Body>| {
        std::future::ready(Ok::<_, Infallible>(res.take().unwrap_or_default()))
    });
    match compression().layer(answer).oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    }
}

/// Headers every response carries. The policy allows our own origin only: the map fetches
/// nothing from anywhere else.
fn security_headers<B>(mut res: Response<B>) -> Response<B> {
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
