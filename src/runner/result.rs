//! Turns a check's verdict into a reported result: level mapping, redaction, evidence.

use crate::catalogue::{Catalogue, Level};
use crate::check::{Check, Pass, Stop, Verdict};
use crate::record::outcome::{CheckResult, Evidence, Outcome, RootCause};

use super::{PlannedCheck, PlannedSuite, RunCtx};

pub(super) fn finish(
    ctx: &RunCtx,
    catalogue: Option<&Catalogue>,
    suite: &PlannedSuite,
    planned: &PlannedCheck,
    verdict: Verdict,
    first_seq: u64,
    duration_ms: f64,
) -> CheckResult {
    let check: &Check = planned.check;
    let requirement = catalogue.and_then(|c| c.requirement(check.requirement));
    // Redacted, and with control characters escaped: a partner's text must not drive a terminal.
    let red = |s: &str| crate::redact::sanitize(&ctx.redactor.text(s));
    let mut evidence = Evidence::default();
    // The level shown is the one that produced the outcome (a SHOULD check can find a MUST
    // breach and the other way round); a verdict without a finding shows the check's own.
    let mut level = check.level;
    let mut blocked_by = None;
    let (outcome, message) = match verdict {
        Ok(Pass(note)) => (Outcome::Pass, note.unwrap_or_else(|| "ok".to_owned())),
        Err(Stop::Skip(why)) => (Outcome::Skip, why),
        Err(Stop::Blocked(b)) => {
            blocked_by = b.cause.map(|c| RootCause {
                text: red(&c.text),
                id: c.id,
            });
            (Outcome::Blocked, b.why)
        }
        Err(Stop::Error(why)) => (Outcome::Error, why),
        Err(Stop::Interrupted(what)) => (Outcome::Blocked, interrupted_message(&what)),
        Err(Stop::Violated(f)) => {
            level = f.level.unwrap_or(check.level);
            let outcome = match level {
                Level::Must => Outcome::Fail,
                Level::Should => Outcome::Warn,
                Level::May => Outcome::Pass,
            };
            // The exchanges the finding cites come first, in the order it cites them (the one
            // that shows the violation first); then the check's other traffic, in order.
            let mut others: Vec<_> = if first_seq > 0 {
                ctx.journal
                    .since_for(first_seq, check.id)
                    .into_iter()
                    .filter(|x| !f.exchanges.iter().any(|e| e.seq == x.seq))
                    .collect()
            } else {
                Vec::new()
            };
            others.sort_by_key(|x| x.seq);
            let mut exchanges = f.exchanges.clone();
            exchanges.extend(others);
            evidence = Evidence {
                expected: Some(red(&f.expected)),
                observed: Some(red(&f.observed)),
                location: f.location.as_deref().map(red),
                hint: f.hint.as_deref().map(red),
                // Reproduce the exchange the finding cites first; a finding that cites only
                // callbacks (or none, on the platform's side) has no partner request to repeat.
                curl: match f.exchanges.first() {
                    Some(x) => Some(red(&x.curl())),
                    None if f.platform_only || !f.inbound.is_empty() => None,
                    None => exchanges.last().map(|x| red(&x.curl())),
                },
                exchanges,
                inbound: f.inbound.clone(),
            };
            (outcome, f.observed.clone())
        }
    };
    CheckResult {
        id: check.id.to_owned(),
        suite: suite.suite.name.clone(),
        title: check.title.to_owned(),
        requirement: check.requirement.to_owned(),
        requirement_text: requirement.map(|r| r.statement.clone()).unwrap_or_default(),
        level,
        outcome,
        message: red(&message),
        doc: match (catalogue, requirement) {
            (Some(c), Some(r)) => c.doc_url(r).to_owned(),
            _ => String::new(),
        },
        duration_ms,
        evidence,
        blocked_by,
        partner_log: Vec::new(),
        latency: ctx.take_latency(check.id),
    }
}

/// The message of a check the run's interrupt stopped while it waited (reported as blocked).
pub(crate) fn interrupted_message(waiting_for: &str) -> String {
    format!("interrupted: the run was stopped while this check waited for {waiting_for}")
}
