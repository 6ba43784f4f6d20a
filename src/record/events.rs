//! The event stream: the runner emits, reporters consume. Nothing else prints.

use serde::Serialize;

use std::sync::Arc;

use crate::record::Exchange;
use crate::record::Inbound;
use crate::record::ledger::Entry;
use crate::record::outcome::{CheckResult, Summary};

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted {
        /// Wall-clock start of the run (ms since the Unix epoch); exchanges' `started_ms` count
        /// from it.
        started_unix_ms: u64,
        addon: String,
        target: String,
        /// Origin of the fake platform partners call back, when the run has one.
        platform: Option<String>,
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
    /// A check is about to run (progress; tests use it to interrupt at a known point).
    CheckStarted {
        id: String,
        suite: String,
        title: String,
    },
    /// A check is still running (emitted every second while it waits on the partner).
    Waiting {
        id: String,
        elapsed_ms: u64,
    },
    /// A running check waits for something named (a callback such as `actions/provision`):
    /// emitted every second while the wait lasts, so reporters can tick and heartbeat.
    WaitingFor {
        id: String,
        what: String,
        /// How long this wait has lasted, and its limit.
        elapsed_ms: u64,
        limit_ms: u64,
    },
    /// One exchange with the partner, as soon as it completes (live output; `Traffic` still
    /// carries it for the reports).
    Exchange {
        check: Option<String>,
        exchange: Arc<Exchange>,
    },
    CheckFinished {
        result: Box<CheckResult>,
    },
    /// Every exchange with the partner, and every inbound call the platform received, during a
    /// check (`check` is its ID) or the cleanup (`check` is None), in order, redacted. Inbound
    /// `at_ms` is on the run's clock, like exchanges' `started_ms`. For HAR files and timelines.
    Traffic {
        check: Option<String>,
        exchanges: Vec<Arc<Exchange>>,
        inbound: Vec<Arc<Inbound>>,
    },
    /// The run stopped before its last check (interrupt, `--fail-fast`); cleanup follows.
    Stopped {
        reason: String,
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
