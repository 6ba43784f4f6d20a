//! PROV-12: a provision for a uuid that was deprovisioned gets 410 (or 422 with a message), not
//! a silently recreated resource. Uses the `secondary` shared resource, removing it first; an
//! asynchronous removal (202) is awaited, since Heroku resends nothing while it is pending.

use crate::catalogue::Level;
use crate::check::judge::{is_2xx, is_5xx, message, observed_status};
use crate::check::{CheckCtx, Resource, Verdict, blocked, pass};
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

crate::check!(
    "PROV-12",
    Should,
    "a provision for a removed uuid answers 410",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Secondary).await?;
    let removal = cx
        .deprovision(&res.uuid, Credentials::Manifest, "deprovision secondary")
        .await;
    // Only a 2xx proves a removal: a 404/410 says the partner did not have it, so a later
    // success would be no recreation.
    if !is_2xx(removal.status) {
        return blocked(format!(
            "the removal of the secondary resource was not proven (2xx): {}",
            removal.exchange.summary()
        ));
    }
    res.mark_gone("deprovisioned by PROV-12");
    // Heroku sends no provision for a uuid whose removal is still pending.
    cx.removal_settled(&res.uuid).await?;
    let again = cx.resend(&res, "provision the removed uuid again").await;
    judge(&again)
}

pub fn judge(reply: &Reply) -> Verdict {
    let finding = |level: Level, observed: String, hint: &str| {
        Finding::new(
            "410 (or 422 with a message): the uuid was deprovisioned",
            observed,
        )
        .at("status")
        .level(level)
        .hint(hint)
        .exchange(&reply.exchange)
        .into()
    };
    match reply.status {
        Some(410) => pass(),
        Some(422) if message(reply).is_some() => pass(),
        s if is_2xx(s) => finding(
            Level::Should,
            format!(
                "{}: the removed resource was recreated",
                observed_status(reply)
            ),
            "keep a tombstone per uuid and answer 410: recreating bills the customer for something they deleted",
        ),
        None => blocked(format!("no answer to judge: {}", observed_status(reply))),
        s if is_5xx(s) => finding(
            Level::Should,
            observed_status(reply),
            "a 5xx makes Heroku retry; answer 410",
        ),
        _ => finding(Level::Should, observed_status(reply), "answer 410 Gone"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::Stop;
    use crate::check::testing::reply;

    #[test]
    fn gone_passes_recreation_warns() {
        assert!(matches!(judge(&reply(410, "{}")), Ok(Pass(_))));
        assert!(matches!(
            judge(&reply(422, r#"{"message":"removed"}"#)),
            Ok(Pass(_))
        ));
        assert!(
            matches!(judge(&reply(200, r#"{"id":"a"}"#)), Err(Stop::Violated(f)) if f.level == Some(Level::Should))
        );
        assert!(
            matches!(judge(&reply(500, "{}")), Err(Stop::Violated(f)) if f.level == Some(Level::Should))
        );
    }
}
