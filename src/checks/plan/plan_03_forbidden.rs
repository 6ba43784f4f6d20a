//! PLAN-03 (forbidden): each plan change the config lists as impossible gets 422 with a message.

use crate::checks::inspect::refusal_problem;
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "PLAN-03.forbidden",
    "PLAN-03",
    Must,
    "configured forbidden plan changes get 422 with a message",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let pairs = cx.settings.config.plans.forbidden_transitions.clone();
    if pairs.is_empty() {
        return Verdict::Skip(
            "no forbidden plan changes: list them in [plans] forbidden_transitions".into(),
        );
    }
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let mut first: Option<Finding> = None;
    for [from, to] in &pairs {
        if res.current_plan() != *from {
            let setup =
                super::change(cx, &res, from, &format!("plan change to {from} (set-up)")).await;
            if setup.status != Some(200) {
                return Verdict::Blocked(format!(
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
    first.map_or_else(Verdict::pass, Verdict::violated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{ctx_for, run_check, start, stub};

    #[tokio::test]
    async fn skips_without_pairs_and_fails_a_carried_out_change() {
        let server = start(stub(200, r#"{"id":"x"}"#)).await;
        let ctx = ctx_for(&server.uri(), |_| {});
        assert!(matches!(run_check(&CHECK, &ctx).await, Verdict::Skip(_)));
        let ctx = ctx_for(&server.uri(), |c| {
            c.plans.forbidden_transitions = vec![["premium".into(), "mini".into()]]
        });
        assert!(matches!(
            run_check(&CHECK, &ctx).await,
            Verdict::Violated(_)
        ));
    }
}
