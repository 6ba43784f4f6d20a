//! Checks of the partner's callbacks: the grant exchange, refresh, the Platform API calls of an
//! asynchronous provision. They judge the inbound journal of the platform, waiting for owed
//! callbacks event-driven up to `timeouts.callback`.

pub mod api_01_accept;
pub mod api_01_token;
pub mod async_03;
pub mod async_09;
pub mod config_02;
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
);

use std::sync::Arc;
use std::time::Duration;

use crate::check::{CheckCtx, Provisioned, Resource, Stop, Verdict, skip};
use crate::config::format_duration;
use crate::platform::Platform;
use crate::record::Inbound;
use crate::record::InboundKind;

/// What the callback checks judge: the async suite's resource and the platform.
pub struct Subject {
    pub res: Arc<Provisioned>,
    pub platform: Arc<Platform>,
    pub deadline: Duration,
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

    /// The same subject with another waiting budget.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Waits for a call concerning the resource that `matches`, up to the deadline.
    pub async fn wait(&self, matches: impl Fn(&Inbound) -> bool) -> Option<Arc<Inbound>> {
        self.wait_named("a callback about this resource", matches)
            .await
    }

    /// `wait`, saying what it waits for (shown on the terminal while it waits).
    pub async fn wait_named(
        &self,
        what: &str,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Option<Arc<Inbound>> {
        let uuid = self.res.uuid.clone();
        self.platform
            .journal()
            .wait_for_what(what, self.deadline, |i| {
                i.resource.as_deref() == Some(uuid.as_str()) && matches(i)
            })
            .await
            .ok()
    }

    pub fn within(&self) -> String {
        format_duration(self.deadline)
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

/// The async suite's resource (or the shared one) and the platform.
pub async fn subject(cx: &CheckCtx<'_>, which: Resource) -> Result<Subject, Stop> {
    let res = cx.live_resource(which).await?;
    Ok(Subject {
        res,
        platform: cx.platform().clone(),
        deadline: cx.config().timeouts.callback,
    })
}

/// The async suite's subject after the grant's exchange window: for an asynchronous provision it
/// waits for the first exchange, up to the grant's lifetime (a partner may exchange any time
/// before it expires) or the callback budget, whichever is longer.
pub async fn exchange_window(cx: &CheckCtx<'_>) -> Result<Subject, Stop> {
    let t = cx.config();
    let budget = t
        .timeouts
        .callback
        .max(t.platform.grant_ttl + Duration::from_secs(2));
    let s = subject(cx, Resource::Async).await?.with_deadline(budget);
    if s.is_async() {
        s.wait_named("the token exchange (POST /oauth/token)", |i| {
            i.kind == InboundKind::TokenExchange
        })
        .await;
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
