//! GEN-01: the provision answer is valid JSON.

use crate::partner::Reply;
use crate::record::outcome::Finding;
use crate::check::{CheckCtx, Resource, Verdict, pass, pass_with};

crate::check!(
    "GEN-01",
    Must,
    "provision answer is valid JSON",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    judge(&res.reply)
}

pub fn judge(reply: &Reply) -> Verdict {
    if reply.status == Some(204) && reply.body.is_empty() {
        return pass_with("204 without a body");
    }
    match &reply.json {
        Ok(_) => pass(),
        Err(e) => Finding::new("a JSON body", format!("not JSON: {e}"))
            .at("body")
            .hint("answer with a JSON object such as {\"id\": \"…\", \"config\": {…}}; error pages from the framework are a common cause")
            .exchange(&reply.exchange)
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Pass, Stop};
    use crate::check::testing::reply;

    #[test]
    fn judges_bodies() {
        assert!(matches!(
            judge(&reply(200, r#"{"id":"1"}"#)),
            Ok(Pass(_))
        ));
        assert!(matches!(judge(&reply(200, "<html>")), Err(Stop::Violated(_))));
        assert!(matches!(judge(&reply(200, "")), Err(Stop::Violated(_))));
    }
}
