//! GEN-01: the provision answer is valid JSON.

use crate::check::{CheckCtx, Resource, Verdict, pass, pass_with};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!("GEN-01", Must, "provision answer is valid JSON", run);

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
    use crate::check::Pass;
    use crate::check::testing::{assert_found, reply};

    #[test]
    fn judges_bodies() {
        assert!(matches!(judge(&reply(200, r#"{"id":"1"}"#)), Ok(Pass(_))));
        assert_found(
            &judge(&reply(200, "<html>")),
            Some("body"),
            "not JSON: expected value at line 1 column 1",
        );
        assert_found(
            &judge(&reply(200, "")),
            Some("body"),
            "not JSON: empty body",
        );
    }
}
