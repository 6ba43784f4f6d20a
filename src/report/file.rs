//! Reports written to a file when the run finishes. Each format is a `Document` built from the
//! event stream; `FileReporter` writes it and keeps any write error for the CLI to report.

use std::path::{Path, PathBuf};
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
                .and_then(|bytes| write_atomic(&self.path, &bytes).map_err(|e| e.to_string()));
            if let Err(e) = result
                && let Ok(mut slot) = self.error.lock()
            {
                *slot = Some(format!("cannot write {}: {e}", self.path.display()));
            }
        }
    }
}

/// Writes `bytes` to `path` in one step: a fresh temporary file in the same directory, synced,
/// then renamed over `path`. A reader never sees half a report, and a symlink at `path` is
/// replaced, not followed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".to_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = (|| {
        // `create_new` refuses an existing file or symlink at the temporary name.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Renders a document from a finished event stream (tests, and formats built from others).
pub fn render<D: Document>(mut document: D, events: &[Event]) -> Result<Vec<u8>, String> {
    for e in events {
        document.apply(e);
    }
    document.render()
}
