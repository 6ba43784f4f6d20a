//! Latency of every partner call, against the soft and hard budgets.

pub mod time_01;
pub mod time_02;

crate::suite!(time_01, time_02);

use std::sync::Arc;
use std::time::Duration;

use crate::record::Exchange;

/// Why a timing check skips: a connection that failed says nothing about latency.
pub const NONE_ANSWERED: &str =
    "no partner call got an answer: a connection failure says nothing about latency";

/// How many calls got a response (only those show how fast the partner answers).
pub fn answered(xs: &[Arc<Exchange>]) -> usize {
    xs.iter().filter(|x| x.response.is_some()).count()
}

pub fn slower_than(xs: &[Arc<Exchange>], limit: Duration) -> impl Iterator<Item = &Arc<Exchange>> {
    let ms = limit.as_secs_f64() * 1000.0;
    // A call cut off by a shorter request timeout is not evidence of the hard limit: only the
    // time actually waited counts.
    xs.iter().filter(move |x| x.elapsed_ms >= ms)
}

pub fn list(xs: &[&Arc<Exchange>]) -> String {
    xs.iter()
        .map(|x| format!("{} ({:.0} ms)", x.label, x.elapsed_ms))
        .collect::<Vec<_>>()
        .join("; ")
}
