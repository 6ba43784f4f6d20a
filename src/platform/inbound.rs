//! The inbound journal: every call the partner makes to the platform, redacted, in order. Checks
//! wait on it event-driven: a waiter sleeps on a watch channel until a matching call arrives or
//! the deadline passes, and a miss reports what did arrive instead.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::record::{Inbound, RunClock};

/// Entries kept whole; later ones are kept without headers and body.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
pub struct InboundJournal {
    clock: RunClock,
    entries: Mutex<Vec<Arc<Inbound>>>,
    count: watch::Sender<usize>,
    /// The waits in progress, newest last, for progress output ("waiting for …: 12 s of 10m").
    pending: Mutex<Vec<PendingWait>>,
}

/// A wait on the journal in progress: what for, since when, and for how long at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWait {
    pub id: u64,
    pub what: String,
    pub since: Instant,
    pub limit: Duration,
}

/// Removes its wait from the pending list when the wait ends (also when it is cancelled).
struct PendingGuard<'a> {
    journal: &'a InboundJournal,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut p) = self.journal.pending.lock() {
            p.retain(|w| w.id != self.id);
        }
    }
}

static NEXT_WAIT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Default for InboundJournal {
    fn default() -> Self {
        Self::on(RunClock::start())
    }
}

impl InboundJournal {
    /// A journal counting from the run's clock (`at_ms` of every entry).
    pub fn on(clock: RunClock) -> Self {
        Self {
            clock,
            entries: Mutex::new(Vec::new()),
            count: watch::Sender::new(0),
            pending: Mutex::new(Vec::new()),
        }
    }

    pub fn elapsed_ms(&self) -> u64 {
        self.clock.elapsed_ms()
    }

    pub fn push(&self, mut entry: Inbound) -> Arc<Inbound> {
        let entry = {
            let mut entries = match self.entries.lock() {
                Ok(e) => e,
                Err(p) => p.into_inner(),
            };
            // A partner flooding the platform keeps the harness's memory bounded: past the cap,
            // calls are still answered and counted (`seq`), but keep no headers or body.
            if entries.len() >= MAX_ENTRIES {
                entry.headers.clear();
                entry.body = None;
            }
            entry.seq = entries.len() as u64 + 1;
            let entry = Arc::new(entry);
            entries.push(entry.clone());
            entry
        };
        self.count.send_modify(|n| *n += 1);
        entry
    }

    pub fn all(&self) -> Vec<Arc<Inbound>> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// Calls concerning `resource`.
    pub fn for_resource(&self, resource: &str) -> Vec<Arc<Inbound>> {
        self.all()
            .into_iter()
            .filter(|i| i.resource.as_deref() == Some(resource))
            .collect()
    }

    /// A receiver that changes whenever an entry arrives (the journal only grows).
    pub fn subscribe(&self) -> watch::Receiver<usize> {
        self.count.subscribe()
    }

    /// The newest wait in progress, if any.
    pub fn pending_wait(&self) -> Option<PendingWait> {
        self.pending.lock().ok().and_then(|p| p.last().cloned())
    }

    /// Waits until `matches` accepts an entry, or `deadline` passes. On a miss, returns every
    /// entry seen, so the caller can say what arrived instead.
    pub async fn wait_for(
        &self,
        deadline: Duration,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Result<Arc<Inbound>, Vec<Arc<Inbound>>> {
        self.wait_for_what("a callback from the add-on", deadline, matches)
            .await
    }

    /// `wait_for`, saying what it waits for (shown while it waits, e.g. "actions/provision").
    pub async fn wait_for_what(
        &self,
        what: &str,
        deadline: Duration,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Result<Arc<Inbound>, Vec<Arc<Inbound>>> {
        let give_up = tokio::time::Instant::now() + deadline;
        match self
            .wait_until_what(what, give_up, std::future::pending::<()>(), matches)
            .await
        {
            Waited::Arrived(hit) => Ok(hit),
            Waited::Missed | Waited::Cancelled => Err(self.all()),
        }
    }

    /// Waits until `matches` accepts an entry, the absolute `deadline` passes, or `cancel`
    /// resolves (the run's interrupt). A deadline already past looks once and returns.
    pub async fn wait_until(
        &self,
        deadline: tokio::time::Instant,
        cancel: impl std::future::Future<Output = ()>,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Waited {
        self.wait_until_what("a callback from the add-on", deadline, cancel, matches)
            .await
    }

    /// `wait_until`, saying what it waits for (shown while it waits).
    pub async fn wait_until_what(
        &self,
        what: &str,
        deadline: tokio::time::Instant,
        cancel: impl std::future::Future<Output = ()>,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Waited {
        let id = NEXT_WAIT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut p) = self.pending.lock() {
            p.push(PendingWait {
                id,
                what: what.to_owned(),
                since: Instant::now(),
                limit: deadline.saturating_duration_since(tokio::time::Instant::now()),
            });
        }
        let _guard = PendingGuard { journal: self, id };
        let mut rx = self.count.subscribe();
        tokio::pin!(cancel);
        loop {
            rx.borrow_and_update();
            if let Some(hit) = self.all().into_iter().find(|i| matches(i)) {
                return Waited::Arrived(hit);
            }
            tokio::select! {
                biased;
                () = &mut cancel => return Waited::Cancelled,
                changed = tokio::time::timeout_at(deadline, rx.changed()) => match changed {
                    Ok(Ok(())) => continue,
                    Ok(Err(_)) | Err(_) => return Waited::Missed,
                },
            }
        }
    }
}

/// How a wait on the journal ended.
#[derive(Debug, Clone)]
pub enum Waited {
    Arrived(Arc<Inbound>),
    /// The deadline passed without a matching entry.
    Missed,
    /// The wait was cancelled (the run was interrupted).
    Cancelled,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::InboundKind;

    fn entry(kind: InboundKind) -> Inbound {
        Inbound {
            resource: Some("r".into()),
            ..Inbound::new(kind, "POST", "/x", 200)
        }
    }

    #[tokio::test]
    async fn a_waiter_wakes_on_the_matching_entry() {
        let j = Arc::new(InboundJournal::default());
        let j2 = j.clone();
        let waiter = tokio::spawn(async move {
            j2.wait_for(Duration::from_secs(5), |i| {
                i.kind == InboundKind::ConfigUpdate
            })
            .await
        });
        tokio::task::yield_now().await;
        j.push(entry(InboundKind::TokenExchange));
        j.push(entry(InboundKind::ConfigUpdate));
        let hit = waiter.await.unwrap().unwrap();
        assert_eq!(hit.kind, InboundKind::ConfigUpdate);
        assert_eq!(hit.seq, 2);
    }

    #[tokio::test]
    async fn a_wait_in_progress_says_what_it_waits_for_until_it_ends() {
        let j = Arc::new(InboundJournal::default());
        let j2 = j.clone();
        let mut rx = j.subscribe();
        let waiter = tokio::spawn(async move {
            j2.wait_for_what("actions/provision", Duration::from_secs(5), |i| {
                i.kind == InboundKind::ProvisionAction
            })
            .await
        });
        // The waiter registers before it first looks at the journal; poll the board by events.
        let pending = loop {
            if let Some(p) = j.pending_wait() {
                break p;
            }
            tokio::task::yield_now().await;
        };
        assert_eq!(pending.what, "actions/provision");
        assert!(
            pending.limit <= Duration::from_secs(5) && pending.limit > Duration::from_secs(4),
            "{pending:?}"
        );
        j.push(entry(InboundKind::ProvisionAction));
        rx.changed().await.unwrap();
        waiter.await.unwrap().unwrap();
        assert_eq!(j.pending_wait(), None);
    }

    #[tokio::test]
    async fn a_miss_reports_what_arrived() {
        let j = InboundJournal::default();
        j.push(entry(InboundKind::TokenExchange));
        let miss = j
            .wait_for(Duration::from_millis(10), |i| {
                i.kind == InboundKind::AppInfo
            })
            .await
            .unwrap_err();
        assert_eq!(miss.len(), 1);
    }

    #[tokio::test]
    async fn a_cancelled_wait_ends_before_its_deadline() {
        let j = InboundJournal::default();
        let far = tokio::time::Instant::now() + Duration::from_secs(3600);
        let waited = j
            .wait_until(far, std::future::ready(()), |i| {
                i.kind == InboundKind::AppInfo
            })
            .await;
        assert!(matches!(waited, Waited::Cancelled), "{waited:?}");
    }

    #[tokio::test]
    async fn a_past_deadline_looks_once() {
        let j = InboundJournal::default();
        j.push(entry(InboundKind::TokenExchange));
        let past = tokio::time::Instant::now();
        let hit = j
            .wait_until(past, std::future::pending(), |i| {
                i.kind == InboundKind::TokenExchange
            })
            .await;
        assert!(matches!(hit, Waited::Arrived(_)));
        let miss = j
            .wait_until(past, std::future::pending(), |i| {
                i.kind == InboundKind::AppInfo
            })
            .await;
        assert!(matches!(miss, Waited::Missed));
    }
}
