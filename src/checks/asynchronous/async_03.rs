//! ASYNC-03: after a 202, the partner marks the add-on provisioned within the deadline.

use crate::check::{CheckCtx, Resource, Verdict, pass_with};
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
    let s = super::subject(cx, Resource::Async)
        .await?
        .with_deadline(budget);
    if !s.is_async() {
        return s.skip_sync();
    }
    let uuid = s.res.uuid.clone();
    match s
        .wait(|i| i.kind == InboundKind::ProvisionAction && i.ok())
        .await
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
