//! The add-on's own log: stdout and stderr lines with the time they arrived (on the run's
//! clock), redacted when captured and again when read (secrets learned later are masked too),
//! each line cut to a limit and the whole kept within a byte budget (oldest dropped first).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt};

use crate::redact::Redactor;

pub use crate::record::partner_log::{LogLine, Stream};

/// The last `n` of `lines` as shown in a failure block, after a line saying how many earlier
/// ones the reports hold.
pub fn excerpt(lines: &[LogLine], n: usize) -> String {
    let skipped = lines.len().saturating_sub(n);
    let mut text = String::new();
    if skipped > 0 {
        text.push_str(&format!(
            "({skipped} earlier lines in the JSON, HTML and JUnit reports)\n"
        ));
    }
    for line in &lines[skipped..] {
        text.push_str(&line.display());
        text.push('\n');
    }
    text
}

/// How much of the log is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLimits {
    /// Most bytes kept in all (oldest lines dropped first).
    pub total_bytes: usize,
    /// Most bytes of one line (the rest is cut and marked).
    pub line_bytes: usize,
}

impl Default for LogLimits {
    fn default() -> Self {
        Self {
            total_bytes: 1024 * 1024,
            line_bytes: 2048,
        }
    }
}

#[derive(Default)]
struct Kept {
    lines: VecDeque<LogLine>,
    bytes: usize,
    dropped: u64,
}

/// The captured log, shared between the readers and whoever reads it.
pub struct PartnerLog {
    clock: Instant,
    limits: LogLimits,
    redactor: Arc<Redactor>,
    kept: Mutex<Kept>,
}

impl PartnerLog {
    pub fn new(clock: Instant, limits: LogLimits, redactor: Arc<Redactor>) -> Self {
        Self {
            clock,
            limits,
            redactor,
            kept: Mutex::new(Kept::default()),
        }
    }

    fn kept(&self) -> MutexGuard<'_, Kept> {
        match self.kept.lock() {
            Ok(k) => k,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn clean(&self, text: &str) -> String {
        crate::hooks::mask_credentials(&self.redactor.body_text(text))
    }

    /// Records one line as it arrives.
    pub fn push(&self, stream: Stream, raw: &[u8]) {
        let text = String::from_utf8_lossy(raw);
        let text = self.clean(text.trim_end_matches(['\r', '\n']));
        let text = crate::record::exchange::cut(text, self.limits.line_bytes);
        let line = LogLine {
            at: self.clock.elapsed(),
            stream,
            text,
        };
        let mut kept = self.kept();
        kept.bytes += line.text.len();
        kept.lines.push_back(line);
        while kept.bytes > self.limits.total_bytes {
            let Some(old) = kept.lines.pop_front() else {
                break;
            };
            kept.bytes -= old.text.len();
            kept.dropped += 1;
        }
    }

    fn read(&self, pick: impl Fn(&LogLine) -> bool) -> Vec<LogLine> {
        let kept = self.kept();
        kept.lines
            .iter()
            .filter(|l| pick(l))
            .map(|l| LogLine {
                text: self.clean(&l.text),
                ..l.clone()
            })
            .collect()
    }

    /// Lines printed at or after `from` and before `to` (both on the run's clock).
    pub fn between(&self, from: Duration, to: Duration) -> Vec<LogLine> {
        self.read(|l| l.at >= from && l.at < to)
    }

    /// The last `n` lines.
    pub fn last(&self, n: usize) -> Vec<LogLine> {
        let all = self.read(|_| true);
        let skip = all.len().saturating_sub(n);
        all.into_iter().skip(skip).collect()
    }

    pub fn all(&self) -> Vec<LogLine> {
        self.read(|_| true)
    }

    /// Lines dropped to stay within the budget.
    pub fn dropped(&self) -> u64 {
        self.kept().dropped
    }

    /// Bytes kept now.
    pub fn bytes(&self) -> usize {
        self.kept().bytes
    }
}

/// Raw bytes of one line read beyond the kept length, so a secret that crosses the cut is still
/// redacted whole before the line is cut.
const REDACTION_MARGIN: usize = 64 * 1024;

/// Reads `stream` to its end, one line at a time into `log`; a line longer than the limit plus
/// a margin has its rest skipped, so a line without an end cannot grow memory.
pub(crate) async fn capture(stream: impl AsyncRead + Unpin, which: Stream, log: Arc<PartnerLog>) {
    let mut stream = stream;
    let mut line: Vec<u8> = Vec::new();
    let mut overflow = false;
    let mut chunk = [0u8; 4096];
    let cap = log.limits.line_bytes + REDACTION_MARGIN;
    loop {
        let n = match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for piece in chunk[..n].split_inclusive(|b| *b == b'\n') {
            let ends = piece.ends_with(b"\n");
            if !overflow {
                let room = cap.saturating_sub(line.len());
                line.extend_from_slice(&piece[..piece.len().min(room)]);
                overflow = line.len() >= cap && !ends;
            }
            if ends {
                log.push(which, &line);
                line.clear();
                overflow = false;
            }
        }
    }
    if !line.is_empty() {
        log.push(which, &line);
    }
}
