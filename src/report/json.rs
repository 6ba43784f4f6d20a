//! The JSON report (`--report-json`), described by `schema/report.schema.json`.

use std::path::PathBuf;

use serde::Serialize;

use crate::events::{Event, EventSink};
use crate::outcome::{CheckResult, Summary};
use crate::partner::ledger::Entry;

#[derive(Debug, Clone, Default, Serialize)]
pub struct JsonReport {
    pub tool: Tool,
    pub addon: String,
    pub target: String,
    pub notes: Vec<String>,
    pub summary: Summary,
    pub exit_code: u8,
    pub billable_provisions: usize,
    pub leftovers: Vec<Entry>,
    pub checks: Vec<CheckResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

impl JsonReport {
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::RunStarted { addon, target, .. } => {
                self.addon = addon.clone();
                self.target = target.clone();
            }
            Event::Note { text } => self.notes.push(text.clone()),
            Event::SuiteStarted { .. } => {}
            Event::CheckFinished { result } => self.checks.push((**result).clone()),
            Event::Cleanup {
                billable_provisions,
                leftovers,
            } => {
                self.billable_provisions = *billable_provisions;
                self.leftovers = leftovers.clone();
            }
            Event::RunFinished { summary, exit_code } => {
                self.summary = summary.clone();
                self.exit_code = *exit_code;
            }
        }
    }

    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut report = Self::default();
        for e in events {
            report.apply(e);
        }
        report
    }
}

/// Writes the report to a file when the run finishes.
pub struct JsonReporter {
    path: PathBuf,
    report: JsonReport,
    /// Set when the file could not be written; the CLI reports it.
    pub error: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl JsonReporter {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            report: JsonReport::default(),
            error: Default::default(),
        }
    }
}

impl EventSink for JsonReporter {
    fn emit(&mut self, event: &Event) {
        self.report.apply(event);
        if let Event::RunFinished { .. } = event {
            let result = serde_json::to_vec_pretty(&self.report)
                .map_err(|e| e.to_string())
                .and_then(|bytes| std::fs::write(&self.path, bytes).map_err(|e| e.to_string()));
            if let Err(e) = result
                && let Ok(mut slot) = self.error.lock()
            {
                *slot = Some(format!("cannot write {}: {e}", self.path.display()));
            }
        }
    }
}
