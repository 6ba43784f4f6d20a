//! ATT-07: attaching needs nothing from the partner. Once the platform has attached the shared
//! resource to a second app (no Partner API call, as on Heroku), the partner still serves it: a
//! change to the plan it has gets the same class of answer as just before the attachment.

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass_with};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!(
    "ATT-07",
    Must,
    "a resource attached to another app keeps working",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let shared = super::attached(cx).await?;
    let res = cx.live_resource(Resource::Primary).await?;
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
        return pass_with(format!(
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
    .hint("attachments are Heroku's business (Heroku: `attachable` needs no other change); serve a shared resource like any other")
    .exchange(&before.exchange)
    .exchange(&after.exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use crate::check::Pass;
    use crate::check::testing::{assert_found, reply};

    #[test]
    fn only_a_change_of_answer_class_fails() {
        let judge = |a: u16, b: u16| super::judge(&reply(a, "{}"), &reply(b, "{}"));
        assert_found(&judge(200, 422), Some("status"), "status 422");
        assert_found(&judge(200, 500), Some("status"), "status 500");
        assert!(matches!(judge(200, 204), Ok(Pass(_))));
        assert!(matches!(judge(422, 422), Ok(Pass(_))));
        assert!(matches!(judge(422, 200), Ok(Pass(_))));
        assert_found(&judge(422, 503), Some("status"), "status 503");
    }
}
