//! The inbound journal: every call the partner makes to the platform, redacted, in order. Checks
//! wait on it event-driven: a waiter sleeps on a watch channel until a matching call arrives or
//! the deadline passes, and a miss reports what did arrive instead.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::record::{Inbound, RunClock};

/// Entries kept whole; later ones are kept without headers and body.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
pub struct InboundJournal {
    clock: RunClock,
    entries: Mutex<Vec<Arc<Inbound>>>,
    count: watch::Sender<usize>,
}

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

    /// Waits until `matches` accepts an entry, or `deadline` passes. On a miss, returns every
    /// entry seen, so the caller can say what arrived instead.
    pub async fn wait_for(
        &self,
        deadline: Duration,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Result<Arc<Inbound>, Vec<Arc<Inbound>>> {
        let give_up = tokio::time::Instant::now() + deadline;
        match self
            .wait_until(give_up, std::future::pending::<()>(), matches)
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
            seq: 0,
            at_ms: 0,
            method: "POST".into(),
            path: "/x".into(),
            headers: vec![],
            body: None,
            status: 200,
            resource: Some("r".into()),
            scope: None,
            kind,
            error: None,
            message: None,
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
