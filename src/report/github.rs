//! GitHub Actions output, used when `GITHUB_ACTIONS` is set: an `::error` (fail, error) or
//! `::warning` (warn) annotation per finding on stdout, and a Markdown summary appended to the
//! file named by `GITHUB_STEP_SUMMARY`.

use std::io::Write;
use std::path::PathBuf;

use super::file::ErrorSlot;
use crate::record::events::{Event, EventSink};
use crate::record::ledger::Entry;
use crate::record::outcome::{CheckResult, Outcome, Summary};

pub struct GithubReporter<W: Write + Send> {
    out: W,
    summary_path: Option<PathBuf>,
    /// Warnings fail the run (`--strict`): annotate them as errors.
    strict: bool,
    addon: String,
    notes: Vec<String>,
    findings: Vec<CheckResult>,
    /// Blocked checks, folded per cause in the summary.
    blocked: Vec<CheckResult>,
    billable: usize,
    leftovers: Vec<Entry>,
    stopped: Option<String>,
    pub error: ErrorSlot,
}

impl<W: Write + Send> GithubReporter<W> {
    pub fn new(out: W, summary_path: Option<PathBuf>, strict: bool) -> Self {
        Self {
            out,
            summary_path,
            strict,
            addon: String::new(),
            notes: Vec::new(),
            findings: Vec::new(),
            blocked: Vec::new(),
            billable: 0,
            leftovers: Vec::new(),
            stopped: None,
            error: ErrorSlot::default(),
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn annotate(&mut self, r: &CheckResult) {
        let kind = match r.outcome {
            Outcome::Warn if !self.strict => "warning",
            _ => "error",
        };
        let mut message = r.message.clone();
        if let Some(curl) = &r.evidence.curl {
            message.push_str(&format!("\nreproduce: {curl}"));
        }
        let line = format!(
            "::{kind} title={}::{}\n",
            escape_property(&format!("{} [{}] {}", r.id, r.level, r.title)),
            escape_data(&message)
        );
        let _ = self.out.write_all(line.as_bytes());
        let _ = self.out.flush();
    }

    /// The Markdown summary of the run.
    pub fn summary_markdown(&self, summary: &Summary, exit_code: u8) -> String {
        let verdict = if exit_code == 0 { "passed" } else { "failed" };
        let mut md = format!(
            "## addon-conformance: `{}` {verdict} (exit {exit_code})\n\n",
            self.addon
        );
        md.push_str(
            "| passed | failed | warned | skipped | blocked | errors | billable provisions |\n",
        );
        md.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n\n",
            summary.passed,
            summary.failed,
            summary.warned,
            summary.skipped,
            summary.blocked,
            summary.errors,
            self.billable
        ));
        for note in self.notes.iter().chain(&self.stopped) {
            md.push_str(&format!("> {}\n\n", note.replace('\n', " ")));
        }
        md.push_str(&findings_table(&self.findings));
        for b in super::causes::blockages(&self.blocked) {
            md.push_str(&format!("- {}\n", cell(&b.line())));
        }
        if !self.blocked.is_empty() {
            md.push('\n');
        }
        if !self.leftovers.is_empty() {
            md.push_str(&format!(
                "**{} resources could not be removed:**\n\n```sh\n",
                self.leftovers.len()
            ));
            for l in &self.leftovers {
                md.push_str(&format!("{}  # {}\n", l.removal_curl(), l.label));
            }
            md.push_str("```\n");
        }
        md
    }
}

/// One row per finding with what to do about it: the hint and the requirement's documentation.
fn findings_table(findings: &[CheckResult]) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let mut md = String::from(
        "| outcome | check | level | observed | hint | docs |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for r in findings {
        let docs = if r.doc.starts_with("https://") {
            format!("[docs]({})", r.doc.replace(['(', ')', ' '], ""))
        } else {
            String::new()
        };
        md.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {docs} |\n",
            r.outcome.label(),
            r.id,
            r.level,
            cell(&r.message),
            cell(r.evidence.hint.as_deref().unwrap_or_default()),
        ));
    }
    md.push('\n');
    md
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Escapes an annotation message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation property (as data, plus `:` and `,`).
/// Makes sure no line of `text` starts (after blanks) with `::`, which the Actions runner would
/// take for a workflow command: a zero-width space goes between the two colons.
pub fn defuse_commands(text: &str) -> String {
    if !text.contains("::") {
        return text.to_owned();
    }
    text.split_inclusive('\n')
        .map(|line| {
            let blanks = line.len() - line.trim_start().len();
            if line[blanks..].starts_with("::") {
                format!("{}:\u{200b}{}", &line[..blanks], &line[blanks + 1..])
            } else {
                line.to_owned()
            }
        })
        .collect()
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl<W: Write + Send> EventSink for GithubReporter<W> {
    fn emit(&mut self, event: &Event) {
        match event {
            Event::RunStarted { addon, .. } => self.addon = addon.clone(),
            Event::Note { text } => self.notes.push(text.clone()),
            Event::CheckFinished { result }
                if matches!(
                    result.outcome,
                    Outcome::Fail | Outcome::Warn | Outcome::Error
                ) =>
            {
                self.annotate(result);
                self.findings.push((**result).clone());
            }
            Event::CheckFinished { result } if result.outcome == Outcome::Blocked => {
                self.blocked.push((**result).clone());
            }
            Event::Stopped { reason } => self.stopped = Some(format!("stopped: {reason}")),
            Event::Cleanup {
                billable_provisions,
                leftovers,
            } => {
                self.billable = *billable_provisions;
                self.leftovers = leftovers.clone();
                if !leftovers.is_empty() {
                    let line = format!(
                        "::error title=cleanup::{}\n",
                        escape_data(&format!(
                            "{} resources could not be removed: {}",
                            leftovers.len(),
                            leftovers
                                .iter()
                                .map(|l| l.uuid.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    );
                    let _ = self.out.write_all(line.as_bytes());
                }
            }
            Event::RunFinished { summary, exit_code } => {
                let Some(path) = &self.summary_path else {
                    return;
                };
                let md = self.summary_markdown(summary, *exit_code);
                let written = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .and_then(|mut f| f.write_all(md.as_bytes()));
                if let Err(e) = written
                    && let Ok(mut slot) = self.error.lock()
                {
                    *slot = Some(format!("cannot append to {}: {e}", path.display()));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_text_cannot_start_a_workflow_command() {
        let text = "ok\n::add-mask::x\n   ::error::boom\r\n\t::stop-commands::t\na::b";
        let out = defuse_commands(text);
        assert!(
            out.lines().all(|l| !l.trim_start().starts_with("::")),
            "{out}"
        );
        assert_eq!(out.replace('\u{200b}', ""), text);
    }

    #[test]
    fn the_step_summary_gives_hint_and_docs_per_failure_and_folds_blocked_checks() {
        let mut fail = crate::report::causes::tests::result("AUTH-02", Outcome::Fail, "took it");
        fail.evidence.hint = Some("compare the password | in constant time".into());
        fail.doc = "https://devcenter.heroku.com/articles/add-on-partner-api-reference".into();
        let why = "prerequisite AUTH-02 did not pass (fail)";
        let mut g = GithubReporter::new(Vec::new(), None, false);
        g.emit(&Event::CheckFinished {
            result: Box::new(fail),
        });
        for id in ["X-01", "X-02"] {
            g.emit(&Event::CheckFinished {
                result: Box::new(crate::report::causes::tests::result(
                    id,
                    Outcome::Blocked,
                    why,
                )),
            });
        }
        let md = g.summary_markdown(&Summary::default(), 1);
        assert!(
            md.contains("| compare the password \\| in constant time | [docs](https://devcenter.heroku.com/articles/add-on-partner-api-reference) |"),
            "{md}"
        );
        assert!(md.contains("- 2 checks blocked by AUTH-02"), "{md}");
    }

    #[test]
    fn annotation_escaping() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("PROV-04: x, y"), "PROV-04%3A x%2C y");
    }
}
