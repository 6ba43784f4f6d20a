//! Removals as Heroku makes them: a deprovision marks the resource `deprovisioning` on the
//! platform before the DELETE; a 202 (asynchronous deprovisioning) owes the partner's
//! deprovision action by one absolute deadline, awaited by ASYNC-07, the probes of removed
//! resources, the cleanup and `exec`.

use std::future::Future;
use std::sync::Arc;

use super::RunCtx;
use crate::check::owed::{GRANT_GRACE, OwedKind};
use crate::check::verdict::{Stop, interrupted};
use crate::partner::{Credentials, Reply};
use crate::platform::inbound::Waited;
use crate::platform::state::{AddonState, TokenProspect};
use crate::record::ledger::EntryState;
use crate::record::{Inbound, InboundKind};

/// How an asynchronous removal (a DELETE answered 202) ended.
#[derive(Debug)]
pub enum Removal {
    /// The accepted deprovision action.
    Completed(Arc<Inbound>),
    /// No accepted action by the deadline: every call for the resource seen by then (none when
    /// no removal of the resource is pending).
    Missing(Vec<Arc<Inbound>>),
}

impl RunCtx {
    /// Sends a deprovision; when the partner removed the resource, so does the platform. Heroku
    /// considers the resource `deprovisioning` from the moment it sends the DELETE, so an
    /// asynchronous partner's action may arrive before the 202 does; a 202 leaves it so (gone
    /// once the action arrives, awaited by `removal`), any other failure restores its state.
    pub async fn deprovision(&self, uuid: &str, credentials: Credentials, label: &str) -> Reply {
        let _removing = self.removals.read().await;
        let real = credentials == Credentials::Manifest;
        let before = self.platform.addon_state(uuid);
        if before == Some(AddonState::Deprovisioning) {
            // A removal is pending (a repeat): only the partner's action completes it.
            return self.partner.deprovision(uuid, credentials, label).await;
        }
        let pending = real && self.platform.record_async_deprovision(uuid);
        let reply = self.partner.deprovision(uuid, credentials, label).await;
        match reply.status {
            // A removal accepted for later owes its action (not for a provision that created
            // nothing: Heroku never knew that resource).
            Some(202) if real && self.removal_pending(uuid) => {
                self.owe_removal(uuid);
            }
            // Heroku only considers a resource gone when it asked for the removal itself.
            Some(s) if real && ((200..300).contains(&s) || s == 404 || s == 410) => {
                self.platform.record_deprovision(uuid);
            }
            _ => {
                if let (true, Some(state)) = (pending, before) {
                    self.platform.cancel_async_deprovision(uuid, state);
                }
            }
        }
        reply
    }

    /// The ledger holds `uuid`'s removal as accepted for later (202), not yet confirmed.
    fn removal_pending(&self, uuid: &str) -> bool {
        self.ledger
            .entry(uuid)
            .is_some_and(|e| e.state == EntryState::RemovalRequested)
    }

    /// A 202 to the DELETE of `uuid`: its deprovision action is owed from now. Without enrolment
    /// in the beta the 202 already fails DEPROV-02: an action is awaited only as long as any other
    /// callback.
    pub fn owe_removal(&self, uuid: &str) {
        let t = &self.settings.timeouts;
        let budget = if self.settings.deprovision.asynchronous {
            t.deprovision_action
        } else {
            t.callback
        };
        self.owe(
            uuid,
            OwedKind::DeprovisionAction,
            tokio::time::Instant::now() + budget,
        );
    }

    /// The deadline of the asynchronous removal of `uuid` (a DELETE answered 202), fixed when the
    /// 202 arrived.
    pub fn removal_deadline(&self, uuid: &str) -> Option<tokio::time::Instant> {
        self.owed_deadline(uuid, OwedKind::DeprovisionAction)
    }

    /// Waits, up to the removal's one absolute deadline, for the deprovision action that completes
    /// the asynchronous removal of `uuid`; on arrival the ledger counts it removed. A `Stop` when
    /// the run's interrupt triggers first (a check's wait).
    pub async fn removal(&self, uuid: &str) -> Result<Removal, Stop> {
        let interrupt = self.interrupt();
        match self.removal_until(uuid, interrupt.triggered()).await {
            Some(removal) => Ok(removal),
            None => interrupted("the deprovision action"),
        }
    }

    /// The wait of `removal`, ended early by `cancel` (`None`): the cleanup's, which after an
    /// interrupt ends at the cleanup's short budget.
    pub async fn removal_until(
        &self,
        uuid: &str,
        cancel: impl Future<Output = ()>,
    ) -> Option<Removal> {
        let Some(deadline) = self.removal_deadline(uuid) else {
            return Some(Removal::Missing(Vec::new()));
        };
        let mut cancel = std::pin::pin!(cancel);
        loop {
            // The action needs a token for the resource: a partner that holds none and can no
            // longer exchange its grant will never send it, so the wait ends then.
            let (end, last) = match self.platform.token_prospect(uuid) {
                TokenProspect::Holds => (deadline, true),
                TokenProspect::Until(t) => {
                    let end = deadline.min(tokio::time::Instant::from_std(t) + GRANT_GRACE);
                    (end, end == deadline)
                }
                TokenProspect::Never => (deadline.min(tokio::time::Instant::now()), true),
            };
            let waited = self
                .platform
                .journal()
                .wait_until_what("the deprovision action", end, cancel.as_mut(), |i| {
                    i.kind == InboundKind::DeprovisionAction
                        && i.resource.as_deref() == Some(uuid)
                        && i.ok()
                })
                .await;
            match waited {
                Waited::Arrived(action) => {
                    self.ledger.removed(uuid);
                    return Some(Removal::Completed(action));
                }
                Waited::Missed if last => {
                    return Some(Removal::Missing(self.platform.journal().for_resource(uuid)));
                }
                Waited::Missed => {}
                Waited::Cancelled => return None,
            }
        }
    }
}
