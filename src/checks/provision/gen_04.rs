//! GEN-04: a JSON answer is labelled with a JSON content type.

use crate::check::{CheckCtx, Resource, Verdict, blocked, pass};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!(
    "GEN-04",
    Should,
    "provision answer has a JSON content type",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    judge(&res.reply)
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
        return blocked("the body is not JSON (see GEN-01)");
    }
    match reply.content_type.as_deref() {
        Some(ct) if is_json_type(ct) => pass(),
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

    use crate::check::Pass;
    use crate::check::testing::{assert_found, reply_typed};

    #[test]
    fn judges_types() {
        assert!(is_json_type("application/json; charset=utf-8"));
        assert!(is_json_type(
            "application/vnd.heroku-addons+json; version=3"
        ));
        assert!(!is_json_type("text/html"));
        assert_found(
            &judge(&reply_typed(200, "{}", "text/html")),
            Some("header Content-Type"),
            "Content-Type: text/html",
        );
        assert!(matches!(
            judge(&reply_typed(200, "{}", "application/json")),
            Ok(Pass(_))
        ));
    }
}
