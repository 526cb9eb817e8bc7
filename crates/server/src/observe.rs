//! The per-request layers of our own: count, time and log every request by route, and drop a
//! client's request id when it is not a sane one.
//!
//! They are plain tower services rather than `axum::middleware::from_fn`: `from_fn` clones the
//! whole stack beneath it and boxes it again on every request, part of why a cached tile cost
//! 36.7 µs of CPU instead of 23.5 (BENCHMARKS.md, issue 13).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Response};
use tower::{Layer, Service};

use crate::ops::{route_metrics, route_name, slot};

/// Drop a client's `X-Request-Id` unless it is 1 to 64 letters, digits and dashes, so that a
/// fresh one is made and no client text reaches our logs unchecked.
pub fn drop_odd_request_id(mut req: Request) -> Request {
    let odd = req.headers().get("x-request-id").is_some_and(|v| {
        let b = v.as_bytes();
        b.is_empty() || b.len() > 64 || !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
    });
    if odd {
        req.headers_mut().remove("x-request-id");
    }
    req
}

/// Counts every request by route, times it, and logs it with its id. It must sit inside the
/// router (axum's `Router::layer`), where the matched route is known, and outside tower-http's
/// `PropagateRequestIdLayer`, whose answer carries the id it logs.
#[derive(Clone, Copy, Debug, Default)]
pub struct ObserveLayer {
    /// The route's place in [`crate::ROUTES`] when the layer serves one route only; else it is
    /// looked up from the matched path on each request.
    slot: Option<usize>,
}

impl ObserveLayer {
    /// For a stack that serves the one route at `slot` of [`crate::ROUTES`]: its metric handles
    /// are found once, not looked up by path on every request.
    pub fn route(slot: usize) -> Self {
        Self { slot: Some(slot) }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            slot: self.slot,
        }
    }
}

/// The service of [`ObserveLayer`].
#[derive(Clone, Debug)]
pub struct Observe<S> {
    inner: S,
    slot: Option<usize>,
}

impl<S, B> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response<B>>,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = ObserveFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let seen = Seen::new(&req, self.slot);
        ObserveFuture {
            inner: self.inner.call(req),
            seen: Some(seen),
        }
    }
}

/// What is known of a request before it is answered.
struct Seen {
    started: Instant,
    slot: usize,
    /// Method and path, only when access lines are logged.
    access: Option<(axum::http::Method, String)>,
}

impl Seen {
    fn new(req: &Request, known: Option<usize>) -> Self {
        let slot = known.unwrap_or_else(|| {
            slot(
                req.method(),
                req.extensions()
                    .get::<MatchedPath>()
                    .map(MatchedPath::as_str),
            )
        });
        let access = tracing::enabled!(tracing::Level::DEBUG)
            .then(|| (req.method().clone(), req.uri().path().to_owned()));
        Self {
            started: Instant::now(),
            slot,
            access,
        }
    }

    /// Record the answer; `id` is the request id it carries.
    fn finish(self, status: u16, id: Option<&HeaderValue>) {
        let secs = self.started.elapsed().as_secs_f64();
        if let Some(m) = route_metrics().get(self.slot) {
            m.requests.increment(1);
            m.duration.record(secs);
            if status >= 500 {
                m.errors.increment(1);
            }
        }
        // Access lines at debug (RUST_LOG=equimap_server=debug) keep a busy tile server quiet;
        // server errors are always logged.
        if status >= 500 {
            tracing::warn!(request_id = ?id, status, ms = secs * 1000.0, route = route_name(self.slot), "request failed");
        } else if let Some((method, path)) = self.access {
            tracing::debug!(request_id = ?id, %method, %path, status, ms = secs * 1000.0, "request");
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Observe`]: the inner answer, recorded when it is ready.
    pub struct ObserveFuture<F> {
        #[pin]
        inner: F,
        seen: Option<Seen>,
    }
}

impl<F, B, E> Future for ObserveFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let out = ready!(this.inner.poll(cx));
        if let (Ok(res), Some(seen)) = (&out, this.seen.take()) {
            seen.finish(res.status().as_u16(), res.headers().get("x-request-id"));
        }
        Poll::Ready(out)
    }
}
