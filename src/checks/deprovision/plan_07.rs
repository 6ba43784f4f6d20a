//! PLAN-07: a plan change for a removed resource gets 404 or 410 (sent once an asynchronous
//! removal is complete: while it is pending the resource still exists).

use crate::check::{CheckCtx, Verdict};
use crate::partner::Credentials;

crate::check!(
    "PLAN-07",
    Should,
    "plan change after deprovision answers 404 or 410",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = super::removed_resource(cx).await?;
    let plan = cx
        .config()
        .plans
        .upgrade
        .clone()
        .unwrap_or_else(|| res.plan.clone());
    let body = serde_json::json!({"plan": plan, "uuid": res.uuid});
    let reply = cx
        .partner()
        .plan_change(
            &res.uuid,
            &body,
            Credentials::Manifest,
            "plan change after deprovision",
        )
        .await;
    super::judge_gone(
        &reply,
        "404 or 410 for a removed resource",
        "the plan-change handler found the removed resource: check the removal state before changing plans",
    )
}
