//! TIME-02: partner calls answer before the hard limit (30 s by default).

use crate::check::{CheckCtx, Verdict, pass_with, skip};
use crate::config::format_duration;
use crate::record::outcome::Finding;

crate::check!("TIME-02", Must, "calls answer before the hard limit", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let t = cx.config().timeouts;
    let all = cx.exchanges();
    if all.is_empty() {
        return skip("no partner call was made before this check");
    }
    let answered = super::answered(&all);
    let figures = super::measure(cx, &all);
    let slow: Vec<_> = super::slower_than(&all, t.fail_after).collect();
    // A call cut off after waiting past the budget is evidence; a refused connection is not.
    if slow.is_empty() && answered == 0 {
        return skip(super::NONE_ANSWERED);
    }
    if slow.is_empty() {
        return pass_with(format!(
            "{answered} answered calls within {} ({figures})",
            format_duration(t.fail_after)
        ));
    }
    let mut f = Finding::new(
        format!("every call answered within {}", format_duration(t.fail_after)),
        format!("{} over the limit: {}", slow.len(), super::list(&slow)),
    )
    .at("elapsed time")
    .hint("Heroku abandons the request at the limit and the customer's command fails; answer 202 and finish asynchronously");
    for x in slow {
        f = f.exchange(x);
    }
    f.into()
}

#[cfg(test)]
mod tests {
    use crate::check::Pass;
    use std::time::Duration;

    use crate::check::testing::{assert_found, ctx_for, run_check, start, stub};
    use crate::partner::Credentials;

    #[tokio::test]
    async fn timing_checks_flag_slow_calls() {
        let mut slow = stub(200, "{}");
        slow.delay = Duration::from_millis(150);
        let server = start(slow).await;
        let ctx = ctx_for(&server.uri(), |c| {
            c.timeouts.warn_after = Duration::from_millis(20);
            c.timeouts.fail_after = Duration::from_millis(100);
        })
        .await;
        ctx.partner
            .deprovision("x", Credentials::Manifest, "slow call")
            .await;
        assert_found(
            &run_check(&super::CHECK, &ctx).await,
            Some("elapsed time"),
            "1 over the limit: slow call",
        );
        // Beyond the hard limit: TIME-01 leaves it to TIME-02.
        assert!(matches!(
            run_check(&super::super::time_01::CHECK, &ctx).await,
            Ok(Pass(_))
        ));

        let ctx = ctx_for(&server.uri(), |c| {
            c.timeouts.warn_after = Duration::from_millis(20);
            c.timeouts.fail_after = Duration::from_secs(10);
        })
        .await;
        ctx.partner
            .deprovision("x", Credentials::Manifest, "slow call")
            .await;
        assert_found(
            &run_check(&super::super::time_01::CHECK, &ctx).await,
            Some("elapsed time"),
            "1 slower: slow call",
        );
        assert!(matches!(run_check(&super::CHECK, &ctx).await, Ok(Pass(_))));
    }
}
