//! AUTH-02.deprovision: deprovision refuses wrong credentials with 401.

use crate::checks::inspect::is_2xx;
use crate::record::ledger::EntryState;
use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;

crate::check!(
    "AUTH-02.deprovision",
    "AUTH-02",
    Must,
    "deprovision requires valid Basic auth",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let mut replies = Vec::new();
    for (credentials, what) in super::probes() {
        let label = format!("deprovision with {what}");
        let reply = cx.deprovision(&res.uuid, credentials, &label).await;
        if is_2xx(reply.status) {
            // The partner deleted the shared resource for an unauthenticated caller.
            res.mark_gone("deleted by a DELETE with wrong credentials (AUTH-02.deprovision)");
            cx.ledger.set(&res.uuid, EntryState::Removed);
        }
        replies.push((what, reply));
    }
    super::judge("deprovision", &replies)
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run_against, stub};

    #[tokio::test]
    async fn fails_when_the_partner_accepts() {
        let v = run_against(&super::CHECK, stub(204, "")).await;
        assert!(
            matches!(v, crate::record::outcome::Verdict::Violated(_)),
            "{v:?}"
        );
    }
}
