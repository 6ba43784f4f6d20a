//! Reports on a stream rather than a file: a `Document` rendered to standard output at the end
//! (`--report-* -`), and every event as one JSON line as it happens (`--report-events`).

use std::io::Write;

use super::file::{Document, ErrorSlot};
use crate::record::events::{Event, EventSink};

/// Renders a document to a writer (standard output) when the run finishes.
pub struct StreamReporter<D: Document, W: Write + Send> {
    out: W,
    document: D,
    pub error: ErrorSlot,
}

impl<D: Document, W: Write + Send> StreamReporter<D, W> {
    pub fn new(out: W, document: D) -> Self {
        Self {
            out,
            document,
            error: ErrorSlot::default(),
        }
    }
}

impl<D: Document, W: Write + Send> EventSink for StreamReporter<D, W> {
    fn emit(&mut self, event: &Event) {
        self.document.apply(event);
        if let Event::RunFinished { .. } = event {
            let result = self.document.render().and_then(|bytes| {
                self.out
                    .write_all(&bytes)
                    .and_then(|()| self.out.flush())
                    .map_err(|e| e.to_string())
            });
            if let Err(e) = result
                && let Ok(mut slot) = self.error.lock()
            {
                *slot = Some(format!("cannot write the report to standard output: {e}"));
            }
        }
    }
}

/// Every event as one JSON object per line, flushed as it happens (redacted like every report:
/// events carry only redacted data).
pub struct EventLines<W: Write + Send> {
    out: W,
    pub error: ErrorSlot,
}

impl<W: Write + Send> EventLines<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            error: ErrorSlot::default(),
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send> EventSink for EventLines<W> {
    fn emit(&mut self, event: &Event) {
        let result = serde_json::to_vec(event)
            .map_err(|e| e.to_string())
            .and_then(|mut line| {
                line.push(b'\n');
                self.out
                    .write_all(&line)
                    .and_then(|()| self.out.flush())
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = result
            && let Ok(mut slot) = self.error.lock()
        {
            slot.get_or_insert(format!("cannot write the event stream: {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_json_object_per_event_and_line() {
        let mut lines = EventLines::new(Vec::new());
        lines.emit(&Event::Note { text: "a".into() });
        lines.emit(&Event::Stopped {
            reason: "b\nc".into(),
        });
        let text = String::from_utf8(lines.into_inner()).unwrap();
        let parsed: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0]["event"], "note");
        assert_eq!(parsed[1]["reason"], "b\nc");
    }
}
