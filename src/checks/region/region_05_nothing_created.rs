//! REGION-05 (nothing created): after a Private Space refusal, a deprovision of that uuid gets
//! 404 or 410 and the platform saw no call for it: the refusal left nothing behind. Calls that
//! arrive later than this check cannot be seen; the reference's fault calls before refusing.

use crate::catalogue::Level;
use crate::check::judge::is_2xx;
use crate::check::{CheckCtx, Pass, Verdict, blocked, pass};
use crate::partner::Credentials;
use crate::record::outcome::Finding;

crate::check!(
    "REGION-05.leftover",
    Must,
    "a refused Private Space provision leaves no resource and makes no callback",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let refused = super::refused(cx).await?;
    let uuids = refused.0.lock().map(|r| r.clone()).unwrap_or_default();
    if uuids.is_empty() {
        return blocked("no Private Space provision was refused (see REGION-05)");
    }
    for uuid in uuids {
        let reply = cx
            .deprovision(&uuid, Credentials::Manifest, "deprovision the refused uuid")
            .await;
        if matches!(reply.status, Some(404 | 410)) {
            if let Some(f) = callbacks_for(cx, &uuid) {
                return f.into();
            }
            continue;
        }
        // A control: a uuid nobody provisioned. If it gets the same kind of answer, the partner
        // answers every deprovision alike (DEPROV-03 judges that) and a leftover is invisible.
        let control = cx
            .deprovision(
                &uuid::Uuid::new_v4().to_string(),
                Credentials::Manifest,
                "deprovision an unknown uuid (control)",
            )
            .await;
        if !matches!(control.status, Some(404 | 410)) {
            return blocked(format!(
                "an unknown uuid's deprovision gets {} too (see DEPROV-03), so a leftover cannot be told apart",
                crate::check::judge::observed_status(&control)
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
        if !matches!(v, Ok(Pass(_))) {
            return v;
        }
    }
    pass()
}

/// A finding when the platform received calls concerning the refused uuid (a grant exchange,
/// Platform API calls): a refused provision must not act on Heroku's side either.
fn callbacks_for(cx: &CheckCtx<'_>, uuid: &str) -> Option<Finding> {
    let calls: Vec<_> = cx
        .platform()
        .journal()
        .all()
        .into_iter()
        .filter(|i| i.resource.as_deref() == Some(uuid) || i.scope.as_deref() == Some(uuid))
        .collect();
    let first = calls.first()?;
    Some(
        Finding::new(
            "no call to the platform for a refused provision",
            format!("{} call(s), first: {}", calls.len(), first.summary()),
        )
        .at("platform")
        .level(Level::Must)
        .hint("check the plan and region before exchanging the grant or calling the Platform API"),
    )
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
