//! REGION-05 (nothing created): after a Private Space refusal, the refused uuid has no resource
//! and the platform saw no call for it (`check::leftover`, shared by every refusing probe).
//! Calls that arrive later than this check cannot be seen; the reference's fault calls before
//! refusing.

use crate::check::leftover::left_nothing;
use crate::check::{CheckCtx, Verdict, blocked, pass};

crate::check!(
    "REGION-05.leftover",
    Must,
    "a refused Private Space provision leaves no resource and makes no callback",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let refused = super::refused(cx).await?;
    let refusals = refused.0.lock().map(|r| r.clone()).unwrap_or_default();
    if refusals.is_empty() {
        return blocked("no Private Space provision was refused (see REGION-05)");
    }
    for (uuid, refusal) in &refusals {
        left_nothing(cx, uuid, refusal).await?;
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Stop;
    use crate::check::testing::{ctx_for, run_check, start, stub};

    #[tokio::test]
    async fn blocked_without_a_refusal() {
        let server = start(stub(404, "{}")).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        assert!(matches!(
            run_check(&CHECK, &ctx).await,
            Err(Stop::Blocked(_))
        ));
    }
}
