//! Reports written to a file when the run finishes. Each format is a `Document` built from the
//! event stream; `FileReporter` writes it and keeps any write error for the CLI to report.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::record::events::{Event, EventSink};

/// A report format: folds the events, then renders the file.
pub trait Document: Send {
    fn apply(&mut self, event: &Event);
    fn render(&self) -> Result<Vec<u8>, String>;
}

/// Where a reporter leaves the error of writing its file.
pub type ErrorSlot = Arc<Mutex<Option<String>>>;

pub struct FileReporter<D: Document> {
    path: PathBuf,
    document: D,
    pub error: ErrorSlot,
}

impl<D: Document> FileReporter<D> {
    pub fn new(path: PathBuf, document: D) -> Self {
        Self {
            path,
            document,
            error: ErrorSlot::default(),
        }
    }
}

impl<D: Document> EventSink for FileReporter<D> {
    fn emit(&mut self, event: &Event) {
        self.document.apply(event);
        if let Event::RunFinished { .. } = event {
            let result = self
                .document
                .render()
                .and_then(|bytes| std::fs::write(&self.path, bytes).map_err(|e| e.to_string()));
            if let Err(e) = result
                && let Ok(mut slot) = self.error.lock()
            {
                *slot = Some(format!("cannot write {}: {e}", self.path.display()));
            }
        }
    }
}

/// Renders a document from a finished event stream (tests, and formats built from others).
pub fn render<D: Document>(mut document: D, events: &[Event]) -> Result<Vec<u8>, String> {
    for e in events {
        document.apply(e);
    }
    document.render()
}
