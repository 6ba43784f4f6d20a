//! PLAN-02 (downgrade): a plan change to the configured downgrade plan gets 200.

use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;

crate::check!(
    "PLAN-02.downgrade",
    "PLAN-02",
    Must,
    "plan downgrade answers 200",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let Some(plan) = cx.settings.config.plans.downgrade.clone() else {
        return Verdict::Skip("no downgrade plan: set [plans] downgrade in the config".into());
    };
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    if res.current_plan() == plan {
        let upgrade = cx.settings.config.plans.upgrade.as_deref();
        return match upgrade {
            Some(up) if up != plan => Verdict::Blocked(format!(
                "the resource is still on {plan}: the upgrade to {up} did not pass (see PLAN-02)"
            )),
            _ => Verdict::Skip(format!(
                "the resource is already on {plan}: set [plans] downgrade to a plan below [plans] upgrade"
            )),
        };
    }
    let reply = super::change(cx, &res, &plan, &format!("plan change to {plan}")).await;
    super::plan_02::judge(&cx.manifest, &reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{ctx_for, run_check, start, stub};

    #[tokio::test]
    async fn downgrade_judged_like_upgrade() {
        let server = start(stub(200, r#"{"id":"x","message":"ok"}"#)).await;
        let ctx = ctx_for(&server.uri(), |c| c.plans.downgrade = Some("mini".into()));
        assert!(matches!(run_check(&CHECK, &ctx).await, Verdict::Pass(_)));
        let server = start(stub(500, "{}")).await;
        let ctx = ctx_for(&server.uri(), |c| c.plans.downgrade = Some("mini".into()));
        assert!(matches!(
            run_check(&CHECK, &ctx).await,
            Verdict::Violated(_) | Verdict::Blocked(_)
        ));
    }
}
