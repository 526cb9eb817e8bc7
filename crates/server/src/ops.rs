//! Operations: request ids and logs, Prometheus metrics, readiness, and the bound on
//! concurrent site reports.

use std::collections::BTreeMap;
use std::sync::Mutex;
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

#[derive(Default)]
struct RouteStats {
    count: u64,
    errors: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counters by route.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
    next_id: AtomicU64,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.routes.lock() {
            let e = m.entry((method.to_owned(), route.to_owned())).or_default();
            e.count += 1;
            if status >= 500 {
                e.errors += 1;
            }
            e.sum += seconds;
            for (i, b) in BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    e.buckets[i] += 1;
                }
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self, extra: &str) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP equimap_requests_total HTTP requests by route.\n# TYPE equimap_requests_total counter"
        );
        let routes = self
            .routes
            .lock()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), (v.count, v.errors, v.sum, v.buckets)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for ((m, r), (count, _, _, _)) in &routes {
            let _ = writeln!(
                out,
                "equimap_requests_total{{method=\"{m}\",route=\"{r}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP equimap_server_errors_total Responses with status 5xx by route.\n# TYPE equimap_server_errors_total counter"
        );
        for ((m, r), (_, errors, _, _)) in &routes {
            let _ = writeln!(
                out,
                "equimap_server_errors_total{{method=\"{m}\",route=\"{r}\"}} {errors}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP equimap_request_duration_seconds Request latency by route.\n# TYPE equimap_request_duration_seconds histogram"
        );
        for ((m, r), (count, _, sum, buckets)) in &routes {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "equimap_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"{b}\"}} {}",
                    buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "equimap_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "equimap_request_duration_seconds_sum{{method=\"{m}\",route=\"{r}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "equimap_request_duration_seconds_count{{method=\"{m}\",route=\"{r}\"}} {count}"
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
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map_or_else(
            || {
                format!(
                    "{:x}",
                    state.metrics.next_id.fetch_add(1, Ordering::Relaxed)
                )
            },
            str::to_owned,
        );
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let secs = started.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    state.metrics.record(&method, &route, status, secs);
    // Access lines at debug (RUST_LOG=equimap_server=debug) keep a busy tile server quiet;
    // server errors are always logged.
    if status >= 500 {
        tracing::warn!(request_id = %id, %method, %path, status, ms = secs * 1000.0, "request failed");
    } else {
        tracing::debug!(request_id = %id, %method, %path, status, ms = secs * 1000.0, "request");
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
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
