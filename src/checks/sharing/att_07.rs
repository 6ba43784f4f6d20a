//! ATT-07: attaching needs nothing from the partner. Once the platform has attached the shared
//! resource to a second app (no Partner API call, as on Heroku), the partner still serves it: a
//! change to the plan it has gets the same class of answer as just before the attachment.

use crate::checks::inspect::observed_status;
use crate::partner::Reply;
use crate::record::outcome::{Finding, Verdict};
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
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let reply = super::same_plan_change(
        cx,
        &res,
        &format!(
            "plan change while attached to {} as {}",
            shared.app.name, shared.attachment.name
        ),
    )
    .await;
    judge(&shared.baseline, &reply)
}

/// The class of an answer: 2xx, 4xx, 5xx, other status, or none.
fn class(reply: &Reply) -> Option<u16> {
    if reply.is_success() {
        return Some(2);
    }
    reply.status.map(|s| s / 100)
}

/// Differential: the attachment must not change the class of answer to the same request.
pub fn judge(before: &Reply, after: &Reply) -> Verdict {
    if class(before) == class(after) || after.is_success() {
        return Verdict::pass_with(format!(
            "before attaching: {}; attached: {}",
            observed_status(before),
            observed_status(after)
        ));
    }
    Finding::new(
        format!(
            "the same answer class as before attaching ({})",
            observed_status(before)
        ),
        observed_status(after),
    )
    .at("status")
    .hint("attachments are Heroku's business (seed 002: attachable needs no other change); serve a shared resource like any other")
    .exchange(&before.exchange)
    .exchange(&after.exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::reply;
    use crate::record::outcome::Verdict;

    #[test]
    fn only_a_change_of_answer_class_fails() {
        let judge = |a: u16, b: u16| super::judge(&reply(a, "{}"), &reply(b, "{}"));
        assert!(matches!(judge(200, 422), Verdict::Violated(_)));
        assert!(matches!(judge(200, 500), Verdict::Violated(_)));
        assert!(matches!(judge(200, 204), Verdict::Pass(_)));
        assert!(matches!(judge(422, 422), Verdict::Pass(_)));
        assert!(matches!(judge(422, 200), Verdict::Pass(_)));
        assert!(matches!(judge(422, 503), Verdict::Violated(_)));
    }
}
