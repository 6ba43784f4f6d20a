//! IDEM-05: a repeated deprovision gets 2xx, 404 or 410; never a 5xx. Sent once an
//! asynchronous removal is complete (Heroku does not repeat a DELETE that was answered 202).

use crate::catalogue::Level;
use crate::check::judge::{is_2xx, is_5xx, observed_status};
use crate::check::{CheckCtx, Verdict, pass};
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

crate::check!(
    "IDEM-05",
    Should,
    "repeated deprovision answers 2xx, 404 or 410",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = super::removed_resource(cx).await?;
    let reply = cx
        .deprovision(&res.uuid, Credentials::Manifest, "repeat deprovision")
        .await;
    judge(&reply)
}

pub fn judge(reply: &Reply) -> Verdict {
    let expected = "2xx, 404 or 410 (Heroku retries deprovisions)";
    match reply.status {
        s if is_2xx(s) => pass(),
        Some(404 | 410) => pass(),
        s => Finding::new(expected, observed_status(reply))
            .at("status")
            .level(if is_5xx(s) || s.is_none() {
                Level::Must
            } else {
                Level::Should
            })
            .hint("look the resource up, and answer 410 when it was already removed")
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
    fn judges_repeats() {
        for ok in [200, 204, 404, 410] {
            assert!(matches!(judge(&reply(ok, "")), Ok(Pass(_))), "{ok}");
        }
        assert!(
            matches!(judge(&reply(500, "")), Err(Stop::Violated(f)) if f.level == Some(Level::Must))
        );
        assert!(
            matches!(judge(&reply(422, "")), Err(Stop::Violated(f)) if f.level == Some(Level::Should))
        );
    }
}
