//! Resources the harness makes at the partner: the suites' shared resources (typed handles), what
//! a provision left behind (`Provisioned`), and the one provisioning handle (`Provision`) that
//! registers Heroku's side with the platform, sends (the client writes the ledger first) and tells
//! the platform how the partner answered.

use std::fmt;
use std::sync::Mutex;

use serde::Deserialize;
use serde_json::Value;
use tokio::task::JoinSet;

use super::ctx::RunCtx;
use crate::partner::{Credentials, Reply};

/// A resource several checks share, provisioned once per run on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Resource {
    /// On the default plan, on the run's app.
    Primary,
    /// On `[plans] async`; the primary when there is no async plan.
    Async,
    /// A second resource on the default plan (on the run's app with many_per_app).
    Secondary,
}

impl Resource {
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Primary => "primary",
            Resource::Async => "async",
            Resource::Secondary => "secondary",
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provision the harness made, successful or not.
#[derive(Debug)]
pub struct Provisioned {
    pub uuid: String,
    pub plan: String,
    /// The body sent (raw; holds the grant code).
    pub request: Value,
    pub reply: Reply,
    gone: Mutex<Option<String>>,
    /// The plan the partner last confirmed (200 to a plan change).
    current_plan: Mutex<String>,
}

impl Provisioned {
    pub fn new(uuid: String, plan: String, request: Value, reply: Reply) -> Self {
        Self {
            uuid,
            current_plan: Mutex::new(plan.clone()),
            plan,
            request,
            reply,
            gone: Mutex::new(None),
        }
    }

    /// Why the resource no longer exists, if it does not.
    pub fn gone(&self) -> Option<String> {
        self.gone.lock().ok().and_then(|g| g.clone())
    }

    pub fn mark_gone(&self, why: impl Into<String>) {
        if let Ok(mut g) = self.gone.lock() {
            g.get_or_insert(why.into());
        }
    }

    pub fn current_plan(&self) -> String {
        self.current_plan
            .lock()
            .map(|p| p.clone())
            .unwrap_or_else(|_| self.plan.clone())
    }

    pub fn set_current_plan(&self, plan: &str) {
        if let Ok(mut p) = self.current_plan.lock() {
            plan.clone_into(&mut p);
        }
    }

    /// True when the partner answered the provision 202.
    pub fn is_async(&self) -> bool {
        self.reply.status == Some(202)
    }
}

/// One provision to make: Heroku's side is registered with the platform when the handle is made;
/// `send` writes the ledger (in the client), sends, and tells the platform the answer.
pub struct Provision<'r> {
    run: &'r RunCtx,
    pub uuid: String,
    pub plan: String,
    /// The body to send; a probe may alter it before sending.
    pub body: Value,
}

impl<'r> Provision<'r> {
    pub(super) fn new(run: &'r RunCtx, uuid: String, plan: &str, body: Value) -> Self {
        Self {
            run,
            uuid,
            plan: plan.to_owned(),
            body,
        }
    }

    /// Sends the provision with the manifest's credentials.
    pub async fn send(&self, label: &str) -> Reply {
        self.send_as(Credentials::Manifest, label).await
    }

    /// Sends the provision with `credentials` (wrong-credential probes).
    pub async fn send_as(&self, credentials: Credentials, label: &str) -> Reply {
        let reply = self
            .run
            .partner
            .provision(&self.body, credentials, label)
            .await;
        self.run.platform.record_answer(&self.uuid, &reply);
        reply
    }

    /// Sends `n` identical deliveries at once (labelled `concurrent provision i/n`); the replies
    /// in delivery order, or the error of a delivery task that failed.
    pub async fn send_concurrently(&self, n: usize) -> Result<Vec<Reply>, String> {
        let mut set = JoinSet::new();
        for i in 0..n {
            let client = self.run.partner.clone();
            let body = self.body.clone();
            set.spawn(crate::record::journal::in_current_check(async move {
                let label = format!("concurrent provision {}/{n}", i + 1);
                (
                    i,
                    client.provision(&body, Credentials::Manifest, &label).await,
                )
            }));
        }
        let mut replies: Vec<(usize, Reply)> = Vec::new();
        while let Some(joined) = set.join_next().await {
            replies.push(joined.map_err(|e| format!("a delivery task failed: {e}"))?);
        }
        replies.sort_by_key(|(i, _)| *i);
        let replies: Vec<Reply> = replies.into_iter().map(|(_, r)| r).collect();
        for r in &replies {
            self.run.platform.record_answer(&self.uuid, r);
        }
        Ok(replies)
    }

    /// Sends and keeps the attempt.
    pub async fn make(self, label: &str) -> Provisioned {
        let reply = self.send(label).await;
        Provisioned::new(self.uuid, self.plan, self.body, reply)
    }

    /// Removes what the provision created (the manifest's credentials).
    pub async fn remove(&self, label: &str) -> Reply {
        self.run
            .deprovision(&self.uuid, Credentials::Manifest, label)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{ctx_for, deleting_with, start, stub};
    use crate::platform::state::AddonState;
    use crate::record::ledger::EntryState;

    #[tokio::test]
    async fn a_provision_is_registered_ledgered_sent_and_its_answer_recorded() {
        let server = start(stub(200, r#"{"id":"res-1","config":{}}"#)).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        let probe = ctx.probe("basic");
        let registered = ctx
            .platform
            .with_model(|m| m.addons.get(&probe.uuid).map(|a| (a.state, a.plan.clone())));
        assert_eq!(
            registered,
            Some((AddonState::Provisioning, "basic".to_owned()))
        );
        let reply = probe.send("provision").await;
        assert_eq!(reply.status, Some(200));
        let entry = ctx
            .ledger
            .entries()
            .into_iter()
            .find(|e| e.uuid == probe.uuid);
        assert_eq!(entry.map(|e| e.state), Some(EntryState::Answered));
        let state = ctx.platform.with_model(|m| {
            m.addons
                .get(&probe.uuid)
                .map(|a| (a.state, a.provider_id.clone()))
        });
        assert_eq!(
            state,
            Some((AddonState::Provisioned, Some("res-1".to_owned())))
        );
    }

    #[tokio::test]
    async fn memos_are_per_type_and_resource_and_computed_once() {
        #[derive(Debug, PartialEq)]
        struct Count(u32);
        let server = start(stub(200, "{}")).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        let run = crate::check::Scope::RUN;
        let a = ctx.memo(run, None, async { Count(1) }).await.unwrap();
        let again = ctx.memo(run, None, async { Count(2) }).await.unwrap();
        let other = ctx
            .memo(run, Some(Resource::Secondary), async { Count(3) })
            .await
            .unwrap();
        assert_eq!((a.0, again.0, other.0), (1, 1, 3));
        // A suite with copies of its own keeps memos of its own.
        static OWNS: [Resource; 1] = [Resource::Primary];
        let own = crate::check::Scope::of_suite("plan", &OWNS, crate::check::Ownership::PerSuite);
        let mine = ctx.memo(own, None, async { Count(4) }).await.unwrap();
        assert_eq!(mine.0, 4);
    }

    #[tokio::test]
    async fn a_suite_owning_the_primary_gets_its_own_copy_on_an_app_of_its_own() {
        let server = start(stub(200, r#"{"id":"res-1","config":{}}"#)).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        static OWNS: [Resource; 1] = [Resource::Primary];
        let own = crate::check::Scope::of_suite("plan", &OWNS, crate::check::Ownership::PerSuite);
        let run = crate::check::Scope::RUN;
        let theirs = ctx.resource_in(run, Resource::Primary).await;
        let mine = ctx.resource_in(own, Resource::Primary).await;
        let again = ctx.resource_in(own, Resource::Primary).await;
        assert_ne!(theirs.uuid, mine.uuid);
        assert_eq!(mine.uuid, again.uuid);
        let app_of = |uuid: &str| {
            ctx.platform
                .with_model(|m| m.addons.get(uuid).map(|a| a.app_id.clone()))
        };
        assert_eq!(app_of(&theirs.uuid), Some(ctx.app.id.clone()));
        assert_ne!(app_of(&mine.uuid), app_of(&theirs.uuid));
        // Through the one provisioning handle: the ledger (so cleanup and billing) knows both.
        let ledgered: Vec<String> = ctx.ledger.entries().into_iter().map(|e| e.uuid).collect();
        assert!(ledgered.contains(&theirs.uuid) && ledgered.contains(&mine.uuid));
    }

    #[tokio::test]
    async fn a_202_to_a_delete_is_a_pending_removal_until_its_action() {
        let server = deleting_with(202).await;
        let ctx = ctx_for(&server.uri(), |c| {
            c.deprovision.asynchronous = true;
            c.timeouts.deprovision_action = std::time::Duration::from_millis(50);
        })
        .await;
        let probe = ctx.probe("basic");
        probe.send("provision").await;
        assert_eq!(probe.remove("deprovision").await.status, Some(202));
        assert_eq!(
            ctx.platform.addon_state(&probe.uuid),
            Some(AddonState::Deprovisioning),
            "still attached, tokens valid"
        );
        assert!(ctx.removal_deadline(&probe.uuid).is_some());
        assert!(
            matches!(
                ctx.removal(&probe.uuid).await,
                Ok(crate::check::Removal::Missing(_))
            ),
            "no action arrived"
        );
        let state = |ctx: &crate::check::ctx::RunCtx| {
            ctx.ledger
                .entries()
                .into_iter()
                .find(|e| e.uuid == probe.uuid)
                .map(|e| e.state)
        };
        assert_eq!(state(&ctx), Some(EntryState::RemovalRequested));
        // A repeated DELETE answered 202 again leaves it pending.
        probe.remove("repeat").await;
        assert_eq!(state(&ctx), Some(EntryState::RemovalRequested));
    }

    #[tokio::test]
    async fn an_interrupt_ends_the_wait_for_the_deprovision_action() {
        let server = deleting_with(202).await;
        let ctx = ctx_for(&server.uri(), |c| {
            c.deprovision.asynchronous = true;
            c.timeouts.deprovision_action = std::time::Duration::from_secs(3600);
        })
        .await;
        let probe = ctx.probe("basic");
        probe.send("provision").await;
        probe.remove("deprovision").await;
        let (_interrupt, triggered) = tokio::sync::watch::channel(true);
        ctx.watch_interrupt(crate::check::Cancel::of(triggered));
        match ctx.removal(&probe.uuid).await {
            Err(crate::check::Stop::Interrupted(what)) => {
                assert!(what.contains("deprovision action"), "{what}");
            }
            other => panic!("expected an interrupted wait, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_failed_delete_restores_the_resource() {
        let server = deleting_with(500).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        let probe = ctx.probe("basic");
        probe.send("provision").await;
        probe.remove("deprovision").await;
        assert_eq!(
            ctx.platform.addon_state(&probe.uuid),
            Some(AddonState::Provisioned)
        );
        assert!(ctx.removal_deadline(&probe.uuid).is_none());
    }
}
