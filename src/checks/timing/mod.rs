//! Latency of every partner call, against the soft and hard budgets.

pub mod time_01;
pub mod time_02;

use std::sync::Arc;
use std::time::Duration;

use crate::partner::Exchange;

/// True when the exchange ran out of time without an answer.
pub fn timed_out(x: &Exchange) -> bool {
    x.error
        .as_deref()
        .is_some_and(|e| e.starts_with("timed out"))
}

pub fn slower_than(xs: &[Arc<Exchange>], limit: Duration) -> impl Iterator<Item = &Arc<Exchange>> {
    let ms = limit.as_secs_f64() * 1000.0;
    xs.iter()
        .filter(move |x| x.elapsed_ms >= ms || timed_out(x))
}

pub fn list(xs: &[&Arc<Exchange>]) -> String {
    xs.iter()
        .map(|x| format!("{} ({:.0} ms)", x.label, x.elapsed_ms))
        .collect::<Vec<_>>()
        .join("; ")
}
