//! AUTH-02.plan-change: plan change refuses wrong credentials with 401.

use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;

crate::check!(
    "AUTH-02.plan-change",
    "AUTH-02",
    Must,
    "plan change requires valid Basic auth",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    // The current plan: a partner that wrongly accepts changes nothing.
    let body = serde_json::json!({"plan": res.plan, "uuid": res.uuid});
    let mut replies = Vec::new();
    for (credentials, what) in super::probes() {
        let label = format!("plan change with {what}");
        replies.push((
            what,
            cx.partner
                .plan_change(&res.uuid, &body, credentials, &label)
                .await,
        ));
    }
    super::judge("plan change", &replies)
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run_against, stub};

    #[tokio::test]
    async fn fails_when_the_partner_accepts() {
        let v = run_against(&super::CHECK, stub(200, "{\"id\":\"x\"}")).await;
        assert!(
            matches!(v, crate::record::outcome::Verdict::Violated(_)),
            "{v:?}"
        );
    }
}
