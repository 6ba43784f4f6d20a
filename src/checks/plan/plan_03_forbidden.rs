//! PLAN-03 (forbidden): each plan change the config lists as impossible gets 422 with a message.

use crate::check::judge::refusal_problem;
use crate::check::{CheckCtx, Resource, Verdict, blocked, pass, skip, violated};
use crate::record::outcome::Finding;

crate::check!(
    "PLAN-03.forbidden",
    Must,
    "configured forbidden plan changes get 422 with a message",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let pairs = cx.config().plans.forbidden_transitions.clone();
    if pairs.is_empty() {
        return skip("no forbidden plan changes: list them in [plans] forbidden_transitions");
    }
    let res = cx.live_resource(Resource::Primary).await?;
    let mut first: Option<Finding> = None;
    for [from, to] in &pairs {
        if res.current_plan() != *from {
            let setup =
                super::change(cx, &res, from, &format!("plan change to {from} (set-up)")).await;
            if setup.status != Some(200) {
                return blocked(format!(
                    "could not move the resource to {from} first: {}",
                    setup.exchange.summary()
                ));
            }
        }
        let reply = super::change(
            cx,
            &res,
            to,
            &format!("forbidden plan change {from} -> {to}"),
        )
        .await;
        if let Some(f) = refusal_problem(
            &reply,
            &format!("422 with a message: {from} -> {to} is forbidden"),
        ) {
            first.get_or_insert(f);
        }
    }
    first.map_or_else(pass, violated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Stop;
    use crate::check::testing::{assert_found, ctx_for, run_check, start, stub};

    #[tokio::test]
    async fn skips_without_pairs_and_fails_a_carried_out_change() {
        let server = start(stub(200, r#"{"id":"x"}"#)).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        assert!(matches!(run_check(&CHECK, &ctx).await, Err(Stop::Skip(_))));
        let ctx = ctx_for(&server.uri(), |c| {
            c.plans.forbidden_transitions = vec![["premium".into(), "mini".into()]]
        })
        .await;
        assert_found(
            &run_check(&CHECK, &ctx).await,
            Some("status"),
            "status 200: the request was carried out",
        );
    }
}
