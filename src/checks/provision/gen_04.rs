//! GEN-04: a JSON answer is labelled with a JSON content type.

use crate::partner::Reply;
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "GEN-04",
    "GEN-04",
    Should,
    "provision answer has a JSON content type",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    match cx.live_resource("primary").await {
        Ok(res) => judge(&res.reply),
        Err(v) => v,
    }
}

pub fn is_json_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

pub fn judge(reply: &Reply) -> Verdict {
    if reply.json.is_err() {
        return Verdict::Blocked("the body is not JSON (see GEN-01)".to_owned());
    }
    match reply.content_type.as_deref() {
        Some(ct) if is_json_type(ct) => Verdict::pass(),
        other => Finding::new(
            "Content-Type: application/json",
            format!("Content-Type: {}", other.unwrap_or("(none)")),
        )
        .at("header Content-Type")
        .hint("set the response content type to application/json")
        .exchange(&reply.exchange)
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::reply_typed;

    #[test]
    fn judges_types() {
        assert!(is_json_type("application/json; charset=utf-8"));
        assert!(is_json_type(
            "application/vnd.heroku-addons+json; version=3"
        ));
        assert!(!is_json_type("text/html"));
        assert!(matches!(
            judge(&reply_typed(200, "{}", "text/html")),
            Verdict::Violated(_)
        ));
        assert!(matches!(
            judge(&reply_typed(200, "{}", "application/json")),
            Verdict::Pass(_)
        ));
    }
}
