//! The JSON report (`--report-json`), described by `schema/report.schema.json`.

use serde::Serialize;

use crate::record::events::Event;
use crate::record::ledger::Entry;
use crate::record::outcome::{CheckResult, Summary};

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
    /// Why the run stopped before its last check, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
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
            Event::SuiteStarted { .. }
            | Event::CheckStarted { .. }
            | Event::Waiting { .. }
            | Event::WaitingFor { .. }
            | Event::Exchange { .. }
            | Event::Traffic { .. } => {}
            Event::Stopped { reason } => self.stopped = Some(reason.clone()),
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

impl super::file::Document for JsonReport {
    fn apply(&mut self, event: &Event) {
        JsonReport::apply(self, event);
    }

    fn render(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec_pretty(self).map_err(|e| e.to_string())
    }
}
