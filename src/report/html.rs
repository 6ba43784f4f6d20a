//! The HTML report (`--report-html`): one self-contained file (inline CSS, no scripts, no external
//! resources), one section per suite, failures expanded with their evidence, and a timeline of
//! each check's exchanges with the partner and the partner's inbound calls to the platform
//! (`.bar.inbound`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use super::file::Document;
use crate::record::Exchange;
use crate::record::Inbound;
use crate::record::events::Event;
use crate::record::ledger::Entry;
use crate::record::outcome::{CheckResult, Outcome, Summary};

const CSS: &str = include_str!("html.css");

struct SuiteSection {
    name: String,
    title: String,
    results: Vec<CheckResult>,
}

#[derive(Default)]
pub struct HtmlReport {
    started_unix_ms: u64,
    addon: String,
    target: String,
    notes: Vec<String>,
    suites: Vec<SuiteSection>,
    /// Exchanges per check ID; the cleanup's under "".
    traffic: HashMap<String, Vec<Arc<Exchange>>>,
    /// Inbound platform calls per check ID (on the run's clock).
    inbound: HashMap<String, Vec<Arc<Inbound>>>,
    stopped: Option<String>,
    billable: usize,
    leftovers: Vec<Entry>,
    summary: Summary,
    exit_code: u8,
}

/// Escapes text for HTML content and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

impl HtmlReport {
    fn header(&self, html: &mut String) {
        let started = crate::heroku::rfc3339_millis(
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(self.started_unix_ms),
        );
        let s = &self.summary;
        let _ = write!(
            html,
            "<header><h1>addon-conformance: {addon}</h1>\
             <p class=\"meta\">target {target} · started {started} · exit code {exit}</p>\
             <p class=\"counts\" id=\"summary\"><span>{p} passed</span><span>{f} failed</span>\
             <span>{w} warned</span><span>{sk} skipped</span><span>{b} blocked</span>\
             <span>{e} errors</span><span>{bill} billable provisions</span></p>",
            addon = esc(&self.addon),
            target = esc(&self.target),
            exit = self.exit_code,
            p = s.passed,
            f = s.failed,
            w = s.warned,
            sk = s.skipped,
            b = s.blocked,
            e = s.errors,
            bill = self.billable,
        );
        for note in &self.notes {
            let class = if note == crate::network::INSECURE_WARNING {
                "warning-banner"
            } else {
                "note"
            };
            let _ = write!(html, "<p class=\"{class}\">{}</p>", esc(note));
        }
        if let Some(reason) = &self.stopped {
            let _ = write!(
                html,
                "<p class=\"warning-banner\">stopped early: {}</p>",
                esc(reason)
            );
        }
        html.push_str("</header>");
        html.push_str(&super::html_index::banner(
            &self.summary,
            self.exit_code,
            self.leftovers.len(),
        ));
        let results: Vec<CheckResult> = self
            .suites
            .iter()
            .flat_map(|s| s.results.iter().cloned())
            .collect();
        html.push_str(&super::html_index::failures_index(&results));
    }

    fn check(&self, html: &mut String, r: &CheckResult) {
        let outcome = r.outcome.label().to_lowercase();
        let finding = matches!(r.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error);
        let _ = write!(
            html,
            "<div class=\"check {outcome}\" id=\"check-{id}\" data-outcome=\"{outcome}\">",
            id = esc(&r.id)
        );
        let _ = write!(
            html,
            "<details{open}><summary><span class=\"badge\">{label}</span>\
             <span class=\"id\">{id}</span>[{level}] {title} <span class=\"message\">— {msg}</span>\
             </summary>",
            open = if finding { " open" } else { "" },
            label = r.outcome.label(),
            id = esc(&r.id),
            level = r.level,
            title = esc(&r.title),
            msg = esc(&r.message),
        );
        html.push_str("<dl class=\"evidence\">");
        let mut row = |name: &str, value: &str, pre: bool| {
            let value = if pre {
                format!("<pre>{}</pre>", esc(value))
            } else {
                esc(value)
            };
            let _ = write!(html, "<dt>{name}</dt><dd>{value}</dd>");
        };
        row(
            "requirement",
            &format!("{}: {}", r.requirement, r.requirement_text),
            false,
        );
        let e = &r.evidence;
        for (name, value) in [
            ("expected", &e.expected),
            ("observed", &e.observed),
            ("at", &e.location),
            ("hint", &e.hint),
        ] {
            if let Some(v) = value {
                row(name, v, false);
            }
        }
        if let Some(curl) = &e.curl {
            row("reproduce", curl, true);
        }
        for x in &e.exchanges {
            row(
                "exchange",
                &format!("#{} {}: {}", x.seq, x.label, x.summary()),
                false,
            );
            if let Some(body) = &x.request.body {
                row("request", body, true);
            }
            if let Some(resp) = x.response.as_ref().filter(|r| !r.body.is_empty()) {
                row("response", &resp.body, true);
            }
        }
        for i in &e.inbound {
            row("inbound", &format!("#{} {}", i.seq, i.summary()), false);
            if let Some(body) = &i.body {
                row("body", body, true);
            }
        }
        if !r.partner_log.is_empty() {
            let log: Vec<String> = r.partner_log.iter().map(|l| l.display()).collect();
            row("add-on log", &log.join("\n"), true);
        }
        html.push_str("</dl>");
        if !r.doc.is_empty() {
            let _ = write!(html, "<p><a href=\"{0}\">{0}</a></p>", esc(&r.doc));
        }
        // The check's own exchanges and the earlier ones its evidence names (a shared provision).
        let mut traffic: Vec<Arc<Exchange>> = self.traffic.get(&r.id).cloned().unwrap_or_default();
        for x in &e.exchanges {
            if !traffic.iter().any(|t| t.seq == x.seq) {
                traffic.push(x.clone());
            }
        }
        traffic.sort_by_key(|x| x.seq);
        let mut inbound = self.inbound.get(&r.id).cloned().unwrap_or_default();
        for i in &e.inbound {
            if !inbound.iter().any(|x| x.seq == i.seq) {
                inbound.push(i.clone());
            }
        }
        if !traffic.is_empty() || !inbound.is_empty() {
            timeline(html, &traffic, &inbound);
        }
        html.push_str("</details></div>");
    }

    fn cleanup(&self, html: &mut String) {
        html.push_str("<section id=\"cleanup\"><h2>Cleanup</h2>");
        let _ = write!(html, "<p>{} billable provisions made; ", self.billable);
        if self.leftovers.is_empty() {
            html.push_str("nothing left behind.</p>");
        } else {
            let _ = write!(
                html,
                "<strong>{} could not be removed:</strong></p><pre>",
                self.leftovers.len()
            );
            for l in &self.leftovers {
                html.push_str(&esc(&format!("{}\n", l.leftover_line())));
            }
            html.push_str("</pre>");
        }
        let inbound = self.inbound.get("").cloned().unwrap_or_default();
        if let Some(traffic) = self.traffic.get("") {
            timeline(html, traffic, &inbound);
        }
        html.push_str("</section>");
    }
}

/// One bar of a timeline: an exchange with the partner or an inbound call to the platform.
struct Bar {
    start: f64,
    width: f64,
    kind: &'static str,
    failed: bool,
    label: String,
    title: String,
}

/// Bars on the check's own time axis: when each exchange started and how long it took, and when
/// each inbound call arrived.
fn timeline(html: &mut String, traffic: &[Arc<Exchange>], inbound: &[Arc<Inbound>]) {
    let mut bars: Vec<Bar> = traffic
        .iter()
        .map(|x| Bar {
            start: x.started_ms as f64,
            width: x.elapsed_ms,
            kind: "outbound",
            failed: x.response.is_none() || x.status().is_some_and(|s| s >= 500),
            label: format!("{} #{} {}", x.request.method, x.seq, x.label),
            title: x.summary(),
        })
        .chain(inbound.iter().map(|i| Bar {
            start: i.at_ms as f64,
            width: 0.0,
            kind: "inbound",
            failed: !i.ok(),
            label: format!("inbound #{} {}", i.seq, i.kind),
            title: i.summary(),
        }))
        .collect();
    bars.sort_by(|a, b| a.start.total_cmp(&b.start));
    let start = bars.iter().map(|b| b.start).fold(f64::MAX, f64::min);
    let end = bars.iter().map(|b| b.start + b.width).fold(0.0, f64::max);
    let span = (end - start).max(1.0);
    html.push_str("<div class=\"timeline\">");
    for b in &bars {
        let _ = write!(
            html,
            "<div class=\"row\" data-kind=\"{kind}\"><span class=\"label\" title=\"{title}\">\
             +{offset:.0} ms {label}</span><span class=\"track\">\
             <span class=\"bar {kind}{failed}\" style=\"left:{left:.1}%;width:{width:.1}%\" \
             title=\"{title}\"></span></span></div>",
            kind = b.kind,
            title = esc(&b.title),
            offset = b.start - start,
            label = esc(&b.label),
            failed = if b.failed { " failed" } else { "" },
            left = (b.start - start) / span * 100.0,
            width = b.width / span * 100.0,
        );
    }
    html.push_str(&super::html_index::time_scale(span));
    html.push_str("</div>");
}

impl Document for HtmlReport {
    fn apply(&mut self, event: &Event) {
        match event {
            Event::RunStarted {
                started_unix_ms,
                addon,
                target,
                ..
            } => {
                self.started_unix_ms = *started_unix_ms;
                self.addon = addon.clone();
                self.target = target.clone();
            }
            Event::Note { text } => self.notes.push(text.clone()),
            Event::SuiteStarted { name, title } => self.suites.push(SuiteSection {
                name: name.clone(),
                title: title.clone(),
                results: Vec::new(),
            }),
            Event::CheckStarted { .. }
            | Event::Waiting { .. }
            | Event::WaitingFor { .. }
            | Event::Exchange { .. } => {}
            Event::CheckFinished { result } => {
                if let Some(s) = self.suites.last_mut() {
                    s.results.push((**result).clone());
                }
            }
            Event::Traffic {
                check,
                exchanges,
                inbound,
            } => {
                let key = check.clone().unwrap_or_default();
                self.traffic
                    .entry(key.clone())
                    .or_default()
                    .extend(exchanges.iter().cloned());
                self.inbound
                    .entry(key)
                    .or_default()
                    .extend(inbound.iter().cloned());
            }
            Event::Stopped { reason } => self.stopped = Some(reason.clone()),
            Event::Cleanup {
                billable_provisions,
                leftovers,
            } => {
                self.billable = *billable_provisions;
                self.leftovers = leftovers.clone();
            }
            Event::RunFinished { summary, exit_code } => {
                self.summary = summary.clone();
                self.exit_code = *exit_code;
            }
        }
    }

    fn render(&self) -> Result<Vec<u8>, String> {
        let mut html = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>addon-conformance: {}</title><style>{CSS}</style></head><body>",
            esc(&self.addon)
        );
        self.header(&mut html);
        for suite in self.suites.iter().filter(|s| !s.results.is_empty()) {
            let _ = write!(
                html,
                "<section class=\"suite\" id=\"suite-{name}\"><h2>{title} ({name})</h2>",
                name = esc(&suite.name),
                title = esc(&suite.title)
            );
            for r in &suite.results {
                self.check(&mut html, r);
            }
            html.push_str("</section>");
        }
        self.cleanup(&mut html);
        html.push_str("</body></html>\n");
        Ok(html.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
