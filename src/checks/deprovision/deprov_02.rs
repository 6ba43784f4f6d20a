//! DEPROV-02: deprovision succeeds with 200 or 204.

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
    judge(&reply)
}

pub fn judge(reply: &Reply) -> Verdict {
    match reply.status {
        Some(200 | 204) => pass(),
        Some(202) => Finding::new("200 or 204", "status 202")
            .at("status")
            .level(Level::Should)
            .hint("202 is for opted-in asynchronous deprovisioning (beta); Heroku did not ask for it")
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
        assert!(matches!(judge(&reply(204, "")), Ok(Pass(_))));
        assert!(matches!(judge(&reply(200, "{}")), Ok(Pass(_))));
        assert!(
            matches!(judge(&reply(202, "")), Err(Stop::Violated(f)) if f.level == Some(Level::Should))
        );
        assert!(matches!(judge(&reply(500, "")), Err(Stop::Violated(f)) if f.level.is_none()));
    }
}
