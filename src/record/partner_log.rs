//! Lines the add-on under test printed (when the run started its process), as report data.

use std::time::Duration;

use serde::Serialize;

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One line the add-on printed, redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// Since the run's clock started.
    #[serde(rename = "at_ms", serialize_with = "as_ms")]
    pub at: Duration,
    pub stream: Stream,
    pub text: String,
}

impl LogLine {
    /// `+1.234s stderr | text`, for a failure block.
    pub fn display(&self) -> String {
        let stream = match self.stream {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        };
        format!("+{:.3}s {stream} | {}", self.at.as_secs_f64(), self.text)
    }
}

fn as_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}
