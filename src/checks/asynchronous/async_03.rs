//! ASYNC-03: after a 202, the partner marks the add-on provisioned within the deadline.

use crate::check::{CheckCtx, OwedKind, Resource, Verdict, pass_with};
use crate::record::InboundKind;
use crate::record::outcome::Finding;

crate::check!(
    "ASYNC-03",
    Must,
    "an async provision is completed through the Platform API",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let budget = cx.config().timeouts.provision_action;
    let s = super::subject(cx, Resource::Async).await?;
    if !s.is_async() {
        return s.skip_sync();
    }
    // Owed from the 202 on: the budget counts from the answer, not from this check.
    let until = cx.owe(
        &s.res.uuid,
        OwedKind::ProvisionAction,
        super::answered_at(cx, &s.res) + budget,
    );
    let s = s.until(until, budget);
    let uuid = s.res.uuid.clone();
    match s
        .wait_named("actions/provision", |i| {
            i.kind == InboundKind::ProvisionAction && i.ok()
        })
        .await?
    {
        Some(hit) => pass_with(format!("provisioned at {} ms", hit.at_ms)),
        None => {
            let calls = s.calls();
            Finding::new(
                format!("a successful POST /addons/{uuid}/actions/provision within {}", s.within()),
                format!("none; arrived for this resource: {}", super::arrived(&calls)),
            )
            .at("platform: actions/provision")
            .hint(cx.callback_hint("after answering 202, exchange the grant, PATCH the config, then POST actions/provision; Heroku removes add-ons never marked provisioned. If your provisioning legitimately takes longer, raise [timeouts] provision_action"))
            .inbound(&calls)
            .into()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::check::testing::{ctx_for, run_check, start, stub};
    use crate::check::{Cancel, Stop};

    #[tokio::test]
    async fn an_interrupt_ends_the_wait_for_the_provision_action() {
        let server = start(stub(202, r#"{"id":"p-1"}"#)).await;
        let ctx = ctx_for(&server.uri(), |c| {
            c.timeouts.provision_action = Duration::from_secs(3600);
        })
        .await;
        let (_interrupt, triggered) = tokio::sync::watch::channel(true);
        ctx.watch_interrupt(Cancel::of(triggered));
        match run_check(&super::CHECK, &ctx).await {
            Err(Stop::Interrupted(what)) => assert!(what.contains("callback"), "{what}"),
            other => panic!("expected an interrupted wait, got {other:?}"),
        }
    }
}
