//! What one check sees of the run (`CheckCtx`): accessors over the `RunCtx`, never its journal
//! or ledger.

use std::any::Any;
use std::future::Future;
use std::sync::Arc;

use super::ctx::RunCtx;
use super::holder::Scope;
use super::owed::{Cancel, OwedKind};
use super::resource::{Provision, Provisioned, Resource};
use super::verdict::Stop;
use crate::config::Settings;
use crate::heroku::App;
use crate::manifest::Manifest;
use crate::partner::{Credentials, PartnerClient, Reply};
use crate::platform::Platform;
use crate::record::outcome::Outcome;
use crate::record::{Exchange, Inbound};
use crate::redact::Redactor;

/// What one check sees of the run: its inputs, requests to the partner, the platform, shared
/// resources and memos. No journal or ledger internals. A check asks for "the primary" and gets
/// the copy its suite may use (`Scope`): the run's, or its suite's own.
pub struct CheckCtx<'a> {
    run: &'a RunCtx,
    scope: Scope,
    /// The app its shared resources are installed on (the run's, or its suite's own).
    app: App,
}

impl<'a> CheckCtx<'a> {
    /// A check using the run's copies of every shared resource.
    pub fn new(run: &'a RunCtx) -> Self {
        Self::in_scope(run, Scope::RUN)
    }

    /// A check of a suite that sees the shared resources through `scope`.
    pub fn in_scope(run: &'a RunCtx, scope: Scope) -> Self {
        let app = run.app_of(scope.holder_of(Resource::Primary));
        Self { run, scope, app }
    }

    pub fn manifest(&self) -> &'a Manifest {
        &self.run.manifest
    }

    pub fn settings(&self) -> &'a Settings {
        &self.run.settings
    }

    /// The run's resolved settings, section by section.
    pub fn config(&self) -> &'a Settings {
        &self.run.settings
    }

    /// The app the primary resource this check uses is installed on.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// The partner client, for requests other than provisions (see `probe`).
    pub fn partner(&self) -> &'a PartnerClient {
        &self.run.partner
    }

    pub fn platform(&self) -> &'a Arc<Platform> {
        &self.run.platform
    }

    pub fn redactor(&self) -> &'a Arc<Redactor> {
        &self.run.redactor
    }

    /// Every exchange of the run so far.
    pub fn exchanges(&self) -> Vec<Arc<Exchange>> {
        self.run.journal.all()
    }

    /// The hint of a finding about a missing callback: `usual`, or, when no request of any kind
    /// reached the platform during the run, that (a longer wait would not help). Log lines do
    /// not count: they go to the `log_input_url` the provision names, which an add-on that
    /// hardcodes Heroku's API hosts still uses.
    pub fn callback_hint(&self, usual: &str) -> String {
        let calls = self.run.platform.journal().all();
        if calls
            .iter()
            .all(|i| i.kind == crate::record::InboundKind::LogWrite)
        {
            super::triage::NO_CALLBACK.to_owned()
        } else {
            usual.to_owned()
        }
    }

    pub fn default_plan(&self) -> &'a str {
        self.run.default_plan()
    }

    pub fn outcome_of(&self, check: &str) -> Option<Outcome> {
        self.run.outcome_of(check)
    }

    /// The run's interrupt (every wait must end when it triggers).
    pub fn interrupt(&self) -> Cancel {
        self.run.interrupt()
    }

    /// The instant `ms` after the run started (journals' `at_ms` / `started_ms`).
    pub fn at_run_ms(&self, ms: f64) -> tokio::time::Instant {
        let started = tokio::time::Instant::from_std(self.run.journal.clock().started());
        started + std::time::Duration::from_secs_f64(ms.max(0.0) / 1000.0)
    }

    /// Starts an obligation (first registration wins); the deadline in force.
    pub fn owe(
        &self,
        uuid: &str,
        kind: OwedKind,
        deadline: tokio::time::Instant,
    ) -> tokio::time::Instant {
        self.run.owe(uuid, kind, deadline)
    }

    pub fn owed_deadline(&self, uuid: &str, kind: OwedKind) -> Option<tokio::time::Instant> {
        self.run.owed_deadline(uuid, kind)
    }

    /// Waits for an inbound call until an absolute deadline; see `RunCtx::wait_inbound`.
    pub async fn wait_inbound(
        &self,
        deadline: tokio::time::Instant,
        waiting_for: &str,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Result<Option<Arc<Inbound>>, Stop> {
        self.run.wait_inbound(deadline, waiting_for, matches).await
    }

    /// Latency figures for this check's result (the JSON report carries them).
    pub fn measured(&self, figures: Vec<crate::record::outcome::EndpointLatency>) {
        self.run.measured(figures);
    }

    pub fn probe(&self, plan: &str) -> Provision<'a> {
        self.run.probe(plan)
    }

    pub fn probe_in(&self, plan: &str, region: &str) -> Provision<'a> {
        self.run.probe_in(plan, region)
    }

    /// A provision of a fresh uuid on the app of the primary this check uses (`app`).
    pub fn on_run_app(&self, plan: &str) -> Result<Provision<'a>, Stop> {
        self.run.on_app(&self.app, plan, None).map_err(Stop::Error)
    }

    pub async fn deprovision(&self, uuid: &str, credentials: Credentials, label: &str) -> Reply {
        self.run.deprovision(uuid, credentials, label).await
    }

    /// The deadline of the asynchronous removal of `uuid` (its DELETE was answered 202).
    pub fn removal_deadline(&self, uuid: &str) -> Option<tokio::time::Instant> {
        self.run.removal_deadline(uuid)
    }

    /// Waits, up to the removal's deadline, for the deprovision action completing the
    /// asynchronous removal of `uuid` (see `RunCtx::removal`); interrupt-aware.
    pub async fn removal(&self, uuid: &str) -> Result<super::Removal, Stop> {
        self.run.removal(uuid).await
    }

    /// Before a probe of `uuid` as a removed resource: when its removal is still pending (its
    /// DELETE was answered 202), waits for the deprovision action that completes it, up to the
    /// removal's one absolute deadline (the instant ASYNC-07 and the cleanup wait for, so the
    /// wait costs no extra time). Heroku sends nothing to a resource that is still deprovisioning, and an
    /// add-on may rightly keep it until its removal job ends. `Ok` when no removal is pending or
    /// it completed; a skip saying why when the action never came (ASYNC-07 judges that).
    pub async fn removal_settled(&self, uuid: &str) -> Result<(), Stop> {
        if self.removal_deadline(uuid).is_none() {
            return Ok(());
        }
        match self.removal(uuid).await? {
            super::Removal::Completed(_) => Ok(()),
            super::Removal::Missing(_) => super::skip(format!(
                "the removal of {uuid} was answered 202 and its deprovision action did not arrive: the resource may still be deprovisioning, and Heroku sends it nothing until the action completes the removal (ASYNC-07 judges the missing action)"
            )),
        }
    }

    /// Sends the provision of `res` again, as it was (a repeated delivery).
    pub async fn resend(&self, res: &Provisioned, label: &str) -> Reply {
        let reply = self
            .run
            .partner
            .provision(&res.request, Credentials::Manifest, label)
            .await;
        self.run.platform.record_answer(&res.uuid, &reply);
        reply
    }

    /// Tells the cleanup that a copy of a removed resource survived (the partner keeps one row
    /// per delivery): only a 404/410 proves it gone.
    pub fn copies_survived(&self, uuid: &str) {
        self.run.ledger.copies_survived(uuid);
    }

    /// Tells the cleanup that a resource was removed by other means than a deprovision.
    pub fn mark_removed(&self, uuid: &str) {
        self.run.ledger.removed(uuid);
    }

    /// A probe the partner should have refused destroyed the shared resource `res`: later checks
    /// get a fresh one.
    pub fn lost_to_probe(&self, which: Resource, res: &Provisioned, why: &str) {
        self.run.lost_to_probe(self.scope, which, res, why);
    }

    /// Tells the cleanup that a refused provision was proven to have created nothing (the
    /// deprovision that proved it answered 404/410): not billable, not a leftover.
    pub fn mark_never_created(&self, uuid: &str) {
        self.run.ledger.never_created(uuid);
    }

    pub async fn resource(&self, which: Resource) -> Arc<Provisioned> {
        self.run.resource_in(self.scope, which).await
    }

    pub async fn live_resource(&self, which: Resource) -> Result<Arc<Provisioned>, Stop> {
        self.run.live_resource_in(self.scope, which).await
    }

    pub async fn memo<T, F>(&self, about: Option<Resource>, init: F) -> Result<Arc<T>, Stop>
    where
        T: Any + Send + Sync,
        F: Future<Output = T>,
    {
        self.run.memo(self.scope, about, init).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{ctx_for, deleting_with};
    use crate::record::InboundKind;
    use crate::record::ledger::EntryState;

    /// A context whose probe was provisioned and removed, the DELETE answered `status`; the
    /// partner is kept alive with it.
    async fn removed_with(
        status: u16,
        budget: std::time::Duration,
    ) -> (wiremock::MockServer, RunCtx, String) {
        let server = deleting_with(status).await;
        let ctx = ctx_for(&server.uri(), |c| {
            c.deprovision.asynchronous = true;
            c.timeouts.deprovision_action = budget;
        })
        .await;
        let probe = ctx.probe("basic");
        probe.send("provision").await;
        assert_eq!(probe.remove("deprovision").await.status, Some(status));
        let uuid = probe.uuid.clone();
        (server, ctx, uuid)
    }

    #[tokio::test]
    async fn a_synchronous_removal_is_settled_at_once() {
        let (_partner, ctx, uuid) = removed_with(204, std::time::Duration::from_secs(3600)).await;
        let cx = CheckCtx::new(&ctx);
        assert!(cx.removal_settled(&uuid).await.is_ok());
    }

    #[tokio::test]
    async fn a_pending_removal_is_awaited_until_its_action_arrives() {
        let (_partner, ctx, uuid) = removed_with(202, std::time::Duration::from_secs(3600)).await;
        let cx = CheckCtx::new(&ctx);
        let journal = ctx.platform.journal();
        let action = async {
            // The action comes while the probe waits for it.
            while journal.pending_wait().is_none() {
                tokio::task::yield_now().await;
            }
            journal.push(Inbound {
                resource: Some(uuid.clone()),
                ..Inbound::new(
                    InboundKind::DeprovisionAction,
                    "POST",
                    &format!("/addons/{uuid}/actions/deprovision"),
                    200,
                )
            });
        };
        let (settled, ()) = tokio::join!(cx.removal_settled(&uuid), action);
        assert!(settled.is_ok(), "{settled:?}");
        let state = ctx
            .ledger
            .entries()
            .into_iter()
            .find(|e| e.uuid == uuid)
            .map(|e| e.state);
        assert_eq!(state, Some(EntryState::Removed), "the action proves it");
    }

    #[tokio::test]
    async fn a_removal_whose_action_never_comes_skips_the_probe() {
        let (_partner, ctx, uuid) = removed_with(202, std::time::Duration::from_millis(30)).await;
        let cx = CheckCtx::new(&ctx);
        match cx.removal_settled(&uuid).await {
            Err(Stop::Skip(why)) => {
                assert!(
                    why.contains("ASYNC-07") && why.contains("deprovisioning"),
                    "{why}"
                );
            }
            other => panic!("expected a skip, got {other:?}"),
        }
    }
}
