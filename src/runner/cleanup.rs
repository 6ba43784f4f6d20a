//! Cleanup: every resource the ledger says may still exist is deprovisioned, all at once, within
//! one overall budget. A resource counts as removed only on proof (see the ledger); one the
//! partner accepted and then answers 404 for is tried again by its provider id, and listed as a
//! possible leftover, with both curl forms and why, when that does not answer 2xx either.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use crate::check::{Removal, RunCtx};
use crate::partner::client::Delivery;
use crate::partner::{Credentials, PartnerClient};
use crate::record::ledger::{Entry, EntryState, Ledger};
use crate::runner::Interrupt;

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

/// Cleanup at the end of a run: the deprovisions of `run_until`, then each
/// asynchronous removal (a DELETE answered 202, during the run or the cleanup) waits for its
/// deprovision action up to the one deadline fixed when its 202 arrived (even after an
/// interrupt), so these waits overlap everything before them. A removal whose action did not
/// arrive stays a leftover, with its curl. Returns what may remain.
pub(super) async fn after_run(
    ctx: &RunCtx,
    budget: std::time::Duration,
    interrupt: &Interrupt,
) -> Vec<Entry> {
    // After an interrupt every wait ends by one instant, the cleanup's short budget from the
    // moment the interrupt is seen: CI kills the process soon after its signal.
    let cut_at = std::sync::OnceLock::new();
    let cut = || async {
        interrupt.triggered().await;
        let at = *cut_at.get_or_init(|| tokio::time::Instant::now() + INTERRUPTED_BUDGET);
        tokio::time::sleep_until(at).await;
    };
    if interrupt.is_triggered() {
        cut_at.get_or_init(|| tokio::time::Instant::now() + INTERRUPTED_BUDGET);
    }
    // Heroku considers a resource `deprovisioning` from the moment it sends the DELETE, as
    // `RunCtx::deprovision` does for the run's own removals.
    let pending: Vec<_> = ctx
        .ledger
        .outstanding()
        .into_iter()
        .filter(|e| e.state != EntryState::RemovalRequested)
        .filter_map(|e| {
            let before = ctx.platform.addon_state(&e.uuid)?;
            ctx.platform
                .record_async_deprovision(&e.uuid)
                .then_some((e.uuid, before))
        })
        .collect();
    run_until(&ctx.partner, &ctx.ledger, budget, Some(interrupt)).await;
    for (uuid, before) in pending {
        match ctx.ledger.entry(&uuid).map(|e| e.state) {
            Some(EntryState::RemovalRequested) => {}
            Some(EntryState::Removed) => ctx.platform.record_deprovision(&uuid),
            _ => ctx.platform.cancel_async_deprovision(&uuid, before),
        }
    }
    for entry in ctx.ledger.outstanding() {
        // A 202 the cleanup got owes its action from now.
        if entry.state == EntryState::RemovalRequested
            && ctx.removal_deadline(&entry.uuid).is_none()
        {
            ctx.owe_removal(&entry.uuid);
        }
    }
    for entry in ctx.ledger.outstanding() {
        if entry.state != EntryState::RemovalRequested {
            continue;
        }
        let why = match ctx.removal_until(&entry.uuid, cut()).await {
            Some(Removal::Completed(_)) => continue,
            Some(Removal::Missing(_)) => {
                "the partner accepted its removal for later (202), and its deprovision action did \
                 not arrive by its deadline"
            }
            None => {
                "the partner accepted its removal for later (202); the run was interrupted while \
                 waiting for its deprovision action"
            }
        };
        ctx.ledger.note(&entry.uuid, why);
    }
    ctx.ledger.outstanding()
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
