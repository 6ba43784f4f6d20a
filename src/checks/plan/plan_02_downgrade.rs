//! PLAN-02 (downgrade): a plan change to the configured downgrade plan gets 200.

use crate::check::{CheckCtx, Resource, Verdict, blocked, skip};

crate::check!("PLAN-02.downgrade", Must, "plan downgrade answers 200", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let Some(plan) = cx.config().plans.downgrade.clone() else {
        return skip("no downgrade plan: set [plans] downgrade in the config");
    };
    let res = cx.live_resource(Resource::Primary).await?;
    if res.current_plan() == plan {
        let upgrade = cx.config().plans.upgrade.as_deref();
        return match upgrade {
            Some(up) if up != plan => blocked(format!(
                "the resource is still on {plan}: the upgrade to {up} did not pass (see PLAN-02)"
            )),
            _ => skip(format!(
                "the resource is already on {plan}: set [plans] downgrade to a plan below [plans] upgrade"
            )),
        };
    }
    let reply = super::change(cx, &res, &plan, &format!("plan change to {plan}")).await;
    super::plan_02::judge(cx.manifest(), &reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::Stop;
    use crate::check::testing::{ctx_for, run_check, start, stub};

    #[tokio::test]
    async fn downgrade_judged_like_upgrade() {
        let server = start(stub(200, r#"{"id":"x","message":"ok"}"#)).await;
        let ctx = ctx_for(&server.uri(), |c| c.plans.downgrade = Some("mini".into())).await;
        assert!(matches!(run_check(&CHECK, &ctx).await, Ok(Pass(_))));
        let server = start(stub(500, "{}")).await;
        let ctx = ctx_for(&server.uri(), |c| c.plans.downgrade = Some("mini".into())).await;
        assert!(matches!(
            run_check(&CHECK, &ctx).await,
            Err(Stop::Violated(_)) | Err(Stop::Blocked(_))
        ));
    }
}
