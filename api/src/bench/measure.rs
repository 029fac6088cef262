//! Driving a workload at a fixed concurrency for a fixed time and measuring it: throughput,
//! latency percentiles (HdrHistogram) and errors. Used alike for calls over HTTP and for the
//! database's own limit, so the two are comparable.

use std::future::Future;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Measured {
    pub operations: u64,
    pub errors: u64,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// The first error seen, to say what went wrong.
    pub first_error: Option<String>,
}

/// One worker's loop: `step` runs one operation (which may time several calls itself by
/// returning their latencies) until the deadline. Setting up (`prepare`) is not measured.
pub async fn run<W, P, PF, S, SF>(concurrency: usize, duration: Duration, prepare: P, step: S) -> Measured
where
    W: Send + 'static,
    P: Fn(usize) -> PF,
    PF: Future<Output = W>,
    S: Fn(W, u64) -> SF + Send + Sync + Clone + 'static,
    SF: Future<Output = (W, Vec<Result<Duration, String>>)> + Send,
{
    let mut workers = Vec::with_capacity(concurrency);
    for n in 0..concurrency {
        workers.push(prepare(n).await);
    }
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = workers
        .into_iter()
        .map(|worker| {
            let step = step.clone();
            tokio::spawn(async move {
                let mut histogram =
                    Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds are valid");
                let (mut errors, mut first_error) = (0u64, None);
                let mut worker = worker;
                let mut iteration = 0;
                while Instant::now() < deadline {
                    let (next, outcomes) = step(worker, iteration).await;
                    worker = next;
                    iteration += 1;
                    for outcome in outcomes {
                        match outcome {
                            Ok(took) => {
                                let _ = histogram.record(u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1));
                            }
                            Err(error) => {
                                errors += 1;
                                first_error.get_or_insert(error);
                            }
                        }
                    }
                }
                (histogram, errors, first_error)
            })
        })
        .collect();
    let mut total = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds are valid");
    let (mut errors, mut first_error) = (0, None);
    for task in tasks {
        if let Ok((histogram, failed, error)) = task.await {
            let _ = total.add(&histogram);
            errors += failed;
            if first_error.is_none() {
                first_error = error;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let ms = |q: f64| total.value_at_quantile(q) as f64 / 1000.0;
    Measured {
        operations: total.len() + errors,
        errors,
        seconds,
        per_second: (total.len() + errors) as f64 / seconds,
        p50_ms: ms(0.50),
        p95_ms: ms(0.95),
        p99_ms: ms(0.99),
        first_error,
    }
}

/// Times one future.
pub async fn timed<T, E: std::fmt::Display>(
    call: impl Future<Output = Result<T, E>>,
) -> (Option<T>, Result<Duration, String>) {
    let start = Instant::now();
    match call.await {
        Ok(value) => (Some(value), Ok(start.elapsed())),
        Err(error) => (None, Err(error.to_string())),
    }
}
