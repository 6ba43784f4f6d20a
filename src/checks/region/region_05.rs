//! REGION-05: a plan the config marks unavailable in Private Spaces, provisioned in a Private
//! Space region, gets 422 with an explanatory message.

use crate::check::judge::refusal_problem;
use crate::check::{CheckCtx, Verdict, pass, skip, violated};
use crate::record::outcome::Finding;

crate::check!(
    "REGION-05",
    Must,
    "plans unavailable in Private Spaces are refused there with 422 and a message",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let cfg = &cx.config();
    let plans = &cfg.plans.private_space_unavailable;
    if plans.is_empty() {
        return skip(
            "no plan is marked unavailable in Private Spaces: list them in [plans] private_space_unavailable",
        );
    }
    let refused = super::refused(cx).await?;
    let mut first: Option<Finding> = None;
    for plan in plans {
        for region in &cfg.regions.private_space {
            let (uuid, reply) =
                super::provision_in(cx, plan, region, &format!("provision {plan} in {region}"))
                    .await;
            match refusal_problem(
                &reply,
                &format!(
                    "422 with a message: {plan} is not available in Private Spaces ({region})"
                ),
            ) {
                None => {
                    if let Ok(mut r) = refused.0.lock() {
                        r.push((uuid, reply));
                    }
                }
                Some(f) => {
                    first.get_or_insert(f.hint(
                        "read `region`; when the plan's \"Available in Private Spaces?\" feature is off, answer 422 with a message naming the plan",
                    ));
                }
            }
        }
    }
    first.map_or_else(pass, violated)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::check::Pass;
    use crate::check::testing::{assert_found, ctx_for, run_check, start, stub};

    #[tokio::test]
    async fn refusal_passes_acceptance_fails() {
        let tweak = |c: &mut crate::config::Config| {
            c.plans.private_space_unavailable = vec!["hobby".into()]
        };
        let server = start(stub(422, r#"{"message":"not in Private Spaces"}"#)).await;
        let ctx = ctx_for(&server.uri(), tweak).await;
        assert!(matches!(run_check(&CHECK, &ctx).await, Ok(Pass(_))));
        let server = start(stub(200, r#"{"id":"x"}"#)).await;
        let ctx = ctx_for(&server.uri(), tweak).await;
        assert_found(
            &run_check(&CHECK, &ctx).await,
            Some("status"),
            "status 200: the request was carried out",
        );
    }
}
