//! Latency of every partner call, against the soft and hard budgets.

pub mod time_01;
pub mod time_02;

crate::suite!(time_01, time_02);

use std::sync::Arc;
use std::time::Duration;

use crate::record::Exchange;
use crate::record::outcome::EndpointLatency;

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

/// The endpoints latency is reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    Provision,
    PlanChange,
    Deprovision,
    Sso,
}

impl Endpoint {
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Provision => "provision",
            Endpoint::PlanChange => "plan_change",
            Endpoint::Deprovision => "deprovision",
            Endpoint::Sso => "sso",
        }
    }

    /// The endpoint of a call, by its method and URL against the Partner API's `base`: the
    /// resources collection and its members, and everything else (sso_url, the legacy GET
    /// login, dashboards reached by redirect) is SSO.
    pub fn of(x: &Exchange, base: &str) -> Self {
        let base = base.trim_end_matches('/');
        let url = x.request.url.as_str();
        let member = url
            .strip_prefix(base)
            .filter(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'));
        match (x.request.method.as_str(), member) {
            ("POST", Some(rest)) if rest.is_empty() || rest.starts_with('?') => Endpoint::Provision,
            ("PUT", Some(_)) => Endpoint::PlanChange,
            ("DELETE", Some(_)) => Endpoint::Deprovision,
            _ => Endpoint::Sso,
        }
    }
}

/// Count, p50, p95 and max per endpoint of the calls that got an answer (a connection that
/// failed measured no latency), in endpoint order.
pub fn per_endpoint(xs: &[Arc<Exchange>], base: &str) -> Vec<EndpointLatency> {
    let mut by: std::collections::BTreeMap<Endpoint, Vec<f64>> = Default::default();
    for x in xs.iter().filter(|x| x.response.is_some()) {
        by.entry(Endpoint::of(x, base))
            .or_default()
            .push(x.elapsed_ms);
    }
    by.into_iter()
        .map(|(endpoint, mut ms)| {
            ms.sort_by(f64::total_cmp);
            // Nearest rank: the smallest value with at least q of the calls at or below it.
            let rank = |q: f64| ms[((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
            EndpointLatency {
                endpoint: endpoint.name().to_owned(),
                count: ms.len(),
                p50_ms: rank(0.5),
                p95_ms: rank(0.95),
                max_ms: ms[ms.len() - 1],
            }
        })
        .collect()
}

/// One line per endpoint: `provision: 12 calls, p50 3 ms, p95 9 ms, max 11 ms`.
pub fn describe(figures: &[EndpointLatency]) -> String {
    figures
        .iter()
        .map(|f| {
            format!(
                "{}: {} calls, p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
                f.endpoint, f.count, f.p50_ms, f.p95_ms, f.max_ms
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Measures the run's calls per endpoint for the check's result; the summary line.
pub fn measure(cx: &crate::check::CheckCtx<'_>, xs: &[Arc<Exchange>]) -> String {
    let base = cx
        .config()
        .base_url
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let figures = per_endpoint(xs, &base);
    let line = describe(&figures);
    if !figures.is_empty() {
        cx.measured(figures);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::exchange::{Credentials, RequestRecord, ResponseRecord};

    fn call(method: &str, url: &str, ms: f64, answered: bool) -> Arc<Exchange> {
        Arc::new(Exchange {
            seq: 1,
            label: "x".into(),
            started_ms: 0,
            elapsed_ms: ms,
            request: RequestRecord {
                method: method.into(),
                url: url.into(),
                headers: vec![],
                credentials: Credentials::Manifest,
                body: None,
            },
            response: answered.then(|| ResponseRecord {
                status: 200,
                headers: vec![],
                body: String::new(),
                body_bytes: 0,
                body_truncated: false,
            }),
            error: None,
        })
    }

    #[test]
    fn figures_per_endpoint_with_nearest_rank_percentiles() {
        let base = "http://127.0.0.1:9/heroku/resources";
        let mut xs: Vec<_> = (1..=20)
            .map(|i| call("POST", base, f64::from(i), true))
            .collect();
        xs.push(call("PUT", &format!("{base}/u1"), 7.0, true));
        xs.push(call("DELETE", &format!("{base}/u1"), 5.0, true));
        xs.push(call("DELETE", &format!("{base}/u2"), 99.0, false));
        xs.push(call("POST", "http://127.0.0.1:9/sso/login", 3.0, true));
        xs.push(call("GET", &format!("{base}/u1?token=t"), 4.0, true));
        let f = per_endpoint(&xs, base);
        let names: Vec<_> = f.iter().map(|e| e.endpoint.as_str()).collect();
        assert_eq!(names, ["provision", "plan_change", "deprovision", "sso"]);
        assert_eq!(
            (f[0].count, f[0].p50_ms, f[0].p95_ms, f[0].max_ms),
            (20, 10.0, 19.0, 20.0)
        );
        // The failed connection measured nothing.
        assert_eq!((f[2].count, f[2].max_ms), (1, 5.0));
        assert_eq!((f[3].count, f[3].max_ms), (2, 4.0));
        assert!(describe(&f).starts_with("provision: 20 calls, p50 10 ms, p95 19 ms, max 20 ms"));
    }
}
