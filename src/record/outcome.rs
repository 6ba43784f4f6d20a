//! What checks conclude, and the report data built from it. Failures are data, not errors.

use std::sync::Arc;

use serde::Serialize;

use crate::catalogue::Level;
use crate::record::Exchange;
use crate::record::Inbound;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    /// A MUST was broken.
    Fail,
    /// A SHOULD was broken.
    Warn,
    Skip,
    /// A prerequisite failed.
    Blocked,
    /// The harness could not judge.
    Error,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Warn => "WARN",
            Outcome::Skip => "SKIP",
            Outcome::Blocked => "BLOCKED",
            Outcome::Error => "ERROR",
        }
    }
}

/// A broken requirement, with its evidence.
#[derive(Debug, Clone, Default)]
pub struct Finding {
    /// Overrides the check's level (a SHOULD check may find a MUST-level breach, e.g. a 5xx).
    pub level: Option<Level>,
    pub expected: String,
    pub observed: String,
    /// Where: `status`, `header Content-Type`, a JSON pointer such as `/config/X_URL`.
    pub location: Option<String>,
    pub hint: Option<String>,
    /// Exchanges made before the check that belong to the evidence (e.g. the shared provision).
    pub exchanges: Vec<Arc<Exchange>>,
    /// Callbacks the platform received that belong to the evidence.
    pub inbound: Vec<Arc<Inbound>>,
    /// The violation shows on the platform's side only (a callback that never came): no
    /// request to the partner reproduces it, so the report gives no curl.
    pub platform_only: bool,
}

impl Finding {
    pub fn new(expected: impl Into<String>, observed: impl Into<String>) -> Self {
        Self {
            expected: expected.into(),
            observed: observed.into(),
            ..Self::default()
        }
    }

    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn level(mut self, level: Level) -> Self {
        self.level = Some(level);
        self
    }

    /// Marks a violation no partner request reproduces (see `platform_only`).
    pub fn platform_only(mut self) -> Self {
        self.platform_only = true;
        self
    }

    pub fn inbound(mut self, calls: &[Arc<Inbound>]) -> Self {
        for c in calls {
            if !self.inbound.iter().any(|x| x.seq == c.seq) {
                self.inbound.push(c.clone());
            }
        }
        self
    }

    pub fn exchange(mut self, exchange: &Arc<Exchange>) -> Self {
        if !self.exchanges.iter().any(|x| x.seq == exchange.seq) {
            self.exchanges.push(exchange.clone());
        }
        self
    }
}

/// The evidence of a result, as reported.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curl: Option<String>,
    pub exchanges: Vec<Arc<Exchange>>,
    /// Callbacks the platform received, as evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inbound: Vec<Arc<Inbound>>,
}

/// What blocks a cascade of checks: the check that failed (`PROV-02`) or a condition of the run
/// (`partner-gone`), with one text every check it blocks shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootCause {
    pub id: String,
    pub text: String,
}

impl RootCause {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            text: text.into(),
        }
    }
}

/// One check's result, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub id: String,
    pub suite: String,
    pub title: String,
    pub requirement: String,
    pub requirement_text: String,
    pub level: Level,
    pub outcome: Outcome,
    pub message: String,
    pub doc: String,
    pub duration_ms: f64,
    pub evidence: Evidence,
    /// For a blocked check, the root cause it shares with the others it blocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<RootCause>,
    /// What the add-on printed while the check ran, when the harness started it (redacted).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partner_log: Vec<crate::record::partner_log::LogLine>,
    /// Latency per endpoint (the timing checks): count, p50, p95 and max of the calls that got
    /// an answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<Vec<EndpointLatency>>,
}

/// The latency of one kind of partner call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointLatency {
    /// `provision`, `plan_change`, `deprovision` or `sso`.
    pub endpoint: String,
    pub count: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub warned: usize,
    pub skipped: usize,
    pub blocked: usize,
    pub errors: usize,
}

impl Summary {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail => self.failed += 1,
            Outcome::Warn => self.warned += 1,
            Outcome::Skip => self.skipped += 1,
            Outcome::Blocked => self.blocked += 1,
            Outcome::Error => self.errors += 1,
        }
    }

    /// Checks that actually ran to a verdict on the partner.
    pub fn executed(&self) -> usize {
        self.passed + self.failed + self.warned
    }
}
