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
        if is_2xx(reply.status) {
            // The partner deleted the shared resource for an unauthenticated caller.
            res.mark_gone("deleted by a DELETE with wrong credentials (AUTH-02.deprovision)");
            cx.mark_removed(&res.uuid);
        }
        replies.push((what, reply));
    }
    super::judge("deprovision", &replies)
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{found, run_against, stub};

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
