//! IDEM-04: a plan change to the plan the resource is already on is a no-op answered 200.

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!(
    "IDEM-04",
    Should,
    "a plan change to the current plan answers 200",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
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
        return pass();
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
    use crate::check::Pass;
    use crate::check::testing::{assert_found, reply};

    #[test]
    fn only_200_passes() {
        assert!(matches!(judge(&reply(200, "{}")), Ok(Pass(_))));
        assert_found(
            &judge(&reply(422, r#"{"message":"same"}"#)),
            Some("status"),
            "status 422",
        );
    }
}
