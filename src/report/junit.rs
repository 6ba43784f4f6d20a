//! The JUnit XML report (`--report-junit`): one testsuite per suite, one testcase per check.
//! fail → `<failure>`, error → `<error>`, skip and blocked → `<skipped>` with the reason; the
//! message is the observed line and the body the failure block without colour. A warning is a
//! passing testcase whose block goes to `<system-out>` (a `<failure>` under `--strict`).
//! Leftovers of the cleanup are a failing `cleanup` testcase.

use crate::launch::LogLine;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::file::Document;
use super::terminal::failure_block;
use crate::record::events::Event;
use crate::record::ledger::Entry;
use crate::record::outcome::{CheckResult, Outcome};

#[derive(Default)]
pub struct JunitReport {
    /// Warnings fail (`--strict`).
    pub strict: bool,
    notes: Vec<String>,
    suites: Vec<TestSuite>,
    leftovers: Option<Vec<Entry>>,
    stopped: Option<String>,
}

impl JunitReport {
    pub fn new(strict: bool) -> Self {
        Self {
            strict,
            ..Self::default()
        }
    }

    fn case(&self, r: &CheckResult) -> TestCase {
        let observed = match (&r.evidence.observed, &r.evidence.location) {
            (Some(o), Some(l)) => format!("{o} (at {l})"),
            (Some(o), None) => o.clone(),
            (None, _) => r.message.clone(),
        };
        let observed = xml_text(&observed);
        let block = xml_text(&failure_block(r));
        let non_success = |kind, ty: &str| {
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(observed.as_str())
                .set_type(ty)
                .set_description(block.as_str());
            s
        };
        let status = match r.outcome {
            Outcome::Pass => TestCaseStatus::success(),
            Outcome::Warn if !self.strict => TestCaseStatus::success(),
            Outcome::Warn => non_success(NonSuccessKind::Failure, "SHOULD"),
            Outcome::Fail => non_success(NonSuccessKind::Failure, "MUST"),
            Outcome::Error => non_success(NonSuccessKind::Error, "harness error"),
            Outcome::Skip | Outcome::Blocked => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(xml_text(&r.message))
                    .set_type(r.outcome.label().to_lowercase());
                s
            }
        };
        let mut case = TestCase::new(xml_text(&format!("{} {}", r.id, r.title)), status);
        case.set_classname(xml_text(&format!("addon-conformance.{}", r.suite)))
            .set_time(Duration::from_secs_f64(r.duration_ms.max(0.0) / 1000.0));
        if r.outcome == Outcome::Warn && !self.strict {
            case.set_system_out(block.as_str());
        }
        if !r.partner_log.is_empty() {
            let log: Vec<String> = r.partner_log.iter().map(LogLine::display).collect();
            case.set_system_err(log.join("\n"));
        }
        case
    }

    fn cleanup_suite(&self, leftovers: &[Entry]) -> TestSuite {
        let status = if leftovers.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut body = String::new();
            for l in leftovers {
                body.push_str(&xml_text(&format!("{}\n", l.leftover_line())));
            }
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!(
                "{} resources could not be removed",
                leftovers.len()
            ))
            .set_type("leftovers")
            .set_description(body);
            s
        };
        let mut suite = TestSuite::new("cleanup");
        let mut case = TestCase::new("every provisioned resource is removed", status);
        case.set_classname("addon-conformance.cleanup");
        suite.add_test_case(case);
        suite
    }
}

/// Characters XML 1.0 cannot hold at all (most control characters, surrogates, U+FFFE and
/// U+FFFF) are written as `\u{..}` text, so a partner's body cannot make the file invalid.
pub fn xml_text(text: &str) -> String {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    if text.chars().all(allowed) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if allowed(c) {
                c.to_string()
            } else {
                format!("\\u{{{:04x}}}", c as u32)
            }
        })
        .collect()
}

impl Document for JunitReport {
    fn apply(&mut self, event: &Event) {
        match event {
            Event::Note { text } => self.notes.push(text.clone()),
            Event::SuiteStarted { name, .. } => self.suites.push(TestSuite::new(xml_text(name))),
            Event::CheckFinished { result } => {
                let case = self.case(result);
                if let Some(suite) = self.suites.last_mut() {
                    suite.add_test_case(case);
                }
            }
            Event::Stopped { reason } => self.stopped = Some(reason.clone()),
            Event::Cleanup { leftovers, .. } => self.leftovers = Some(leftovers.clone()),
            Event::RunStarted { .. }
            | Event::CheckStarted { .. }
            | Event::Waiting { .. }
            | Event::WaitingFor { .. }
            | Event::Exchange { .. }
            | Event::Traffic { .. }
            | Event::RunFinished { .. } => {}
        }
    }

    fn render(&self) -> Result<Vec<u8>, String> {
        let mut report = Report::new("addon-conformance");
        let mut suites = self.suites.clone();
        suites.retain(|s| !s.test_cases.is_empty());
        for suite in &mut suites {
            let time = suite.test_cases.iter().filter_map(|c| c.time).sum();
            suite.set_time(time);
        }
        // Run-wide notes (overrides, --insecure, why the run stopped) go on the first suite.
        if let Some(first) = suites.first_mut() {
            for note in self.notes.iter().chain(&self.stopped) {
                first.add_property(("note", xml_text(note).as_str()));
            }
        }
        if let Some(leftovers) = &self.leftovers {
            suites.push(self.cleanup_suite(leftovers));
        }
        report.add_test_suites(suites);
        report
            .to_string()
            .map(String::into_bytes)
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Level;
    use crate::record::outcome::{Evidence, Summary};

    fn result(id: &str, outcome: Outcome, message: &str) -> CheckResult {
        CheckResult {
            id: id.into(),
            suite: "provision".into(),
            title: "a check".into(),
            requirement: id.into(),
            requirement_text: "text".into(),
            level: Level::Must,
            outcome,
            message: message.into(),
            doc: String::new(),
            duration_ms: 2.0,
            evidence: Evidence {
                observed: Some(message.into()),
                location: Some("status".into()),
                ..Evidence::default()
            },
            blocked_by: None,
            partner_log: Vec::new(),
            latency: None,
        }
    }

    fn xml(strict: bool, results: &[CheckResult], leftovers: Vec<Entry>) -> String {
        let mut events = vec![Event::SuiteStarted {
            name: "provision".into(),
            title: "Provisioning".into(),
        }];
        for r in results {
            events.push(Event::CheckFinished {
                result: Box::new(r.clone()),
            });
        }
        events.push(Event::Cleanup {
            billable_provisions: 1,
            leftovers,
        });
        events.push(Event::RunFinished {
            summary: Summary::default(),
            exit_code: 1,
        });
        let bytes = super::super::file::render(JunitReport::new(strict), &events).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn characters_xml_cannot_hold_are_written_as_text() {
        let body = "bad \u{fffe}\u{ffff}\u{1}\u{1b} end";
        let x = xml(
            false,
            &[
                result("PROV-01", Outcome::Fail, body),
                result("PROV-02", Outcome::Warn, body),
            ],
            Vec::new(),
        );
        let invalid = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
        assert!(!x.chars().any(invalid), "{x}");
        assert!(!x.contains("&#x1") && !x.contains("&#1"), "{x}");
        assert!(
            x.contains("bad \\u{fffe}\\u{ffff}\\u{0001}\\u{001b} end"),
            "{x}"
        );
    }

    #[test]
    fn outcomes_map_to_junit_elements() {
        let x = xml(
            false,
            &[
                result("A-01", Outcome::Fail, "status 500"),
                result("A-02", Outcome::Error, "harness broke"),
                result("A-03", Outcome::Skip, "needs a plan"),
                result("A-04", Outcome::Blocked, "prerequisite A-01 failed"),
                result("A-05", Outcome::Warn, "slow"),
            ],
            Vec::new(),
        );
        assert!(
            x.contains(r#"<failure message="status 500 (at status)" type="MUST">FAIL A-01"#),
            "{x}"
        );
        assert!(
            x.contains(r#"<error message="harness broke (at status)""#),
            "{x}"
        );
        assert!(
            x.contains(r#"<skipped message="needs a plan" type="skip"/>"#),
            "{x}"
        );
        assert!(x.contains(r#"<skipped message="prerequisite A-01 failed" type="blocked"/>"#));
        assert!(x.contains("<system-out>WARN A-05"), "{x}");
        let strict = xml(true, &[result("A-05", Outcome::Warn, "slow")], Vec::new());
        assert!(strict.contains(r#"type="SHOULD">WARN A-05"#), "{strict}");
    }

    #[test]
    fn leftovers_fail_the_cleanup_case_with_a_curl_line() {
        let x = xml(
            false,
            &[],
            vec![Entry::new("u-1", "provision primary", true)],
        );
        assert!(
            x.contains(r#"message="1 resources could not be removed""#),
            "{x}"
        );
        assert!(x.contains("curl -sS -X DELETE"), "{x}");
        assert!(
            !x.contains(r#"<testsuite name="provision""#),
            "empty suites are left out"
        );
    }
}
