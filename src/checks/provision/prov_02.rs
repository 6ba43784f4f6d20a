//! PROV-02: a provision succeeds with 200/201 (sync) or 202 (async).

use crate::catalogue::Level;
use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass, pass_with};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!("PROV-02", Must, "provision answers 200, 201 or 202", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.resource(Resource::Primary).await;
    judge(&res.reply)
}

pub fn judge(reply: &Reply) -> Verdict {
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
        _ => Finding::new(expected, observed_status(reply))
            .at("status")
            .hint("the provision request was refused or failed; see the response body")
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
        assert!(matches!(judge(&reply(200, "{}")), Ok(Pass(_))));
        assert!(matches!(judge(&reply(202, "{}")), Ok(Pass(_))));
        match judge(&reply(203, "{}")) {
            Err(Stop::Violated(f)) => assert_eq!(f.level, Some(Level::Should)),
            v => panic!("{v:?}"),
        }
        assert!(matches!(judge(&reply(500, "{}")), Err(Stop::Violated(f)) if f.level.is_none()));
    }
}
