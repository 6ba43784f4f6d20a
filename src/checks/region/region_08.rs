//! REGION-08: a plan available in Private Spaces provisions in a Private Space region.

use crate::check::judge::{is_2xx, observed_status};
use crate::check::{CheckCtx, Verdict, pass, skip};
use crate::record::outcome::Finding;

crate::check!(
    "REGION-08",
    Must,
    "plans available in Private Spaces provision there",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let cfg = &cx.config();
    let unavailable = &cfg.plans.private_space_unavailable;
    let candidates = [
        Some(cx.default_plan().to_owned()),
        cfg.plans.upgrade.clone(),
        cfg.plans.downgrade.clone(),
    ];
    let Some(plan) = candidates
        .into_iter()
        .flatten()
        .find(|p| !p.is_empty() && !unavailable.contains(p))
    else {
        return skip("every configured plan is marked unavailable in Private Spaces");
    };
    let Some(region) = cfg.regions.private_space.first().cloned() else {
        return skip("no Private Space region: set [regions] private_space");
    };
    let (uuid, reply) =
        super::provision_in(cx, &plan, &region, &format!("provision {plan} in {region}")).await;
    if is_2xx(reply.status) {
        super::remove(cx, &uuid, "deprovision the Private Space resource").await;
        return pass();
    }
    Finding::new(
        format!("2xx: {plan} is available in Private Spaces ({region})"),
        observed_status(&reply),
    )
    .at("status")
    .hint("serve the Private Space regions listed in the manifest; if the plan really is unavailable there, add it to [plans] private_space_unavailable")
    .exchange(&reply.exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::check::Pass;
    use crate::check::testing::{assert_found, run_against, stub};

    #[tokio::test]
    async fn success_passes_refusal_fails() {
        assert!(matches!(
            run_against(&CHECK, stub(200, r#"{"id":"x"}"#)).await,
            Ok(Pass(_))
        ));
        assert_found(
            &run_against(&CHECK, stub(422, r#"{"message":"no"}"#)).await,
            Some("status"),
            "status 422",
        );
    }
}
