//! Cleanup: every resource the ledger says may still exist is deprovisioned, all at once, within
//! one overall budget. A resource counts as removed only on proof (see the ledger); one the
//! partner accepted and then answers 404 for is tried again by its provider id, and listed as a
//! possible leftover, with both curl forms and why, when that does not answer 2xx either.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use crate::partner::client::Delivery;
use crate::partner::{Credentials, PartnerClient};
use crate::record::ledger::{Entry, EntryState, Ledger};

/// The budget of the cleanup at the end of a run.
pub const RUN_BUDGET: Duration = Duration::from_secs(30);
/// The budget of the cleanup after an interrupt: CI sends SIGTERM 7.5 s after SIGINT.
pub const INTERRUPTED_BUDGET: Duration = Duration::from_secs(4);
/// Attempts per resource on a 5xx or no answer: Heroku retries failed deliveries too.
const ATTEMPTS: u32 = 3;
/// At most this many removals of one resource the partner keeps copies of.
const MAX_REMOVALS: u32 = 16;
/// At most this many removals in flight at once.
const PARALLEL: usize = 16;

/// Removes what the ledger says may still exist, within `budget` (the `cleanup` command); returns
/// what may remain, each with why. No platform serves deprovision actions here, so a removal
/// answered 202 earlier is asked for again, and the partner's answer is the proof.
pub async fn run(client: &PartnerClient, ledger: &Arc<Ledger>, budget: Duration) -> Vec<Entry> {
    for e in ledger.outstanding() {
        ledger.reopen_removal(&e.uuid);
    }
    run_until(client, ledger, budget, None).await
}

/// `run`, cut down to `INTERRUPTED_BUDGET` from the moment `interrupt` fires (a signal during the
/// cleanup at the end of a run).
pub async fn run_until(
    client: &PartnerClient,
    ledger: &Arc<Ledger>,
    budget: Duration,
    interrupt: Option<&crate::runner::Interrupt>,
) -> Vec<Entry> {
    let outstanding = ledger.outstanding();
    if outstanding.is_empty() {
        return outstanding;
    }
    let gate = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut set = JoinSet::new();
    // An asynchronous removal (202) ends with its deprovision action, not with another DELETE:
    // the run waits for the action beside this; without it, the entry remains, with its curl.
    for entry in outstanding
        .into_iter()
        .filter(|e| e.state != EntryState::RemovalRequested)
    {
        let (client, gate) = (client.clone(), gate.clone());
        set.spawn(async move {
            let _permit = gate.acquire_owned().await;
            remove(&client, &entry).await;
        });
    }
    let all = async { while set.join_next().await.is_some() {} };
    let cut = async {
        match interrupt {
            Some(i) => {
                i.triggered().await;
                tokio::time::sleep(INTERRUPTED_BUDGET).await;
            }
            None => std::future::pending().await,
        }
    };
    let finished = tokio::select! {
        () = all => true,
        () = tokio::time::sleep(budget) => false,
        () = cut => false,
    };
    if !finished {
        set.abort_all();
        for e in ledger.outstanding() {
            if e.why.is_none() {
                ledger.note(
                    &e.uuid,
                    &format!(
                        "its removal did not finish within the cleanup budget of {}s",
                        budget.as_secs()
                    ),
                );
            }
        }
    }
    ledger.outstanding()
}

/// Deprovisions one resource: by uuid, retrying a 5xx or no answer; then, when a resource the
/// partner accepted is answered 404/410, once by its provider id.
async fn remove(client: &PartnerClient, entry: &Entry) {
    let ledger = client.ledger();
    let mut last = None;
    let (mut sent, mut failures) = (0, 0);
    while failures < ATTEMPTS && sent < MAX_REMOVALS {
        sent += 1;
        let label = format!("cleanup (attempt {sent})");
        let reply = client
            .deprovision(&entry.uuid, Credentials::Manifest, &label)
            .await;
        last = reply.status;
        match (reply.status, reply.delivery) {
            (None, Delivery::NotSent) => ledger.note(
                &entry.uuid,
                &format!(
                    "its removal could not reach the partner: {}",
                    reply
                        .exchange
                        .error
                        .as_deref()
                        .unwrap_or("connection failed")
                ),
            ),
            (None, _) | (Some(500..), _) => {}
            // Accepted for later: only its action (or, after the run, a later answer) proves it.
            (Some(202), _) => break,
            // Another copy went; the next removal may find one more.
            (Some(200..=299), _) if entry.copies => {
                if ledger
                    .entry(&entry.uuid)
                    .is_none_or(|e| e.state == EntryState::Removed)
                {
                    return;
                }
                continue;
            }
            (Some(_), _) => break,
        }
        failures += 1;
        if failures < ATTEMPTS {
            tokio::time::sleep(Duration::from_millis(200 * u64::from(failures))).await;
        }
    }
    let Some(now) = ledger.entry(&entry.uuid) else {
        return;
    };
    let (Some(status @ (404 | 410)), Some(id)) = (last, now.other_id()) else {
        return;
    };
    if now.state == EntryState::Removed {
        return;
    }
    let reply = client
        .deprovision_at(
            &entry.uuid,
            id,
            Credentials::Manifest,
            "cleanup by provider id",
        )
        .await;
    if !reply.is_success() && !reply.status.is_some_and(|s| (200..300).contains(&s)) {
        ledger.note(
            &entry.uuid,
            &format!(
                "the partner accepted this provision, yet its removal answered {status} by uuid \
                 and {} by provider id: it may still exist",
                reply
                    .status
                    .map_or_else(|| "no answer".to_owned(), |s| s.to_string())
            ),
        );
    }
}

#[cfg(test)]
mod tests;
