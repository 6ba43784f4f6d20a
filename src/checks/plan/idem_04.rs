//! IDEM-04: a plan change to the plan the resource is already on is a no-op answered 200.

use crate::checks::inspect::observed_status;
use crate::partner::Reply;
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "IDEM-04",
    "IDEM-04",
    Should,
    "a plan change to the current plan answers 200",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let plan = res.current_plan();
    let reply = super::change(
        cx,
        &res,
        &plan,
        &format!("plan change to the current plan {plan}"),
    )
    .await;
    judge(&reply)
}

pub fn judge(reply: &Reply) -> Verdict {
    if reply.status == Some(200) {
        return Verdict::pass();
    }
    Finding::new(
        "200 (a no-op: Heroku is probably retrying)",
        observed_status(reply),
    )
    .at("status")
    .hint("when the resource is already on the requested plan, log it and answer 200")
    .exchange(&reply.exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::reply;

    #[test]
    fn only_200_passes() {
        assert!(matches!(judge(&reply(200, "{}")), Verdict::Pass(_)));
        assert!(matches!(
            judge(&reply(422, r#"{"message":"same"}"#)),
            Verdict::Violated(_)
        ));
    }
}
