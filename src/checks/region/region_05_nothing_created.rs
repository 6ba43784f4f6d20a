//! REGION-05 (nothing created): after a Private Space refusal, a deprovision of that uuid gets
//! 404 or 410: the refusal left no resource behind.

use crate::catalogue::Level;
use crate::checks::inspect::is_2xx;
use crate::outcome::{Finding, Verdict};
use crate::partner::Credentials;
use crate::runner::CheckCtx;

crate::check!(
    "REGION-05.leftover",
    "REGION-05",
    Must,
    "a refused Private Space provision leaves no resource",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let Some(refused) = super::refused(cx).await else {
        return Verdict::Error("the region memo holds another type".into());
    };
    let uuids = refused.0.lock().map(|r| r.clone()).unwrap_or_default();
    if uuids.is_empty() {
        return Verdict::Blocked("no Private Space provision was refused (see REGION-05)".into());
    }
    for uuid in uuids {
        let reply = cx
            .partner
            .deprovision(&uuid, Credentials::Manifest, "deprovision the refused uuid")
            .await;
        if matches!(reply.status, Some(404 | 410)) {
            continue;
        }
        // A control: a uuid nobody provisioned. If it gets the same kind of answer, the partner
        // answers every deprovision alike (DEPROV-03 judges that) and a leftover is invisible.
        let control = cx
            .partner
            .deprovision(
                &uuid::Uuid::new_v4().to_string(),
                Credentials::Manifest,
                "deprovision an unknown uuid (control)",
            )
            .await;
        if !matches!(control.status, Some(404 | 410)) {
            return Verdict::Blocked(format!(
                "an unknown uuid's deprovision gets {} too (see DEPROV-03), so a leftover cannot be told apart",
                crate::checks::inspect::observed_status(&control)
            ));
        }
        if is_2xx(reply.status) {
            return Finding::new(
                "404 or 410: the refused provision created nothing",
                format!(
                    "status {}: a resource exists for the refused uuid",
                    reply.status.unwrap_or(0)
                ),
            )
            .at("status")
            .level(Level::Must)
            .hint("decide on the region before creating anything, or roll back when refusing")
            .exchange(&reply.exchange)
            .into();
        }
        let v = crate::checks::deprovision::judge_gone(&reply, "404 or 410 for a refused uuid", "");
        if !matches!(v, Verdict::Pass(_)) {
            return v;
        }
    }
    Verdict::pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{ctx_for, run_check, start, stub};

    #[tokio::test]
    async fn blocked_without_a_refusal() {
        let server = start(stub(404, "{}")).await;
        let ctx = ctx_for(&server.uri(), |_| {});
        assert!(matches!(run_check(&CHECK, &ctx).await, Verdict::Blocked(_)));
    }
}
