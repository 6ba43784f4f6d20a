//! The event stream: the runner emits, reporters consume. Nothing else prints.

use serde::Serialize;

use crate::outcome::{CheckResult, Summary};
use crate::partner::ledger::Entry;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted {
        addon: String,
        target: String,
        suites: usize,
        checks: usize,
    },
    /// Something the user should know that is not a check result (overrides in use, …).
    Note {
        text: String,
    },
    SuiteStarted {
        name: String,
        title: String,
    },
    CheckFinished {
        result: Box<CheckResult>,
    },
    /// The end-of-run cleanup.
    Cleanup {
        billable_provisions: usize,
        leftovers: Vec<Entry>,
    },
    RunFinished {
        summary: Summary,
        exit_code: u8,
    },
}

/// A consumer of events: terminal, JSON file, and later formats.
pub trait EventSink: Send {
    fn emit(&mut self, event: &Event);
}

/// Fans events out to several sinks.
#[derive(Default)]
pub struct Fanout {
    pub sinks: Vec<Box<dyn EventSink>>,
}

impl EventSink for Fanout {
    fn emit(&mut self, event: &Event) {
        for sink in &mut self.sinks {
            sink.emit(event);
        }
    }
}

/// Keeps every event; used by tests and the JSON report.
#[derive(Default)]
pub struct Recorder {
    pub events: Vec<Event>,
}

impl EventSink for Recorder {
    fn emit(&mut self, event: &Event) {
        self.events.push(event.clone());
    }
}
