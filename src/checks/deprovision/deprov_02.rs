//! DEPROV-02: deprovision succeeds with 200 or 204; a 202 only with `[deprovision] async`
//! (Heroku's asynchronous deprovisioning beta), whose action ASYNC-07 judges.

use crate::catalogue::Level;
use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass, pass_with};
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

crate::check!("DEPROV-02", Must, "deprovision answers 200 or 204", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    let reply = cx
        .deprovision(&res.uuid, Credentials::Manifest, "deprovision primary")
        .await;
    if reply.status.is_some_and(|s| (200..300).contains(&s)) {
        res.mark_gone("deprovisioned by DEPROV-02");
    }
    judge(&reply, cx.config().deprovision.asynchronous)
}

/// `asynchronous`: the partner is enrolled in the async deprovisioning beta.
pub fn judge(reply: &Reply, asynchronous: bool) -> Verdict {
    match reply.status {
        Some(200 | 204) => pass(),
        Some(202) if asynchronous => pass_with(
            "202: asynchronous deprovisioning (beta); ASYNC-07 judges the deprovision action",
        ),
        Some(202) => Finding::new("200 or 204", "status 202")
            .at("status")
            .level(Level::Must)
            .hint("202 is for add-ons enrolled in Heroku's asynchronous deprovisioning beta; if yours is, set [deprovision] async = true, otherwise release the resource and answer 204")
            .exchange(&reply.exchange)
            .into(),
        Some(s) if (200..300).contains(&s) => pass_with(format!("status {s}")),
        _ => Finding::new("200 or 204", observed_status(reply))
            .at("status")
            .hint("a failed deprovision keeps the customer billed; release the resource and answer 204")
            .exchange(&reply.exchange)
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::reply;
    use crate::check::{Pass, Stop};

    #[test]
    fn judges_statuses() {
        assert!(matches!(judge(&reply(204, ""), false), Ok(Pass(_))));
        assert!(matches!(judge(&reply(200, "{}"), false), Ok(Pass(_))));
        assert!(
            matches!(judge(&reply(202, ""), false), Err(Stop::Violated(f)) if f.level == Some(Level::Must) && f.hint.as_deref().is_some_and(|h| h.contains("[deprovision] async")))
        );
        assert!(matches!(judge(&reply(202, ""), true), Ok(Pass(Some(_)))));
        assert!(
            matches!(judge(&reply(500, ""), false), Err(Stop::Violated(f)) if f.level.is_none())
        );
    }
}
