//! The run's journal: every exchange with the partner, in order. Checks take their evidence from
//! it; the timing suite and reports read it whole.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::clock::RunClock;
use super::exchange::Exchange;

tokio::task_local! {
    /// The check whose future is running (set by the runner), so exchanges of checks running
    /// side by side (`--jobs`) are told apart.
    static CHECK: Arc<str>;
}

/// Runs `fut` as the work of check `id`: the exchanges it makes are that check's.
pub async fn as_check<F: std::future::Future>(id: &str, fut: F) -> F::Output {
    CHECK.scope(Arc::from(id), fut).await
}

/// The check whose future is running, if any.
pub fn current_check() -> Option<Arc<str>> {
    CHECK.try_with(Arc::clone).ok()
}

/// Runs `fut` (e.g. a spawned task) as the work of the check running now, if any.
pub fn in_current_check<F: std::future::Future>(
    fut: F,
) -> impl std::future::Future<Output = F::Output> {
    let owner = CHECK.try_with(Arc::clone).ok();
    async move {
        match owner {
            Some(id) => CHECK.scope(id, fut).await,
            None => fut.await,
        }
    }
}

#[derive(Debug)]
pub struct Journal {
    clock: RunClock,
    next_seq: AtomicU64,
    exchanges: Mutex<Vec<Arc<Exchange>>>,
    /// Changes with every exchange pushed, for live output.
    pushed: tokio::sync::watch::Sender<usize>,
    /// The check each exchange was made by (by `seq`), when one was running.
    owners: Mutex<std::collections::HashMap<u64, Arc<str>>>,
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
            owners: Mutex::new(std::collections::HashMap::new()),
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
        if let (Ok(owner), Ok(mut owners)) = (CHECK.try_with(Arc::clone), self.owners.lock()) {
            owners.insert(exchange.seq, owner);
        }
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

    /// Exchanges from `seq` on made by check `id` (or by no check, e.g. a spawned task).
    pub fn since_for(&self, seq: u64, id: &str) -> Vec<Arc<Exchange>> {
        let owners = self.owners.lock().map(|o| o.clone()).unwrap_or_default();
        self.since(seq)
            .into_iter()
            .filter(|x| owners.get(&x.seq).is_none_or(|o| &**o == id))
            .collect()
    }

    /// The last exchange sent before `seq` that got an answer (whichever check made it, finished
    /// or not): its sequence number and label.
    pub fn answered_before(&self, seq: u64) -> Option<(u64, String)> {
        let exchanges = self.exchanges.lock().ok()?;
        exchanges
            .iter()
            .filter(|x| x.seq < seq && x.response.is_some())
            .max_by_key(|x| x.seq)
            .map(|x| (x.seq, x.label.clone()))
    }

    /// Exchanges whose sequence number is at least `seq`.
    pub fn since(&self, seq: u64) -> Vec<Arc<Exchange>> {
        self.all().into_iter().filter(|x| x.seq >= seq).collect()
    }
}
