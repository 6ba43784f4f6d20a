//! ASYNC-03: after a 202, the partner marks the add-on provisioned within the deadline.

use crate::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "ASYNC-03",
    "ASYNC-03",
    Must,
    "an async provision is completed through the Platform API",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let budget = cx.settings.timeouts.provision_action;
    let s = match super::subject(cx, "async").await {
        Ok(s) => s.with_deadline(budget),
        Err(v) => return v,
    };
    if !s.is_async() {
        return s.skip_sync();
    }
    let uuid = s.res.uuid.clone();
    match s
        .wait_named("actions/provision", |i| {
            i.kind == "provision action" && i.ok()
        })
        .await
    {
        Some(hit) => Verdict::pass_with(format!("provisioned at {} ms", hit.at_ms)),
        None => {
            let calls = s.calls();
            Finding::new(
                format!("a successful POST /addons/{uuid}/actions/provision within {}", s.within()),
                format!("none; arrived for this resource: {}", super::arrived(&calls)),
            )
            .at("platform: actions/provision")
            .hint("after answering 202, exchange the grant, PATCH the config, then POST actions/provision; Heroku removes add-ons never marked provisioned. If your provisioning legitimately takes longer, raise [timeouts] provision_action")
            .inbound(&calls)
            .into()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::find;

    #[test]
    fn is_registered() {
        // Judged on the platform journal; the fault zoo runs it (async-never-completes).
        assert!(find("ASYNC-03").is_some());
    }
}
