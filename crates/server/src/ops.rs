//! Operations: request ids and logs, Prometheus metrics, readiness, and the bound on
//! concurrent site reports.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Latency bucket bounds in seconds for the histogram.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

/// Lock-free counters for one route: requests, 5xx, total microseconds and histogram buckets.
#[derive(Default)]
struct RouteStats {
    count: AtomicU64,
    errors: AtomicU64,
    micros: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
}

/// Request counters by route: one slot per entry of [`crate::ROUTES`], plus one for the rest.
pub struct Metrics {
    routes: Vec<RouteStats>,
    next_id: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            routes: (0..=crate::ROUTES.len())
                .map(|_| RouteStats::default())
                .collect(),
            next_id: AtomicU64::new(0),
        }
    }
}

fn label(i: usize) -> (&'static str, &'static str) {
    crate::ROUTES.get(i).copied().unwrap_or(("ANY", "other"))
}

impl Metrics {
    fn slot(method: &axum::http::Method, route: Option<&str>) -> usize {
        route
            .and_then(|r| {
                crate::ROUTES
                    .iter()
                    .position(|(m, p)| *p == r && *m == method.as_str())
            })
            .unwrap_or(crate::ROUTES.len())
    }

    fn record(&self, slot: usize, status: u16, seconds: f64) {
        let Some(e) = self.routes.get(slot) else {
            return;
        };
        e.count.fetch_add(1, Ordering::Relaxed);
        if status >= 500 {
            e.errors.fetch_add(1, Ordering::Relaxed);
        }
        e.micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                e.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self, extra: &str) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let used: Vec<(usize, &RouteStats)> = self
            .routes
            .iter()
            .enumerate()
            .filter(|(_, r)| r.count.load(Ordering::Relaxed) > 0)
            .collect();
        let _ = writeln!(
            out,
            "# HELP equimap_requests_total HTTP requests by route.\n# TYPE equimap_requests_total counter"
        );
        for (i, r) in &used {
            let (m, p) = label(*i);
            let _ = writeln!(
                out,
                "equimap_requests_total{{method=\"{m}\",route=\"{p}\"}} {}",
                r.count.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP equimap_server_errors_total Responses with status 5xx by route.\n# TYPE equimap_server_errors_total counter"
        );
        for (i, r) in &used {
            let (m, p) = label(*i);
            let _ = writeln!(
                out,
                "equimap_server_errors_total{{method=\"{m}\",route=\"{p}\"}} {}",
                r.errors.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP equimap_request_duration_seconds Request latency by route.\n# TYPE equimap_request_duration_seconds histogram"
        );
        for (i, r) in &used {
            let (m, p) = label(*i);
            for (j, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "equimap_request_duration_seconds_bucket{{method=\"{m}\",route=\"{p}\",le=\"{b}\"}} {}",
                    r.buckets[j].load(Ordering::Relaxed)
                );
            }
            let count = r.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "equimap_request_duration_seconds_bucket{{method=\"{m}\",route=\"{p}\",le=\"+Inf\"}} {count}"
            );
            #[allow(clippy::cast_precision_loss)]
            let sum = r.micros.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(
                out,
                "equimap_request_duration_seconds_sum{{method=\"{m}\",route=\"{p}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "equimap_request_duration_seconds_count{{method=\"{m}\",route=\"{p}\"}} {count}"
            );
        }
        out.push_str(extra);
        out
    }
}

/// Give every request an id (the client's `X-Request-Id` if it sent a sane one), log it, and
/// count it by route.
pub async fn observe(
    State(state): State<std::sync::Arc<crate::AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let slot = Metrics::slot(
        req.method(),
        req.extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
    );
    let given = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .and_then(|v| HeaderValue::from_str(v).ok());
    let id = given.unwrap_or_else(|| {
        let n = state.metrics.next_id.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{n:x}")).unwrap_or(HeaderValue::from_static("0"))
    });
    let log = tracing::enabled!(tracing::Level::DEBUG);
    let (method, path) = if log {
        (req.method().to_string(), req.uri().path().to_owned())
    } else {
        (String::new(), String::new())
    };
    let mut res = next.run(req).await;
    let secs = started.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    state.metrics.record(slot, status, secs);
    // Access lines at debug (RUST_LOG=equimap_server=debug) keep a busy tile server quiet;
    // server errors are always logged.
    if status >= 500 {
        tracing::warn!(request_id = ?id, status, ms = secs * 1000.0, route = label(slot).1, "request failed");
    } else if log {
        tracing::debug!(request_id = ?id, %method, %path, status, ms = secs * 1000.0, "request");
    }
    res.headers_mut().insert("x-request-id", id);
    res
}

/// `GET /metrics`
pub async fn metrics(State(s): State<std::sync::Arc<crate::AppState>>) -> Response {
    use std::fmt::Write;
    let mut extra = String::new();
    let m = &s.query.atlas.manifest;
    let _ = writeln!(
        extra,
        "# HELP equimap_atlas_info The loaded atlas.\n# TYPE equimap_atlas_info gauge\nequimap_atlas_info{{district=\"{}\",version=\"{}\"}} 1",
        m.district, m.version
    );
    if let Some(t) = &s.tiles {
        let st = t.stats();
        for (name, key, kind) in [
            ("equimap_tile_cache_hits_total", "hits", "counter"),
            ("equimap_tile_cache_misses_total", "misses", "counter"),
            ("equimap_tile_cache_bytes", "cache_bytes", "gauge"),
            ("equimap_tile_cache_entries", "cache_entries", "gauge"),
            (
                "equimap_tile_cache_capacity_bytes",
                "cache_capacity_bytes",
                "gauge",
            ),
        ] {
            let _ = writeln!(
                extra,
                "# TYPE {name} {kind}\n{name} {}",
                st[key].as_u64().unwrap_or(0)
            );
        }
    }
    let _ = writeln!(
        extra,
        "# TYPE equimap_site_reports_in_flight gauge\nequimap_site_reports_in_flight {}",
        s.limits.in_flight.load(Ordering::Relaxed)
    );
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(&extra),
    )
        .into_response()
}

/// Bounds on expensive requests.
pub struct Limits {
    permits: tokio::sync::Semaphore,
    /// Requests running or queued.
    pub in_flight: AtomicU64,
    /// Most requests allowed to wait for a permit.
    pub queue: u64,
    /// Longest a site report may take, queue included.
    pub timeout: std::time::Duration,
}

impl Limits {
    /// `concurrent` reports at once, `queue` more waiting, each within `timeout`.
    pub fn new(concurrent: usize, queue: u64, timeout: std::time::Duration) -> Self {
        Self {
            permits: tokio::sync::Semaphore::new(concurrent.max(1)),
            in_flight: AtomicU64::new(0),
            queue,
            timeout,
        }
    }

    /// Run an expensive job: beyond the queue, or past the timeout, a 503 with `Retry-After`.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, crate::ApiError> {
        let permits = self.permits.available_permits() as u64;
        let waiting = self.in_flight.fetch_add(1, Ordering::AcqRel);
        let _guard = Decrement(&self.in_flight);
        if waiting >= permits + self.queue {
            return Err(crate::ApiError::Busy(format!(
                "{waiting} site reports are already running or queued; try again shortly"
            )));
        }
        let work = async {
            let _permit = self
                .permits
                .acquire()
                .await
                .map_err(|e| crate::ApiError::Internal(e.to_string()))?;
            tokio::task::spawn_blocking(job)
                .await
                .map_err(|e| crate::ApiError::Internal(format!("the report failed: {e}")))
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| {
                crate::ApiError::Busy(format!(
                    "the request took longer than {} s",
                    self.timeout.as_secs()
                ))
            })?
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(2, 16, std::time::Duration::from_secs(20))
    }
}

struct Decrement<'a>(&'a AtomicU64);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
