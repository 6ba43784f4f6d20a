//! AUTH-02.plan-change: plan change refuses wrong credentials with 401.

use crate::check::{CheckCtx, Resource, Verdict};

crate::check!(
    "AUTH-02.plan-change",
    Must,
    "plan change requires valid Basic auth",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    // The current plan: a partner that wrongly accepts changes nothing.
    let body = serde_json::json!({"plan": res.plan, "uuid": res.uuid});
    let mut replies = Vec::new();
    for (credentials, what) in super::probes() {
        let label = format!("plan change with {what}");
        replies.push((
            what,
            cx.partner()
                .plan_change(&res.uuid, &body, credentials, &label)
                .await,
        ));
    }
    super::judge("plan change", &replies)
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{found, run_against, stub};

    #[tokio::test]
    async fn fails_when_the_partner_accepts() {
        let v = run_against(&super::CHECK, stub(200, "{\"id\":\"x\"}")).await;
        let f = found(&v);
        assert_eq!(f.location.as_deref(), Some("status"));
        for probe in ["no credentials", "wrong password", "wrong username"] {
            assert!(
                f.observed.contains(&format!("{probe}: status 200")),
                "{}",
                f.observed
            );
        }
    }
}
