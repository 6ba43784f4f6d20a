//! TIME-01: partner calls answer within the soft budget (3 s by default).

use crate::check::{CheckCtx, Verdict, pass_with, skip};
use crate::config::format_duration;
use crate::record::outcome::Finding;

crate::check!(
    "TIME-01",
    Should,
    "calls answer within the soft budget",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let t = cx.config().timeouts;
    let all = cx.exchanges();
    if all.is_empty() {
        return skip("no partner call was made before this check");
    }
    let answered = super::answered(&all);
    let figures = super::measure(cx, &all);
    // Calls beyond the hard limit are TIME-02's.
    let hard: Vec<u64> = super::slower_than(&all, t.fail_after)
        .map(|x| x.seq)
        .collect();
    let slow: Vec<_> = super::slower_than(&all, t.warn_after)
        .filter(|x| !hard.contains(&x.seq))
        .collect();
    // A call cut off after waiting past the budget is evidence; a refused connection is not.
    if slow.is_empty() && answered == 0 {
        return skip(super::NONE_ANSWERED);
    }
    if slow.is_empty() {
        let max = all
            .iter()
            .filter(|x| x.response.is_some())
            .map(|x| x.elapsed_ms)
            .fold(0.0, f64::max);
        return pass_with(format!(
            "{answered} answered calls, slowest {max:.0} ms ({figures})"
        ));
    }
    let mut f = Finding::new(
        format!("every call answered within {}", format_duration(t.warn_after)),
        format!("{} slower: {}", slow.len(), super::list(&slow)),
    )
    .at("elapsed time")
    .hint("do slow work after answering: use async provisioning (202) and finish through the Platform API");
    for x in slow {
        f = f.exchange(x);
    }
    f.into()
}
