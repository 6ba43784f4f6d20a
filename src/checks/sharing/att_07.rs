//! ATT-07: attaching needs nothing from the partner. Once the platform has attached the shared
//! resource to a second app (no Partner API call, as on Heroku), the partner still serves it: a
//! plan change to the plan it has is not refused.

use crate::checks::inspect::observed_status;
use crate::outcome::{Finding, Verdict};
use crate::partner::{Credentials, Reply};
use crate::runner::CheckCtx;

crate::check!(
    "ATT-07",
    "ATT-07",
    Must,
    "a resource attached to another app keeps working",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let shared = match super::attached(cx).await {
        Ok(a) => a,
        Err(v) => return v,
    };
    use crate::outcome::Outcome;
    for (check, what) in [
        ("PLAN-02", "plan changes fail"),
        ("IDEM-04", "changes to the current plan are refused"),
    ] {
        if matches!(cx.outcome_of(check), Some(Outcome::Fail | Outcome::Warn)) {
            return Verdict::Blocked(format!("{what} anyway (see {check})"));
        }
    }
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let body = serde_json::json!({"plan": res.current_plan(), "uuid": res.uuid});
    let reply = cx
        .partner
        .plan_change(
            &res.uuid,
            &body,
            Credentials::Manifest,
            &format!(
                "plan change while attached to {} as {}",
                shared.app.name, shared.attachment.name
            ),
        )
        .await;
    judge(&reply)
}

pub fn judge(reply: &Reply) -> Verdict {
    if reply.is_success() {
        return Verdict::pass();
    }
    Finding::new(
        "2xx for a plan change of a resource that is also attached to another app",
        observed_status(reply),
    )
    .at("status")
    .hint("attachments are Heroku's business (seed 002: attachable needs no other change); serve a shared resource like any other")
    .exchange(&reply.exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::reply;
    use crate::outcome::Verdict;

    #[test]
    fn refusal_fails() {
        assert!(matches!(
            super::judge(&reply(422, "{}")),
            Verdict::Violated(_)
        ));
        assert!(matches!(super::judge(&reply(200, "{}")), Verdict::Pass(_)));
    }
}
