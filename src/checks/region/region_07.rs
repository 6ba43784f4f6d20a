//! REGION-07: a region string the partner does not know gets 422 with a message, or success;
//! never a server error.

use crate::catalogue::Level;
use crate::check::judge::{is_2xx, refusal_problem};
use crate::check::{CheckCtx, Verdict, pass, pass_with, skip};

crate::check!(
    "REGION-07",
    Must,
    "an unknown region gets 422 with a message or success, never a 5xx",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let region = cx.config().regions.unknown.clone();
    let plan = cx.default_plan().to_owned();
    if plan.is_empty() {
        return skip("no default plan: set [plans] default");
    }
    let (uuid, reply) =
        super::provision_in(cx, &plan, &region, &format!("provision in {region}")).await;
    if is_2xx(reply.status) {
        super::remove(cx, &uuid, "deprovision the unknown-region resource").await;
        return pass_with("the partner accepted the unknown region (ignoring regions is allowed)");
    }
    match refusal_problem(&reply, "422 with a message, or success") {
        None => pass(),
        Some(f) if f.level == Some(Level::Should) => f.into(),
        Some(f) => f
            .hint("compare the region with the ones you serve and refuse others with 422 and a message; never crash on it")
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::check::Pass;
    use crate::check::testing::{assert_found, run_against, stub};

    #[tokio::test]
    async fn refusal_or_success_pass_errors_fail() {
        assert!(matches!(
            run_against(&CHECK, stub(422, r#"{"message":"no"}"#)).await,
            Ok(Pass(_))
        ));
        assert!(matches!(
            run_against(&CHECK, stub(200, r#"{"id":"x"}"#)).await,
            Ok(Pass(_))
        ));
        assert_found(
            &run_against(&CHECK, stub(500, "{}")).await,
            Some("status"),
            "status 500",
        );
    }
}
