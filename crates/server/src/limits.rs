//! The bound on expensive requests (site reports and custom areas).
//!
//! Two owned semaphore permits travel with each job: one of `concurrent + queue` admission
//! places, taken without waiting (none left: a 503 with `Retry-After`), and one of `concurrent`
//! running places, waited for until the timeout. Both move into the blocking task and are
//! released only when the job itself ends, so a client that gives up (or times out) never frees a
//! place while its job still runs: the number running never exceeds `concurrent`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::ApiError;

/// Bounds on expensive requests. Shared across reloads, so jobs started before a reload still
/// count against the same limit.
pub struct Limits {
    admission: Arc<Semaphore>,
    running_places: Arc<Semaphore>,
    running: Arc<AtomicU64>,
    concurrent: usize,
    places: usize,
    /// Longest a request may wait for its answer, queue included.
    pub timeout: Duration,
}

/// The permits a running job holds; dropped (places freed) when the job ends.
struct Held {
    _admitted: OwnedSemaphorePermit,
    _running: OwnedSemaphorePermit,
    count: Arc<AtomicU64>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Limits {
    /// `concurrent` jobs at once (at least 1), `queue` more waiting, each answered within
    /// `timeout`.
    pub fn new(concurrent: usize, queue: u64, timeout: Duration) -> Self {
        let concurrent = concurrent.clamp(1, Semaphore::MAX_PERMITS / 2);
        let queue = usize::try_from(queue)
            .unwrap_or(usize::MAX)
            .min(Semaphore::MAX_PERMITS / 2);
        Self {
            admission: Arc::new(Semaphore::new(concurrent + queue)),
            running_places: Arc::new(Semaphore::new(concurrent)),
            running: Arc::new(AtomicU64::new(0)),
            concurrent,
            places: concurrent + queue,
            timeout,
        }
    }

    /// Jobs running now (never more than [`Limits::concurrent`]).
    pub fn running(&self) -> u64 {
        self.running.load(Ordering::Acquire)
    }

    /// Jobs running or waiting now.
    pub fn in_flight(&self) -> u64 {
        (self.places - self.admission.available_permits()) as u64
    }

    /// The most jobs run at once.
    pub fn concurrent(&self) -> usize {
        self.concurrent
    }

    /// Run an expensive job: beyond the queue, or past the timeout, a 503 with `Retry-After`.
    /// A job past the timeout runs on to its end holding its place; only its answer is dropped.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let deadline = Instant::now() + self.timeout;
        let admitted = self.admit()?;
        let running = self.wait_for_a_place(deadline).await?;
        let held = Held {
            _admitted: admitted,
            _running: running,
            count: self.running.clone(),
        };
        self.running.fetch_add(1, Ordering::AcqRel);
        let task = tokio::task::spawn_blocking(move || {
            let out = job();
            drop(held);
            out
        });
        match tokio::time::timeout_at(deadline.into(), task).await {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(e)) => Err(ApiError::Internal(format!("the report failed: {e}"))),
            Err(_) => Err(self.too_slow()),
        }
    }

    fn admit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.admission.clone().try_acquire_owned().map_err(|_| {
            ApiError::Busy(format!(
                "{} site reports are already running or queued; try again shortly",
                self.places
            ))
        })
    }

    async fn wait_for_a_place(&self, deadline: Instant) -> Result<OwnedSemaphorePermit, ApiError> {
        match tokio::time::timeout_at(deadline.into(), self.running_places.clone().acquire_owned())
            .await
        {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(ApiError::Internal(format!(
                "the site report queue is closed: {closed}"
            ))),
            Err(_) => Err(self.too_slow()),
        }
    }

    fn too_slow(&self) -> ApiError {
        ApiError::Busy(format!(
            "the request took longer than {} s",
            self.timeout.as_secs_f64()
        ))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(2, 16, Duration::from_secs(20))
    }
}
