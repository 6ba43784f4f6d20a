//! GEN-01: the provision answer is valid JSON.

use crate::partner::Reply;
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "GEN-01",
    "GEN-01",
    Must,
    "provision answer is valid JSON",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    match cx.live_resource("primary").await {
        Ok(res) => judge(&res.reply),
        Err(v) => v,
    }
}

pub fn judge(reply: &Reply) -> Verdict {
    if reply.status == Some(204) && reply.body.is_empty() {
        return Verdict::pass_with("204 without a body");
    }
    match &reply.json {
        Ok(_) => Verdict::pass(),
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
    use crate::checks::testing::reply;

    #[test]
    fn judges_bodies() {
        assert!(matches!(
            judge(&reply(200, r#"{"id":"1"}"#)),
            Verdict::Pass(_)
        ));
        assert!(matches!(judge(&reply(200, "<html>")), Verdict::Violated(_)));
        assert!(matches!(judge(&reply(200, "")), Verdict::Violated(_)));
    }
}
