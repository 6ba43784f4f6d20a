//! AUTH-02.deprovision: deprovision refuses wrong credentials with 401.

use crate::check::judge::is_2xx;
use crate::check::{CheckCtx, Resource, Verdict};

crate::check!(
    "AUTH-02.deprovision",
    Must,
    "deprovision requires valid Basic auth",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    let mut replies = Vec::new();
    for (credentials, what) in super::probes() {
        let label = format!("deprovision with {what}");
        let reply = cx.deprovision(&res.uuid, credentials, &label).await;
        let destroyed = is_2xx(reply.status);
        replies.push((what, reply));
        if destroyed {
            // The partner deleted the shared resource for a caller it should have refused: the
            // checks after this get a fresh shared resource.
            cx.lost_to_probe(
                Resource::Primary,
                &res,
                &format!("deleted by a DELETE with {what} (AUTH-02.deprovision)"),
            );
        }
    }
    super::judge("deprovision", &replies)
}

#[cfg(test)]
mod tests {
    use crate::check::Resource;
    use crate::check::testing::{ctx_for, found, run_against, run_check, start, stub};
    use crate::record::ledger::EntryState;

    #[tokio::test]
    async fn a_destroyed_shared_resource_is_replaced_for_later_checks() {
        let server = start(stub(204, r#"{"id":"x","config":{}}"#)).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        let before = ctx.resource(Resource::Primary).await;
        assert!(run_check(&super::CHECK, &ctx).await.is_err());
        assert!(
            before
                .gone()
                .is_some_and(|why| why.contains("no credentials"))
        );
        let after = ctx.live_resource(Resource::Primary).await.unwrap();
        assert_ne!(after.uuid, before.uuid);
        // Cleanup still removes the destroyed one with real credentials.
        let entry = ctx.ledger.entry(&before.uuid).unwrap();
        assert_eq!(entry.state, EntryState::Answered);
        assert!(entry.removal_tried);
    }

    #[tokio::test]
    async fn fails_when_the_partner_accepts() {
        let v = run_against(&super::CHECK, stub(204, "")).await;
        let f = found(&v);
        assert_eq!(f.location.as_deref(), Some("status"));
        for probe in ["no credentials", "wrong password", "wrong username"] {
            assert!(
                f.observed.contains(&format!("{probe}: status 204")),
                "{}",
                f.observed
            );
        }
    }
}
