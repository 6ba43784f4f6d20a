//! The top of the HTML report: the pass/fail banner and the failures index (links to each failing
//! check, blocked cascades one line per cause), and the time scale under each timeline.

use std::fmt::Write as _;

use super::causes;
use super::html::esc;
use crate::record::outcome::{CheckResult, Outcome, Summary};

/// `PASS` or `FAIL` in large, with why, so the verdict is the first thing a reader sees.
pub fn banner(summary: &Summary, exit_code: u8, leftovers: usize) -> String {
    let (class, verdict, why) = match exit_code {
        0 => (
            "pass",
            "PASS",
            format!(
                "{} passed, {} skipped; nothing failed",
                checks(summary.passed),
                summary.skipped
            ),
        ),
        1 if summary.failed == 0 && summary.warned > 0 => (
            "fail",
            "FAIL",
            format!("{} warnings fail this run (--strict)", summary.warned),
        ),
        1 if summary.failed == 0 && leftovers > 0 => (
            "fail",
            "FAIL",
            format!("{leftovers} resources could not be removed"),
        ),
        1 => (
            "fail",
            "FAIL",
            format!(
                "{} failed, {} warned, {} blocked",
                checks(summary.failed),
                summary.warned,
                summary.blocked
            ),
        ),
        130 => ("fail", "STOPPED", "the run was interrupted".to_owned()),
        code => (
            "fail",
            "ERROR",
            format!("the run could not judge the add-on (exit {code})"),
        ),
    };
    format!(
        "<p class=\"banner {class}\" id=\"verdict\"><strong>{verdict}</strong> {}</p>",
        esc(&why)
    )
}

fn checks(n: usize) -> String {
    format!("{n} {}", if n == 1 { "check" } else { "checks" })
}

/// Links to every failure, warning and error, and one line per blocked cause.
pub fn failures_index(results: &[CheckResult]) -> String {
    let findings: Vec<&CheckResult> = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error))
        .collect();
    let blocked = causes::blockages(results);
    if findings.is_empty() && blocked.is_empty() {
        return String::new();
    }
    let mut html = String::from("<nav id=\"failures\"><h2>Failures</h2><ol>");
    for r in findings {
        let _ = write!(
            html,
            "<li class=\"{class}\"><a href=\"#check-{id}\">{id}</a> <span class=\"badge\">{label}</span> \
             [{level}] {title} <span class=\"message\">— {msg}</span></li>",
            class = r.outcome.label().to_lowercase(),
            id = esc(&r.id),
            label = r.outcome.label(),
            level = r.level,
            title = esc(&r.title),
            msg = esc(&r.message),
        );
    }
    html.push_str("</ol>");
    if !blocked.is_empty() {
        html.push_str("<ul class=\"blocked\">");
        for b in &blocked {
            let link =
                b.by.as_ref()
                    .filter(|by| results.iter().any(|r| &r.id == *by))
                    .map(|by| format!(" (<a href=\"#check-{0}\">{0}</a>)", esc(by)))
                    .unwrap_or_default();
            let _ = write!(html, "<li>{}{link}</li>", esc(&b.line()));
        }
        html.push_str("</ul>");
    }
    html.push_str("</nav>");
    html
}

/// A round step for `span` ms giving about four to eight ticks.
fn tick_step(span: f64) -> f64 {
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
        .max(1.0)
}

fn tick_label(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0).replace(".0 s", " s")
    } else {
        format!("{ms:.0} ms")
    }
}

/// The time scale row under a timeline spanning `span` ms.
pub fn time_scale(span: f64) -> String {
    let step = tick_step(span);
    let mut html = String::from(
        "<div class=\"row scale\"><span class=\"label\">time since the first call</span>\
         <span class=\"track scale\">",
    );
    let mut t = 0.0;
    while t <= span + 0.5 {
        let _ = write!(
            html,
            "<span class=\"tick\" style=\"left:{:.1}%\">{}</span>",
            t / span * 100.0,
            tick_label(t)
        );
        t += step;
    }
    html.push_str("</span></div>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::causes::tests::result;

    #[test]
    fn the_banner_says_pass_or_fail_and_why() {
        let s = Summary {
            passed: 3,
            failed: 1,
            ..Summary::default()
        };
        assert!(banner(&s, 1, 0).contains("<strong>FAIL</strong> 1 check failed"));
        assert!(banner(&Summary::default(), 0, 0).contains("class=\"banner pass\""));
        assert!(banner(&s, 3, 0).contains("ERROR"));
    }

    #[test]
    fn the_index_links_failures_and_folds_blocked_checks() {
        let why = "prerequisite PROV-02 did not pass (fail)";
        let results = vec![
            result("PROV-02", Outcome::Fail, "answered 500"),
            result("A-01", Outcome::Blocked, why),
            result("A-02", Outcome::Blocked, why),
            result("A-03", Outcome::Pass, "ok"),
        ];
        let html = failures_index(&results);
        assert!(
            html.contains("<a href=\"#check-PROV-02\">PROV-02</a>"),
            "{html}"
        );
        assert!(html.contains("2 checks blocked by PROV-02"), "{html}");
        assert!(!html.contains("A-03"), "{html}");
        assert!(failures_index(&results[3..]).is_empty());
    }

    #[test]
    fn the_scale_has_round_ticks_across_the_span() {
        let html = time_scale(2300.0);
        assert!(
            html.contains(">0 ms<") && html.contains(">500 ms<") && html.contains(">2 s<"),
            "{html}"
        );
        assert_eq!(tick_step(10.0), 2.0);
        assert_eq!(tick_step(60_000.0), 20_000.0);
    }
}
