//! The event stream of a run whose suites may run side by side (`--jobs`): the earliest
//! unfinished suite in plan order streams its events live; later suites buffer theirs until
//! every suite before them has finished. Whatever the timing, the sinks see the events of a
//! serial run, in the same order; with `--jobs 1` nothing is ever buffered.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::record::events::{Event, EventSink};

pub(super) struct Stream<'s> {
    state: Mutex<State<'s>>,
    /// Inbound calls already given to a check's traffic (each is reported once).
    pub inbound_reported: AtomicUsize,
}

struct State<'s> {
    sink: &'s mut dyn EventSink,
    /// The suite whose events go out live.
    head: usize,
    buffers: Vec<Vec<Event>>,
    finished: Vec<bool>,
}

impl<'s> Stream<'s> {
    pub fn new(sink: &'s mut dyn EventSink, suites: usize) -> Self {
        Self {
            state: Mutex::new(State {
                sink,
                head: 0,
                buffers: vec![Vec::new(); suites],
                finished: vec![false; suites],
            }),
            inbound_reported: AtomicUsize::new(0),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State<'s>> {
        match self.state.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        }
    }

    /// An event of suite `suite` (its index in the plan).
    pub fn emit(&self, suite: usize, event: &Event) {
        let mut s = self.state();
        if suite == s.head {
            s.sink.emit(event);
        } else if let Some(buffer) = s.buffers.get_mut(suite) {
            buffer.push(event.clone());
        }
    }

    /// The sink back, once every suite is done.
    pub fn into_sink(self) -> &'s mut dyn EventSink {
        match self.state.into_inner() {
            Ok(s) => s.sink,
            Err(p) => p.into_inner().sink,
        }
    }

    /// An event of the run itself (before the first suite starts or after the last ends).
    pub fn emit_run(&self, event: &Event) {
        self.state().sink.emit(event);
    }

    /// Suite `suite` is done (or will never start): later suites' events go out as their turn
    /// comes.
    pub fn finish(&self, suite: usize) {
        let mut s = self.state();
        if let Some(f) = s.finished.get_mut(suite) {
            *f = true;
        }
        while s.head < s.finished.len() && s.finished[s.head] {
            s.head += 1;
            let head = s.head;
            if let Some(buffer) = s.buffers.get_mut(head) {
                let events = std::mem::take(buffer);
                for e in &events {
                    s.sink.emit(e);
                }
            }
        }
    }

    /// Takes the inbound calls from index `from` to `to` not yet reported; returns where to
    /// start (each inbound call goes to one check's traffic).
    pub fn claim_inbound(&self, from: usize, to: usize) -> usize {
        let before = self.inbound_reported.fetch_max(to, Ordering::Relaxed);
        before.max(from).min(to)
    }
}

/// What one suite's code emits through: the stream, tagged with the suite's index.
pub(super) struct SuiteSink<'a, 's> {
    pub stream: &'a Stream<'s>,
    pub suite: usize,
}

impl EventSink for SuiteSink<'_, '_> {
    fn emit(&mut self, event: &Event) {
        self.stream.emit(self.suite, event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::events::Recorder;

    fn note(text: &str) -> Event {
        Event::Note { text: text.into() }
    }

    fn texts(r: &Recorder) -> Vec<String> {
        r.events
            .iter()
            .filter_map(|e| match e {
                Event::Note { text } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn later_suites_wait_for_their_turn() {
        let mut rec = Recorder::default();
        {
            let stream = Stream::new(&mut rec, 3);
            stream.emit(2, &note("c1"));
            stream.emit(1, &note("b1"));
            stream.emit(0, &note("a1"));
            stream.finish(2);
            stream.emit(1, &note("b2"));
            stream.finish(0);
            stream.emit(1, &note("b3"));
            stream.finish(1);
        }
        assert_eq!(texts(&rec), ["a1", "b1", "b2", "b3", "c1"]);
    }
}
