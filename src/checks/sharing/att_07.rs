//! ATT-07: attaching needs nothing from the partner. Once the platform has attached the shared
//! resource to a second app (no Partner API call, as on Heroku), the partner still serves it: a
//! change to the plan it has gets the same class of answer as just before the attachment.

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, blocked, pass_with};
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

/// Differential: a change answered 2xx before attaching must still be answered 2xx once the
/// resource is attached. Only a 2xx after attaching shows the resource kept working; a change
/// that was not answered 2xx before attaching gives nothing to compare with.
pub fn judge(before: &Reply, after: &Reply) -> Verdict {
    if after.is_success() {
        return pass_with(format!(
            "before attaching: {}; attached: {}",
            observed_status(before),
            observed_status(after)
        ));
    }
    if after.status.is_none() {
        return blocked(format!(
            "the plan change after attaching got {}: nothing to judge",
            observed_status(after)
        ));
    }
    if !before.is_success() {
        return blocked(format!(
            "the same plan change was not answered 2xx before attaching ({}): nothing to compare",
            observed_status(before)
        ));
    }
    Finding::new(
        format!(
            "a 2xx, as before attaching ({})",
            observed_status(before)
        ),
        observed_status(after),
    )
    .at("status")
    .hint("attachments are Heroku's business (Heroku: `attachable` needs no other change); serve a shared resource like any other")
    .exchange(&after.exchange)
    .exchange(&before.exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{assert_found, reply};
    use crate::check::{Pass, Stop};

    #[test]
    fn only_a_2xx_after_attaching_passes() {
        let judge = |a: u16, b: u16| super::judge(&reply(a, "{}"), &reply(b, "{}"));
        assert_found(&judge(200, 422), Some("status"), "status 422");
        assert_found(&judge(200, 500), Some("status"), "status 500");
        assert!(matches!(judge(200, 204), Ok(Pass(_))));
        assert!(matches!(judge(422, 200), Ok(Pass(_))));
        // Two equal refusals are no evidence that the attached resource works.
        assert!(matches!(judge(422, 422), Err(Stop::Blocked(_))));
        assert!(matches!(judge(422, 503), Err(Stop::Blocked(_))));
        let mut gone = reply(200, "{}");
        gone.status = None;
        assert!(matches!(
            super::judge(&gone.clone(), &gone),
            Err(Stop::Blocked(_))
        ));
    }
}
