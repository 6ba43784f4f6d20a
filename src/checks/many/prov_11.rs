//! PROV-11: a second install on an app that already has the add-on (same `heroku_id`, another
//! uuid) is accepted: there is no uniqueness constraint on `heroku_id`.

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!(
    "PROV-11",
    Must,
    "a second install on the same app is accepted",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    cx.live_resource(Resource::Primary).await?;
    let second = cx.resource(Resource::Secondary).await;
    judge(&second.reply)
}

pub fn judge(reply: &Reply) -> Verdict {
    if reply.is_success() {
        return pass();
    }
    Finding::new(
        "2xx for a second install on the app (same heroku_id, new uuid)",
        observed_status(reply),
    )
    .at("status")
    .hint("with many_per_app one app installs the add-on several times: drop any uniqueness constraint on heroku_id or the app and key installs on the uuid")
    .exchange(&reply.exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use crate::check::Pass;
    use crate::check::testing::reply;

    #[test]
    fn fails_on_422_and_passes_on_200() {
        let v = super::judge(&reply(422, "{\"message\":\"already installed\"}"));
        crate::check::testing::assert_found(&v, Some("status"), "status 422");
        assert!(matches!(
            super::judge(&reply(200, "{\"id\":\"x\"}")),
            Ok(Pass(_))
        ));
    }
}
