//! PROV-06: with syslog_drain, the answer has an https or syslog log_drain_url.

use serde_json::Value;

use crate::check::judge::json_body;
use crate::check::{CheckCtx, Resource, Stop, Verdict, pass, skip};
use crate::record::outcome::Finding;

crate::check!(
    "PROV-06",
    Must,
    "log_drain_url returned when syslog_drain is required",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    if !cx.manifest().requires("syslog_drain") {
        return skip("the manifest does not require syslog_drain");
    }
    let res = cx.live_resource(Resource::Primary).await?;
    if res.is_async() {
        return skip("the partner answered 202; the drain is not in the 202 body");
    }
    let body = json_body(&res.reply)?;
    match judge(body.get("log_drain_url")) {
        Err(Stop::Violated(f)) => Err(Stop::violated(f.exchange(&res.reply.exchange))),
        v => v,
    }
}

pub fn judge(value: Option<&Value>) -> Verdict {
    let expected = "`log_drain_url` starting with https:// or syslog://";
    match value.and_then(Value::as_str) {
        Some(u) if u.starts_with("https://") || u.starts_with("syslog://") => pass(),
        Some(u) => Finding::new(expected, format!("`{u}`")).at("/log_drain_url").into(),
        None => Finding::new(expected, "no `log_drain_url`")
            .at("/log_drain_url")
            .hint("the manifest requires syslog_drain, so Heroku needs a drain URL in the provision answer")
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::assert_found;
    use serde_json::json;

    #[test]
    fn judges_drains() {
        assert!(matches!(
            judge(Some(&json!("https://d.example/x"))),
            Ok(Pass(_))
        ));
        assert!(matches!(
            judge(Some(&json!("syslog://d.example:514"))),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(Some(&json!("http://d.example"))),
            Some("/log_drain_url"),
            "`http://d.example`",
        );
        assert_found(&judge(None), Some("/log_drain_url"), "no `log_drain_url`");
    }
}
