//! Operations: request ids and logs, Prometheus metrics and readiness.
//!
//! Metrics go through the `metrics` facade to `metrics-exporter-prometheus`, whose recorder is
//! installed once per process; request ids come from a counter in [`Ops`]. Both live outside the
//! state that a reload replaces, so neither resets when the atlas is reloaded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::ApiError;
pub use crate::limits::Limits;

/// Latency bucket bounds in seconds for the histogram.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];
const REQUESTS: &str = "equimap_requests_total";
const ERRORS: &str = "equimap_server_errors_total";
const DURATION: &str = "equimap_request_duration_seconds";
/// The metric of site reports running now, never above the limit.
pub const RUNNING: &str = "equimap_site_reports_running";
const IN_FLIGHT: &str = "equimap_site_reports_in_flight";
const ATLAS: &str = "equimap_atlas_info";
/// How often the exporter folds recorded histogram samples into its buckets.
const UPKEEP: Duration = Duration::from_secs(5);

/// What outlives a reload: the request id counter and the last atlas labelled in `/metrics`.
#[derive(Default)]
pub struct Ops {
    next_id: AtomicU64,
    atlas_shown: Mutex<Option<(String, String)>>,
}

/// The process's Prometheus recorder, installed on first use, or why it could not be.
fn prometheus() -> Result<&'static PrometheusHandle, ApiError> {
    static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();
    HANDLE
        .get_or_init(install)
        .as_ref()
        .map_err(|e| ApiError::Internal(format!("metrics are unavailable: {e}")))
}

fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), &BUCKETS)
        .and_then(PrometheusBuilder::install_recorder)
        .map_err(|e| {
            tracing::error!("could not install the Prometheus recorder: {e}");
            e.to_string()
        })?;
    describe();
    let upkeep = handle.clone();
    std::thread::Builder::new()
        .name("metrics-upkeep".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP);
                upkeep.run_upkeep();
            }
        })
        .map_err(|e| format!("could not start the metrics upkeep thread: {e}"))?;
    Ok(handle)
}

fn describe() {
    metrics::describe_counter!(REQUESTS, "HTTP requests by route.");
    metrics::describe_counter!(ERRORS, "Responses with status 5xx by route.");
    metrics::describe_histogram!(
        DURATION,
        metrics::Unit::Seconds,
        "Request latency by route."
    );
    metrics::describe_gauge!(RUNNING, "Site reports and custom areas computing now.");
    metrics::describe_gauge!(
        IN_FLIGHT,
        "Site reports and custom areas running or queued."
    );
    metrics::describe_gauge!(
        ATLAS,
        "The loaded atlas (1), and atlases reloaded away (0)."
    );
    crate::tiles::describe_metrics();
}

/// One route's metric handles, registered once.
pub(crate) struct RouteMetrics {
    pub(crate) requests: Counter,
    pub(crate) errors: Counter,
    pub(crate) duration: Histogram,
}

impl RouteMetrics {
    fn new(method: &'static str, route: &'static str) -> Self {
        let labels = [("method", method), ("route", route)];
        Self {
            requests: metrics::counter!(REQUESTS, &labels),
            errors: metrics::counter!(ERRORS, &labels),
            duration: metrics::histogram!(DURATION, &labels),
        }
    }
}

/// Handles for every entry of [`crate::ROUTES`], then one for the rest; empty when metrics are
/// unavailable (the reason is logged once and `/metrics` answers it).
pub(crate) fn route_metrics() -> &'static [RouteMetrics] {
    static ALL: OnceLock<Vec<RouteMetrics>> = OnceLock::new();
    ALL.get_or_init(|| {
        if prometheus().is_err() {
            return Vec::new();
        }
        crate::ROUTES
            .iter()
            .map(|r| RouteMetrics::new(r.method, r.path))
            .chain(std::iter::once(RouteMetrics::new("ANY", "other")))
            .collect()
    })
}

pub(crate) fn slot(method: &axum::http::Method, route: Option<&str>) -> usize {
    route
        .and_then(|r| {
            crate::ROUTES
                .iter()
                .position(|e| e.path == r && e.method == method.as_str())
        })
        .unwrap_or(crate::ROUTES.len())
}

pub(crate) fn route_name(slot: usize) -> &'static str {
    crate::ROUTES.get(slot).map_or("other", |r| r.path)
}

/// Handles of counters without labels, registered once (with the recorder installed first, so
/// that they are not no-ops); no-ops when metrics are unavailable.
pub(crate) fn counters<const N: usize>(names: [&'static str; N]) -> [Counter; N] {
    if prometheus().is_err() {
        return std::array::from_fn(|_| Counter::noop());
    }
    names.map(|n| metrics::counter!(n))
}

/// Request ids for requests that bring none: a counter shared across reloads.
#[derive(Clone)]
pub struct NextRequestId(pub Arc<Ops>);

impl MakeRequestId for NextRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.0.next_id.fetch_add(1, Ordering::Relaxed);
        Some(RequestId::new(HeaderValue::from(n)))
    }
}

/// Set the gauges read at scrape time: the atlas, the tile cache and the site-report limiter.
fn set_gauges(s: &crate::AppState) {
    let m = &s.query.atlas.manifest;
    let now = (m.district.clone(), m.version.clone());
    // A poisoned lock still holds a usable label: the panic that poisoned it cannot have
    // left it half-written.
    let mut shown = s
        .ops
        .atlas_shown
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((district, version)) = shown.as_ref().filter(|old| **old != now) {
        metrics::gauge!(ATLAS, "district" => district.clone(), "version" => version.clone())
            .set(0.0);
    }
    *shown = Some(now.clone());
    drop(shown);
    metrics::gauge!(ATLAS, "district" => now.0, "version" => now.1).set(1.0);
    if let Some(t) = &s.tiles {
        t.set_gauges();
    }
    metrics::gauge!(RUNNING).set(s.limits.running() as f64);
    metrics::gauge!(IN_FLIGHT).set(s.limits.in_flight() as f64);
}

/// `GET /metrics`
pub async fn metrics(State(s): State<Arc<crate::AppState>>) -> Result<Response, ApiError> {
    let handle = prometheus()?;
    set_gauges(&s);
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response())
}
