//! Checks of the partner's callbacks: the grant exchange, refresh, the Platform API calls of an
//! asynchronous provision. They judge the inbound journal of the platform, waiting for owed
//! callbacks event-driven up to `timeouts.callback`.

pub mod api_01_accept;
pub mod api_01_token;
pub mod async_03;
pub mod async_09;
pub mod config_02;
pub mod log_02;
pub mod oauth_01;
pub mod oauth_03;
pub mod oauth_04;
pub mod oauth_05;
pub mod prov_08;

crate::suite!(
    async_09,
    async_03,
    oauth_05,
    oauth_01,
    prov_08,
    oauth_03,
    config_02,
    api_01_token,
    api_01_accept,
    oauth_04,
    log_02,
);

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::check::{
    Cancel, CheckCtx, OwedKind, Provisioned, Resource, Stop, Verdict, interrupted, skip,
};
use crate::config::format_duration;
use crate::platform::Platform;
use crate::platform::inbound::Waited;
use crate::record::Inbound;
use crate::record::InboundKind;

/// What the callback checks judge: the async suite's resource and the platform, with the
/// deadline of the callback being judged (absolute: fixed when the obligation started).
pub struct Subject {
    pub res: Arc<Provisioned>,
    pub platform: Arc<Platform>,
    /// The budget the deadline stands for, for messages.
    pub budget: Duration,
    pub until: Instant,
    interrupt: Cancel,
}

impl Subject {
    pub fn is_async(&self) -> bool {
        self.res.is_async()
    }

    /// Every call concerning the resource: by path, grant, or the token's scope.
    pub fn calls(&self) -> Vec<Arc<Inbound>> {
        let uuid = self.res.uuid.as_str();
        self.platform
            .journal()
            .all()
            .into_iter()
            .filter(|i| i.resource.as_deref() == Some(uuid) || i.scope.as_deref() == Some(uuid))
            .collect()
    }

    /// Token requests the platform could not tie to any grant (unknown code, missing or
    /// unsupported grant type, a JSON body): evidence of an exchange that went wrong.
    pub fn stray_token_calls(&self) -> Vec<Arc<Inbound>> {
        self.platform
            .journal()
            .all()
            .into_iter()
            .filter(|i| is_token_call(i) && i.resource.is_none())
            .collect()
    }

    /// The same subject judged until `until`, which stands for `budget`.
    pub fn until(mut self, until: Instant, budget: Duration) -> Self {
        self.until = until;
        self.budget = budget;
        self
    }

    /// Waits for a call concerning the resource that `matches`, until the deadline (at once
    /// when it has passed); a `Stop` when the run is interrupted first.
    pub async fn wait(
        &self,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Result<Option<Arc<Inbound>>, Stop> {
        self.wait_named("a callback about this resource", matches)
            .await
    }

    /// `wait`, saying what it waits for (shown on the terminal while it waits).
    pub async fn wait_named(
        &self,
        what: &str,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Result<Option<Arc<Inbound>>, Stop> {
        let uuid = self.res.uuid.clone();
        match self
            .platform
            .journal()
            .wait_until_what(what, self.until, self.interrupt.triggered(), |i| {
                i.resource.as_deref() == Some(uuid.as_str()) && matches(i)
            })
            .await
        {
            Waited::Arrived(hit) => Ok(Some(hit)),
            Waited::Missed => Ok(None),
            Waited::Cancelled => interrupted(format!("a callback about add-on {uuid}")),
        }
    }

    pub fn within(&self) -> String {
        format_duration(self.budget)
    }

    pub fn skip_sync(&self) -> Verdict {
        skip(format!(
            "the partner answered {} on plan `{}`: synchronous provisioning; set [plans] async to a plan it provisions asynchronously",
            self.res
                .reply
                .status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "nothing".into()),
            self.res.plan
        ))
    }
}

/// The async suite's resource (or the shared one) and the platform, judged until the callback
/// budget after its provision was answered.
pub async fn subject(cx: &CheckCtx<'_>, which: Resource) -> Result<Subject, Stop> {
    let res = cx.live_resource(which).await?;
    Ok(subject_of(cx, res))
}

fn subject_of(cx: &CheckCtx<'_>, res: Arc<Provisioned>) -> Subject {
    let budget = cx.config().timeouts.callback;
    let until = answered_at(cx, &res) + budget;
    Subject {
        res,
        platform: cx.platform().clone(),
        budget,
        until,
        interrupt: cx.interrupt(),
    }
}

/// When the partner's answer to the resource's provision arrived.
pub fn answered_at(cx: &CheckCtx<'_>, res: &Provisioned) -> Instant {
    let x = &res.reply.exchange;
    cx.at_run_ms(x.started_ms as f64 + x.elapsed_ms)
}

/// The subject judged until the grant's exchange deadline (its `expires_at` plus a little
/// grace, at least the callback budget), fixed when the provision was made: every check about
/// the exchange waits until the same instant, so the window is paid once per run.
/// The grant is owed from the provision on, whatever later checks do to the resource: a removal
/// after the provision does not make the check blocked.
pub async fn grant_subject(cx: &CheckCtx<'_>, which: Resource) -> Result<Subject, Stop> {
    let res = cx.resource(which).await;
    if !res.reply.is_success() {
        // Says why, as for every check on an unprovisioned shared resource.
        cx.live_resource(which).await?;
    }
    let s = subject_of(cx, res);
    let t = cx.config();
    let budget = t
        .timeouts
        .callback
        .max(t.platform.grant_ttl + crate::check::owed::GRANT_GRACE);
    let until = cx.owe(
        &s.res.uuid,
        OwedKind::GrantExchange,
        s.until.max(Instant::now()),
    );
    Ok(s.until(until, budget))
}

/// The async suite's subject after the grant's exchange window: for an asynchronous provision it
/// waits for the first exchange until the grant's deadline (a partner may exchange any time
/// before it expires).
pub async fn exchange_window(cx: &CheckCtx<'_>) -> Result<Subject, Stop> {
    let s = grant_subject(cx, Resource::Async).await?;
    if s.is_async() {
        s.wait_named("the token exchange (POST /oauth/token)", |i| {
            i.kind == InboundKind::TokenExchange
        })
        .await?;
    }
    Ok(s)
}

pub fn is_token_call(i: &Inbound) -> bool {
    matches!(
        i.kind,
        InboundKind::TokenExchange | InboundKind::TokenRefresh | InboundKind::TokenRequest
    )
}

/// One line per call, or "nothing".
pub fn arrived(calls: &[Arc<Inbound>]) -> String {
    if calls.is_empty() {
        "nothing".to_owned()
    } else {
        calls
            .iter()
            .map(|c| c.summary())
            .collect::<Vec<_>>()
            .join("; ")
    }
}
