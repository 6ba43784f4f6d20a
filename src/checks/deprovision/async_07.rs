//! ASYNC-07: with `[deprovision] async` (Heroku's asynchronous deprovisioning beta), a removal
//! answered 202 is completed by `POST /addons/{uuid}/actions/deprovision`, accepted by the
//! platform (a token scoped to the resource, the v3 Accept header) before
//! `timeouts.deprovision_action` runs out. It judges DEPROV-02's removal when that was answered
//! 202; otherwise it removes the async suite's resource (`[plans] async`, whose teardown may
//! take time too) and judges that. The deadline is fixed when the 202 arrives, so the checks run
//! after DEPROV-02 overlap with the wait.

use std::sync::Arc;

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Removal, Resource, Stop, Verdict, pass_with, skip};
use crate::checks::asynchronous::arrived;
use crate::config::format_duration;
use crate::partner::Credentials;
use crate::platform::state::TokenProspect;
use crate::record::outcome::Finding;
use crate::record::{Inbound, InboundKind};

crate::check!(
    "ASYNC-07",
    Must,
    "an asynchronous deprovision is completed by the deprovision action",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    if !cx.config().deprovision.asynchronous {
        return skip(
            "asynchronous deprovisioning is not enabled: set [deprovision] async = true if your add-on is enrolled in Heroku's beta",
        );
    }
    let primary = super::removed_by_deprov_02(cx).await?;
    let uuid = match cx.removal_deadline(&primary.uuid) {
        Some(_) => primary.uuid.clone(),
        None => remove_async_resource(cx).await?,
    };
    match cx.removal(&uuid).await? {
        Removal::Completed(action) => pass_with(format!(
            "the deprovision action arrived at {} ms",
            action.at_ms
        )),
        Removal::Missing(calls) => {
            let tokenless = cx.platform().token_prospect(&uuid) == TokenProspect::Never;
            let budget = cx.config().timeouts.deprovision_action;
            judge(&uuid, &calls, budget, tokenless)
        }
    }
}

/// Removes the async suite's resource; its uuid when the partner answered 202.
async fn remove_async_resource(cx: &CheckCtx<'_>) -> Result<String, Stop> {
    let synchronous = "no removal of this run was answered 202 (DEPROV-02's was synchronous): no deprovision action is owed";
    if cx.config().plans.async_plan.is_none() {
        return skip(synchronous);
    }
    let res = cx.live_resource(Resource::Async).await?;
    let reply = cx
        .deprovision(&res.uuid, Credentials::Manifest, "deprovision async")
        .await;
    if reply.is_success() {
        res.mark_gone("deprovisioned by ASYNC-07");
    }
    match reply.status {
        Some(202) => Ok(res.uuid.clone()),
        _ => skip(format!(
            "{synchronous}; the async suite's resource got {}",
            observed_status(&reply)
        )),
    }
}

/// The finding for a removal whose accepted action did not arrive in time.
/// `tokenless`: the partner holds no token for the resource and can no longer exchange its
/// grant, so the action could never come (the wait ended early).
pub fn judge(
    uuid: &str,
    calls: &[Arc<Inbound>],
    budget: std::time::Duration,
    tokenless: bool,
) -> Verdict {
    let actions: Vec<Arc<Inbound>> = calls
        .iter()
        .filter(|i| i.kind == InboundKind::DeprovisionAction)
        .cloned()
        .collect();
    let (observed, hint) = if actions.is_empty() && tokenless {
        (
            format!(
                "none, and none can come: your add-on holds no token for this resource (its grant was never exchanged); arrived for this resource: {}",
                arrived(calls)
            ),
            "exchange the provision's grant at the token endpoint before it expires, so the add-on can call the Platform API for the resource; then, after answering 202 to the DELETE, POST /addons/{uuid}/actions/deprovision with that token",
        )
    } else if actions.is_empty() {
        (
            format!("none; arrived for this resource: {}", arrived(calls)),
            "after answering 202 to the DELETE, POST /addons/{uuid}/actions/deprovision with the resource's token once the resource is gone; Heroku keeps billing until then. If removal legitimately takes longer, raise [timeouts] deprovision_action",
        )
    } else {
        (
            format!("refused: {}", arrived(&actions)),
            "call actions/deprovision with a Bearer token scoped to this resource (from its grant) and Accept: application/vnd.heroku+json; version=3",
        )
    };
    Finding::new(
        format!(
            "an accepted POST /addons/{uuid}/actions/deprovision within {}",
            format_duration(budget)
        ),
        observed,
    )
    .at("platform: actions/deprovision")
    .hint(hint)
    .inbound(if actions.is_empty() { calls } else { &actions })
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::assert_found;

    fn call(kind: InboundKind, status: u16) -> Arc<Inbound> {
        Arc::new(Inbound {
            seq: 1,
            at_ms: 5,
            resource: Some("r".into()),
            error: Some("unauthorized".into()),
            ..Inbound::new(kind, "POST", "/addons/r/actions/deprovision", status)
        })
    }

    #[test]
    fn a_missing_or_refused_action_is_found() {
        let budget = std::time::Duration::from_secs(3);
        let none = judge("r", &[call(InboundKind::ConfigRead, 200)], budget, false);
        assert_found(&none, Some("platform: actions/deprovision"), "none");
        let tokenless = judge("r", &[], budget, true);
        assert_found(
            &tokenless,
            Some("platform: actions/deprovision"),
            "holds no token for this resource",
        );
        let refused = judge(
            "r",
            &[call(InboundKind::DeprovisionAction, 401)],
            budget,
            false,
        );
        assert_found(&refused, Some("platform: actions/deprovision"), "refused");
    }
}
