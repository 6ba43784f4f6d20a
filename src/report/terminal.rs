//! The terminal report: one line per check as it finishes (the first check blocked for a cause
//! stands for the rest), then a block per failure and warning, the failures and blocked checks
//! per cause, then the summary.

use std::io::Write;

use super::causes;
use crate::record::cut;
use crate::record::events::{Event, EventSink};
use crate::record::outcome::{CheckResult, Outcome};

/// Characters of a request or response body shown in a failure block.
const BODY_EXCERPT: usize = 600;

/// How much the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    /// Failures, warnings, errors and the summary only.
    Quiet,
    /// One line per check, then findings and the summary.
    #[default]
    Normal,
    /// Also each exchange as it completes: method, URL, status, time.
    Exchanges,
    /// Also the exchanges' (redacted) bodies.
    Bodies,
}

/// Without a terminal, a long wait prints a line this often, so a CI log never goes silent.
const HEARTBEAT_S: u64 = 30;

pub struct TerminalReporter<W: Write + Send> {
    out: W,
    color: bool,
    /// Show the running check on one line that the next line overwrites (terminals only).
    progress: bool,
    /// A progress line is on screen and must be cleared before the next output.
    progress_shown: bool,
    verbosity: Verbosity,
    /// Title of the running check, for progress lines.
    running: String,
    /// The last heartbeat's check and 30-second step, so each step prints once.
    heartbeat: (String, u64),
    /// Blocked causes already shown as a per-check line (later ones are folded into it): the
    /// root cause's id when the result carries one, else the reason.
    blocked_shown: Vec<String>,
    addon: String,
    results: Vec<CheckResult>,
    /// GitHub Actions: each suite in a `::group::`, and no other line may start with `::`.
    github: bool,
    group_open: bool,
}

impl<W: Write + Send> TerminalReporter<W> {
    pub fn new(out: W, color: bool) -> Self {
        Self {
            out,
            color,
            progress: false,
            progress_shown: false,
            verbosity: Verbosity::Normal,
            running: String::new(),
            heartbeat: (String::new(), 0),
            blocked_shown: Vec::new(),
            addon: String::new(),
            results: Vec::new(),
            github: false,
            group_open: false,
        }
    }

    /// Running as a GitHub Actions step: folds each suite's lines into a `::group::`.
    pub fn with_github_groups(mut self, github: bool) -> Self {
        self.github = github;
        self
    }

    fn close_group(&mut self) {
        if std::mem::take(&mut self.group_open) {
            self.raw("::endgroup::\n");
        }
    }

    /// Shows which check is running while waiting on the partner; for terminals only. Without
    /// it, long waits print a heartbeat line every 30 s instead.
    pub fn with_progress(mut self, progress: bool) -> Self {
        self.progress = progress;
        self
    }

    pub fn with_verbosity(mut self, verbosity: Verbosity) -> Self {
        self.verbosity = verbosity;
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
        if self.github {
            // Partner text must never become a workflow command.
            let safe = super::github::defuse_commands(text);
            self.raw(&safe);
        } else {
            self.raw(text);
        }
    }

    /// Writes as is (our own workflow commands).
    fn raw(&mut self, text: &str) {
        if std::mem::take(&mut self.progress_shown) {
            let _ = self.out.write_all(b"\r\x1b[K");
        }
        // A closed pipe (e.g. `| head`) is not worth failing the run for.
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    fn normal(&self) -> bool {
        self.verbosity >= Verbosity::Normal
    }

    /// A progress line on a terminal, or every 30 s a heartbeat line without one.
    /// `key` tells waits apart (a check may wait several times); each prints its own steps.
    fn still_running(&mut self, id: &str, key: &str, elapsed_ms: u64, text: &str) {
        if self.progress {
            let line = format!("  {} {id:<20} {text}", self.paint("2", "RUNNING"));
            self.write(&line);
            self.progress_shown = true;
            return;
        }
        let step = elapsed_ms / 1000 / HEARTBEAT_S;
        let key = format!("{id} {key}");
        if step > 0 && self.heartbeat != (key.clone(), step) {
            self.heartbeat = (key, step);
            self.write(&format!("  … {id} {text}\n"));
        }
    }

    fn exchange(&mut self, x: &crate::record::Exchange) {
        let outcome = match (&x.response, &x.error) {
            (Some(r), _) => r.status.to_string(),
            (None, Some(e)) => format!("no answer: {e}"),
            (None, None) => "no answer".to_owned(),
        };
        let mut text = format!(
            "      {} {} {} -> {outcome} ({:.0} ms)\n",
            self.paint("2", &format!("#{}", x.seq)),
            x.request.method,
            x.request.url,
            x.elapsed_ms
        );
        if self.verbosity >= Verbosity::Bodies {
            if let Some(body) = &x.request.body {
                text.push_str(&indent("        > ", &cut(body.clone(), BODY_EXCERPT)));
            }
            if let Some(r) = x.response.as_ref().filter(|r| !r.body.is_empty()) {
                text.push_str(&indent("        < ", &cut(r.body.clone(), BODY_EXCERPT)));
            }
        }
        self.write(&text);
    }

    fn finished(&mut self, result: &CheckResult) {
        self.results.push(result.clone());
        let shown = match result.outcome {
            Outcome::Fail | Outcome::Warn | Outcome::Error => true,
            Outcome::Blocked => {
                // One line per cause: the first blocked check stands for the rest.
                let cause = causes::blocked_key(result);
                let first = !self.blocked_shown.contains(&cause);
                if first {
                    self.blocked_shown.push(cause);
                }
                first && self.normal()
            }
            Outcome::Pass | Outcome::Skip => self.normal(),
        };
        if !shown {
            return;
        }
        let line = format!(
            "  {} {:<20} {} ({:.0} ms){}\n",
            self.outcome(result.outcome),
            result.id,
            result.title,
            result.duration_ms,
            match result.outcome {
                Outcome::Pass if result.message == "ok" => String::new(),
                Outcome::Blocked => format!(
                    ": {} (checks blocked for the same reason are counted in the summary)",
                    result.message
                ),
                _ => format!(": {}", result.message),
            }
        );
        self.write(&line);
    }

    fn run_finished(&mut self, summary: &crate::record::outcome::Summary, exit_code: u8) {
        let results = std::mem::take(&mut self.results);
        let findings: Vec<&CheckResult> = results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Fail | Outcome::Warn))
            .collect();
        if !findings.is_empty() {
            self.write("\nFindings\n");
        }
        let mut exports_said = false;
        for r in findings {
            let mut block = failure_block(r);
            if !exports_said && let Some(line) = exports_line(r, &self.addon) {
                exports_said = true;
                block.push_str(&line);
            }
            let block = match r.outcome {
                Outcome::Fail => block.replacen("FAIL", &self.paint("1;31", "FAIL"), 1),
                _ => block.replacen("WARN", &self.paint("33", "WARN"), 1),
            };
            self.write(&format!("\n{block}"));
        }
        let mut text = String::new();
        let causes = causes::failure_causes(&results);
        if !causes.is_empty() {
            text.push_str(&format!("\n{}\n", self.paint("1", "Failures by cause")));
            for c in &causes {
                let n = c.ids.len();
                text.push_str(&format!(
                    "  {n} {}: {}\n      {}\n",
                    if n == 1 { "check" } else { "checks" },
                    c.text,
                    causes::short_list(&c.ids)
                ));
            }
        }
        let blocked = causes::blockages(&results);
        if !blocked.is_empty() {
            text.push_str(&format!("\n{}\n", self.paint("1", "Blocked")));
            for b in &blocked {
                text.push_str(&format!("  {}\n", b.line()));
            }
        }
        text.push_str(&format!(
            "\n{} passed, {} failed, {} warned, {} skipped, {} blocked, {} errors (exit {exit_code})\n",
            summary.passed,
            summary.failed,
            summary.warned,
            summary.skipped,
            summary.blocked,
            summary.errors
        ));
        self.write(&text);
    }
}

/// A wait's limit as people write it: `10m`, `90s`, `1h`, `500ms`.
fn human_limit(ms: u64) -> String {
    match ms {
        ms if ms % 3_600_000 == 0 && ms > 0 => format!("{}h", ms / 3_600_000),
        ms if ms % 60_000 == 0 && ms > 0 => format!("{}m", ms / 60_000),
        ms if ms % 1000 == 0 && ms > 0 => format!("{}s", ms / 1000),
        ms => format!("{ms}ms"),
    }
}

fn indent(prefix: &str, text: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}

/// Once, in the first block with a reproducer: the variables its curl commands use.
fn exports_line(r: &CheckResult, addon: &str) -> Option<String> {
    let curl = r.evidence.curl.as_deref()?;
    let mut vars = Vec::new();
    if curl.contains("$ADDON_ID") {
        vars.push(format!("ADDON_ID={}", shell_word(addon)));
    }
    if curl.contains("$ADDON_PASSWORD") {
        vars.push("ADDON_PASSWORD='<api.password of your manifest>'".to_owned());
    }
    (!vars.is_empty()).then(|| {
        format!(
            "  {:<12} export {} (every reproduce line uses these)\n",
            "setup",
            vars.join(" ")
        )
    })
}

fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Lines of the add-on's log a failure block shows (the reports hold them all).
pub const LOG_LINES: usize = 5;

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
    let exchanges = |row: &mut dyn FnMut(&str, &str)| {
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
    };
    let inbound = |row: &mut dyn FnMut(&str, &str)| {
        for i in &e.inbound {
            row(
                "inbound",
                &format!("#{} at {} ms: {}", i.seq, i.at_ms, i.summary()),
            );
        }
    };
    // A finding that cites callbacks (and so has no request to reproduce) shows them first; the
    // check's own requests follow as context.
    if e.curl.is_none() && !e.inbound.is_empty() {
        inbound(&mut row);
        exchanges(&mut row);
    } else {
        exchanges(&mut row);
        inbound(&mut row);
    }
    if !r.partner_log.is_empty() {
        row(
            "add-on log",
            &crate::launch::log::excerpt(&r.partner_log, LOG_LINES),
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
                addon.clone_into(&mut self.addon);
                if self.normal() {
                    let line = format!(
                        "addon-conformance: {addon} at {target} ({suites} suites, {checks} checks)\n"
                    );
                    self.write(&line);
                }
            }
            Event::Note { text } => {
                if self.normal() {
                    self.write(&format!("note: {text}\n"));
                }
            }
            Event::SuiteStarted { name, title } => {
                if self.github && self.normal() {
                    self.close_group();
                    self.raw(&format!("::group::{title} ({name})\n"));
                    self.group_open = true;
                } else if self.normal() {
                    let line = format!("\n{} ({name})\n", self.paint("1", title));
                    self.write(&line);
                }
            }
            Event::CheckStarted { id, title, .. } => {
                self.running = title.clone();
                if self.progress {
                    let line = format!("  {} {id:<20} {title} …", self.paint("2", "RUNNING"));
                    self.write(&line);
                    self.progress_shown = true;
                }
            }
            Event::Waiting { id, elapsed_ms } => {
                let text = format!("{} … still running: {} s", self.running, elapsed_ms / 1000);
                self.still_running(id, "", *elapsed_ms, &text);
            }
            Event::WaitingFor {
                id,
                what,
                elapsed_ms,
                limit_ms,
            } => {
                let limit = human_limit(*limit_ms);
                let text = format!("waiting for {what}: {} s of {limit}", elapsed_ms / 1000);
                self.still_running(id, what, *elapsed_ms, &text);
            }
            Event::Exchange { exchange, .. } => {
                if self.verbosity >= Verbosity::Exchanges {
                    self.exchange(exchange);
                }
            }
            // The cleanup's exchanges happen outside any check: shown when it ends.
            Event::Traffic {
                check: None,
                exchanges,
                ..
            } if self.verbosity >= Verbosity::Exchanges => {
                for x in exchanges {
                    self.exchange(x);
                }
            }
            Event::Traffic { .. } => {}
            Event::Stopped { reason } => {
                self.close_group();
                let line = format!(
                    "\n{}: {reason}; the remaining checks do not run, cleanup follows\n",
                    self.paint("1;33", "stopped")
                );
                self.write(&line);
            }
            Event::CheckFinished { result } => self.finished(result),
            Event::Cleanup {
                billable_provisions,
                leftovers,
            } => {
                self.close_group();
                if leftovers.is_empty() && !self.normal() {
                    return;
                }
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
                self.close_group();
                self.run_finished(summary, *exit_code);
            }
        }
    }
}

#[cfg(test)]
#[path = "terminal_tests.rs"]
mod tests;
