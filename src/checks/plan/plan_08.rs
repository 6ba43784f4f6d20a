//! PLAN-08: a plan change for a uuid the partner never saw gets 404 or 410.

use crate::check::{CheckCtx, Verdict};
use crate::partner::Credentials;

crate::check!(
    "PLAN-08",
    Should,
    "plan change for an unknown uuid answers 404 or 410",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let uuid = uuid::Uuid::new_v4().to_string();
    let plan = cx
        .config()
        .plans
        .upgrade
        .clone()
        .unwrap_or_else(|| cx.default_plan().to_owned());
    let body = serde_json::json!({"plan": plan, "uuid": uuid});
    let reply = cx
        .partner()
        .plan_change(
            &uuid,
            &body,
            Credentials::Manifest,
            "plan change for an unknown uuid",
        )
        .await;
    crate::checks::deprovision::judge_gone(
        &reply,
        "404 or 410 for a uuid that was never provisioned",
        "look the uuid up before changing anything; a success for an unknown resource hides lost changes",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{assert_found, run_against, stub};

    #[tokio::test]
    async fn not_found_passes_success_warns() {
        assert!(matches!(
            run_against(&CHECK, stub(404, "{}")).await,
            Ok(Pass(_))
        ));
        assert_found(
            &run_against(&CHECK, stub(200, "{}")).await,
            Some("status"),
            "status 200",
        );
    }
}
