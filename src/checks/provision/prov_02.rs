//! PROV-02: a provision succeeds with 200/201 (sync) or 202 (async).

use crate::catalogue::Level;
use crate::check::judge::observed_status;
use crate::check::triage;
use crate::check::{CheckCtx, Resource, Verdict, pass, pass_with};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!("PROV-02", Must, "provision answers 200, 201 or 202", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.resource(Resource::Primary).await;
    judge(&res.reply, cx.manifest().username())
}

/// Judges the shared provision; a failure is said once, plainly, by its likely cause.
pub fn judge(reply: &Reply, addon_id: &str) -> Verdict {
    let expected = "200 or 201 (synchronous) or 202 (asynchronous)";
    if let (Some(_), Some(e)) = (reply.status, &reply.exchange.error) {
        return Finding::new(
            expected,
            format!("{}: the answer broke off ({e})", observed_status(reply)),
        )
        .at("body")
        .hint("the connection failed while the body was sent; Heroku sees a failed request")
        .exchange(&reply.exchange)
        .into();
    }
    match reply.status {
        Some(200 | 201) => pass(),
        Some(202) => pass_with("202: asynchronous provisioning"),
        Some(s) if (200..300).contains(&s) => Finding::new(expected, format!("status {s}"))
            .at("status")
            .level(Level::Should)
            .hint(
                "Heroku treats other 2xx as synchronous success, but 200 or 201 is what it expects",
            )
            .exchange(&reply.exchange)
            .into(),
        _ => {
            let why = triage::provision_failure(reply, addon_id)
                .unwrap_or_else(|| observed_status(reply));
            Finding::new(expected, why)
                .at("status")
                .hint("every suite after this one needs the shared resource: fix this first")
                .exchange(&reply.exchange)
                .into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::reply;
    use crate::check::{Pass, Stop};

    fn judge_(reply: &Reply) -> Verdict {
        judge(reply, "my-addon")
    }

    #[test]
    fn judges_statuses() {
        assert!(matches!(judge_(&reply(200, "{}")), Ok(Pass(_))));
        assert!(matches!(judge_(&reply(202, "{}")), Ok(Pass(_))));
        match judge_(&reply(203, "{}")) {
            Err(Stop::Violated(f)) => assert_eq!(f.level, Some(Level::Should)),
            v => panic!("{v:?}"),
        }
        assert!(matches!(judge_(&reply(500, "{}")), Err(Stop::Violated(f)) if f.level.is_none()));
    }
}
