//! The terminal report: one line per check as it finishes (checks blocked by a root cause are
//! collapsed to one line per cause), then a block per failure and warning, then the summary.

use std::io::Write;

use crate::record::cut;
use crate::record::events::{Event, EventSink};
use crate::record::outcome::{CheckResult, Outcome, RootCause};

/// Characters of a request or response body shown in a failure block.
const BODY_EXCERPT: usize = 600;

pub struct TerminalReporter<W: Write + Send> {
    out: W,
    color: bool,
    /// Show the running check on one line that the next line overwrites (terminals only).
    progress: bool,
    /// A progress line is on screen and must be cleared before the next output.
    progress_shown: bool,
    /// Title of the running check, for progress lines.
    running: String,
    findings: Vec<CheckResult>,
    /// Checks blocked by a root cause, per cause in order of first appearance.
    cascades: Vec<(RootCause, Vec<String>)>,
    /// Under GitHub Actions: no line may start a workflow command (`::`).
    github: bool,
}

impl<W: Write + Send> TerminalReporter<W> {
    pub fn new(out: W, color: bool) -> Self {
        Self {
            out,
            color,
            progress: false,
            progress_shown: false,
            running: String::new(),
            findings: Vec::new(),
            cascades: Vec::new(),
            github: false,
        }
    }

    /// Under GitHub Actions, partner text that would start a line with `::` (a workflow command
    /// such as `::add-mask::` or `::error`) is defused.
    pub fn with_github(mut self, github: bool) -> Self {
        self.github = github;
        self
    }

    /// Shows which check is running while waiting on the partner; for terminals only.
    pub fn with_progress(mut self, progress: bool) -> Self {
        self.progress = progress;
        self
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn outcome(&self, o: Outcome) -> String {
        let code = match o {
            Outcome::Pass => "32",
            Outcome::Fail | Outcome::Error => "1;31",
            Outcome::Warn => "33",
            Outcome::Skip | Outcome::Blocked => "2",
        };
        self.paint(code, &format!("{:<7}", o.label()))
    }

    fn write(&mut self, text: &str) {
        if std::mem::take(&mut self.progress_shown) {
            let _ = self.out.write_all(b"\r\x1b[K");
        }
        let text = if self.github {
            super::github::defuse_commands(text)
        } else {
            text.to_owned()
        };
        // A closed pipe (e.g. `| head`) is not worth failing the run for.
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }
}

impl<W: Write + Send> TerminalReporter<W> {
    /// One line per root cause: how many checks it blocked, which, and why.
    fn cascade_lines(&mut self) -> String {
        let cascades = std::mem::take(&mut self.cascades);
        let mut text = String::new();
        for (cause, ids) in &cascades {
            let shown: Vec<&str> = ids.iter().take(CASCADE_IDS).map(String::as_str).collect();
            let more = match ids.len().saturating_sub(CASCADE_IDS) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let checks = if ids.len() == 1 { "check" } else { "checks" };
            text.push_str(&format!(
                "\n{} {} {checks} blocked by {}: {} ({}{more})",
                self.outcome(Outcome::Blocked),
                ids.len(),
                cause.id,
                cause.text,
                shown.join(", ")
            ));
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }
}

/// Check IDs a cascade line names before "and N more".
const CASCADE_IDS: usize = 6;

/// The failure block of one result, without colour.
pub fn failure_block(r: &CheckResult) -> String {
    let e = &r.evidence;
    let mut s = format!("{} {} [{}] {}\n", r.outcome.label(), r.id, r.level, r.title);
    let mut row = |name: &str, value: &str| {
        for (i, line) in value.lines().enumerate() {
            let label = if i == 0 { name } else { "" };
            s.push_str(&format!("  {label:<12} {line}\n"));
        }
    };
    row(
        "requirement",
        &format!("{}: {}", r.requirement, r.requirement_text),
    );
    if let Some(x) = &e.expected {
        row("expected", x);
    }
    let observed = match (&e.observed, &e.location) {
        (Some(o), Some(l)) => format!("{o} (at {l})"),
        (Some(o), None) => o.clone(),
        (None, _) => r.message.clone(),
    };
    row("observed", &observed);
    for x in &e.exchanges {
        row(
            "exchange",
            &format!("#{} {}: {}", x.seq, x.label, x.summary()),
        );
        if let Some(body) = &x.request.body {
            row("  request", &cut(body.clone(), BODY_EXCERPT));
        }
        if let Some(resp) = &x.response
            && !resp.body.is_empty()
        {
            row("  response", &cut(resp.body.clone(), BODY_EXCERPT));
        }
    }
    for i in &e.inbound {
        row(
            "inbound",
            &format!("#{} at {} ms: {}", i.seq, i.at_ms, i.summary()),
        );
    }
    if let Some(h) = &e.hint {
        row("hint", h);
    }
    if !r.doc.is_empty() {
        row("docs", &r.doc);
    }
    if let Some(c) = &e.curl {
        row("reproduce", c);
    }
    s
}

impl<W: Write + Send> EventSink for TerminalReporter<W> {
    fn emit(&mut self, event: &Event) {
        match event {
            Event::RunStarted {
                addon,
                target,
                suites,
                checks,
                ..
            } => {
                let line = format!(
                    "addon-conformance: {addon} at {target} ({suites} suites, {checks} checks)\n"
                );
                self.write(&line);
            }
            Event::Note { text } => {
                let line = format!("note: {text}\n");
                self.write(&line);
            }
            Event::SuiteStarted { name, title } => {
                let line = format!("\n{} ({name})\n", self.paint("1", title));
                self.write(&line);
            }
            Event::CheckStarted { id, title, .. } => {
                if self.progress {
                    let line = format!("  {} {id:<20} {title} …", self.paint("2", "RUNNING"));
                    self.write(&line);
                    self.progress_shown = true;
                    self.running = title.clone();
                }
            }
            Event::Waiting { id, elapsed_ms } => {
                if self.progress {
                    let line = format!(
                        "  {} {id:<20} {} … waiting {} s",
                        self.paint("2", "RUNNING"),
                        self.running,
                        elapsed_ms / 1000
                    );
                    self.write(&line);
                    self.progress_shown = true;
                }
            }
            Event::Traffic { .. } => {}
            Event::Stopped { reason } => {
                let line = format!(
                    "\n{}: {reason}; the remaining checks do not run, cleanup follows\n",
                    self.paint("1;33", "stopped")
                );
                self.write(&line);
            }
            Event::CheckFinished { result } if result.blocked_by.is_some() => {
                if let Some(cause) = &result.blocked_by {
                    match self.cascades.iter_mut().find(|(c, _)| c.id == cause.id) {
                        Some((_, ids)) => ids.push(result.id.clone()),
                        None => self.cascades.push((cause.clone(), vec![result.id.clone()])),
                    }
                }
                // Clears a progress line; the cascade is said once, after the last check.
                self.write("");
            }
            Event::CheckFinished { result } => {
                let line = format!(
                    "  {} {:<20} {} ({:.0} ms){}\n",
                    self.outcome(result.outcome),
                    result.id,
                    result.title,
                    result.duration_ms,
                    match result.outcome {
                        Outcome::Pass if result.message == "ok" => String::new(),
                        _ => format!(": {}", result.message),
                    }
                );
                self.write(&line);
                if matches!(result.outcome, Outcome::Fail | Outcome::Warn) {
                    self.findings.push((**result).clone());
                }
            }
            Event::Cleanup {
                billable_provisions,
                leftovers,
            } => {
                let cascades = self.cascade_lines();
                self.write(&cascades);
                let mut text = format!("\ncleanup: {billable_provisions} billable provisions made");
                if leftovers.is_empty() {
                    text.push_str(", nothing left behind\n");
                } else {
                    text.push_str(&format!(", {} could not be removed:\n", leftovers.len()));
                    for l in leftovers {
                        text.push_str(&format!("  {}\n", l.leftover_line()));
                    }
                }
                self.write(&text);
            }
            Event::RunFinished { summary, exit_code } => {
                let findings = std::mem::take(&mut self.findings);
                if !findings.is_empty() {
                    self.write("\nFindings\n");
                }
                for r in &findings {
                    let block = failure_block(r);
                    let block = match r.outcome {
                        Outcome::Fail => block.replacen("FAIL", &self.paint("1;31", "FAIL"), 1),
                        _ => block.replacen("WARN", &self.paint("33", "WARN"), 1),
                    };
                    self.write(&format!("\n{block}"));
                }
                let line = format!(
                    "\n{} passed, {} failed, {} warned, {} skipped, {} blocked, {} errors (exit {exit_code})\n",
                    summary.passed,
                    summary.failed,
                    summary.warned,
                    summary.skipped,
                    summary.blocked,
                    summary.errors
                );
                self.write(&line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Level;
    use crate::record::outcome::Evidence;

    fn events() -> Vec<Event> {
        vec![
            Event::CheckStarted {
                id: "TIME-01".into(),
                suite: "timing".into(),
                title: "answers within 3 s".into(),
            },
            Event::Waiting {
                id: "TIME-01".into(),
                elapsed_ms: 2100,
            },
            Event::CheckFinished {
                result: Box::new(CheckResult {
                    id: "TIME-01".into(),
                    suite: "timing".into(),
                    title: "answers within 3 s".into(),
                    requirement: "TIME-01".into(),
                    requirement_text: String::new(),
                    level: Level::Should,
                    outcome: Outcome::Pass,
                    message: "ok".into(),
                    doc: String::new(),
                    duration_ms: 2500.0,
                    evidence: Evidence::default(),
                    blocked_by: None,
                }),
            },
        ]
    }

    fn render(progress: bool) -> String {
        let mut t = TerminalReporter::new(Vec::new(), false).with_progress(progress);
        for e in events() {
            t.emit(&e);
        }
        String::from_utf8(t.into_inner()).unwrap()
    }

    #[test]
    fn progress_shows_the_waiting_check_and_is_overwritten() {
        let out = render(true);
        assert!(out.contains("RUNNING TIME-01"), "{out:?}");
        assert!(out.contains("waiting 2 s"), "{out:?}");
        // The final line replaces the progress line.
        assert!(out.contains("\r\x1b[K  PASS    TIME-01"), "{out:?}");
    }

    #[test]
    fn a_cascade_is_one_line_per_cause() {
        let mut t = TerminalReporter::new(Vec::new(), false);
        let cause = RootCause::new("PROV-02", "cannot reach your add-on at http://x/");
        for id in ["GEN-01", "GEN-02", "PLAN-02"] {
            let Event::CheckFinished { result } = &events()[2] else {
                unreachable!()
            };
            let mut r = (**result).clone();
            r.id = id.into();
            r.outcome = Outcome::Blocked;
            r.message = format!("not run: {}", cause.text);
            r.blocked_by = Some(cause.clone());
            t.emit(&Event::CheckFinished {
                result: Box::new(r),
            });
        }
        t.emit(&Event::Cleanup {
            billable_provisions: 0,
            leftovers: vec![],
        });
        let out = String::from_utf8(t.into_inner()).unwrap();
        assert_eq!(out.matches("blocked by PROV-02").count(), 1, "{out}");
        assert!(
            out.contains(
                "BLOCKED 3 checks blocked by PROV-02: cannot reach your add-on at http://x/ (GEN-01, GEN-02, PLAN-02)"
            ),
            "{out}"
        );
        assert!(!out.contains("not run:"), "{out}");
    }

    #[test]
    fn no_progress_when_not_a_terminal() {
        let out = render(false);
        assert!(!out.contains("RUNNING") && !out.contains('\r'), "{out:?}");
        assert!(out.starts_with("  PASS    TIME-01"), "{out:?}");
    }
}
