//! The run's journal: every exchange with the partner, in order. Checks take their evidence from
//! it; the timing suite and reports read it whole.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::clock::RunClock;
use super::exchange::Exchange;

#[derive(Debug)]
pub struct Journal {
    clock: RunClock,
    next_seq: AtomicU64,
    exchanges: Mutex<Vec<Arc<Exchange>>>,
    /// Changes with every exchange pushed, for live output.
    pushed: tokio::sync::watch::Sender<usize>,
}

impl Default for Journal {
    fn default() -> Self {
        Self::new()
    }
}

impl Journal {
    pub fn new() -> Self {
        Self::on(RunClock::start())
    }

    /// A journal counting from the run's clock.
    pub fn on(clock: RunClock) -> Self {
        Self {
            clock,
            next_seq: AtomicU64::new(1),
            exchanges: Mutex::new(Vec::new()),
            pushed: tokio::sync::watch::Sender::new(0),
        }
    }

    /// The clock `started_ms` of exchanges counts from.
    pub fn clock(&self) -> RunClock {
        self.clock
    }

    pub fn next_seq(&self) -> u64 {
        self.next_seq.fetch_add(1, Ordering::Relaxed)
    }

    /// The sequence number the next exchange will get, without taking it.
    pub fn peek_next(&self) -> u64 {
        self.next_seq.load(Ordering::Relaxed)
    }

    pub fn push(&self, exchange: Arc<Exchange>) {
        if let Ok(mut x) = self.exchanges.lock() {
            x.push(exchange);
        }
        self.pushed.send_modify(|n| *n += 1);
    }

    /// A receiver that changes whenever an exchange is pushed.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<usize> {
        self.pushed.subscribe()
    }

    pub fn all(&self) -> Vec<Arc<Exchange>> {
        self.exchanges.lock().map(|x| x.clone()).unwrap_or_default()
    }

    /// Exchanges whose sequence number is at least `seq`.
    pub fn since(&self, seq: u64) -> Vec<Arc<Exchange>> {
        self.all().into_iter().filter(|x| x.seq >= seq).collect()
    }
}
