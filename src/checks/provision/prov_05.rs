//! PROV-05: `*_URL` config values are absolute URIs.

use serde_json::Value;

use crate::checks::inspect::json_object;
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "PROV-05",
    "PROV-05",
    Should,
    "*_URL config values are absolute URIs",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = match super::sync_answer(cx).await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let body = match json_object(&res.reply) {
        Ok(b) => b,
        Err(why) => return Verdict::Blocked(why),
    };
    let production = !cx.settings.base_url_overridden;
    match body.get("config") {
        Some(config) => match judge(config, production) {
            Verdict::Violated(f) => Verdict::violated(f.exchange(&res.reply.exchange)),
            v => v,
        },
        None => Verdict::pass_with("no config in the answer"),
    }
}

/// `production`: the run targets the production URL, where localhost is wrong.
pub fn judge(config: &Value, production: bool) -> Verdict {
    let Some(map) = config.as_object() else {
        return Verdict::Blocked("`config` is not an object (see PROV-04)".into());
    };
    let mut seen = 0;
    for (key, value) in map.iter().filter(|(k, _)| k.ends_with("_URL")) {
        let Some(text) = value.as_str() else { continue };
        seen += 1;
        let parsed = url::Url::parse(text);
        let problem = match &parsed {
            Err(e) => Some(format!("`{key}` does not parse as a URI ({e})")),
            Ok(u) if u.host_str().is_none_or(str::is_empty) => Some(format!("`{key}` has no host")),
            Ok(u)
                if production
                    && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")) =>
            {
                Some(format!(
                    "`{key}` points at {} in production",
                    u.host_str().unwrap_or_default()
                ))
            }
            Ok(_) => None,
        };
        if let Some(observed) = problem {
            return Finding::new("an absolute URI with a scheme and a host", observed)
                .at(format!("/config/{key}"))
                .hint("customers' client libraries parse these values; return a full URL such as postgres://user:pass@host:5432/db")
                .into();
        }
    }
    if seen == 0 {
        Verdict::pass_with("no *_URL config vars in the answer")
    } else {
        Verdict::pass()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn judges_urls() {
        assert!(matches!(
            judge(&json!({"X_URL": "postgres://u:p@db.example:5432/d"}), true),
            Verdict::Pass(_)
        ));
        assert!(matches!(
            judge(&json!({"X_URL": "/relative"}), true),
            Verdict::Violated(_)
        ));
        assert!(matches!(
            judge(&json!({"X_URL": "mailto:a@b"}), true),
            Verdict::Violated(_)
        ));
        assert!(matches!(
            judge(&json!({"X_URL": "http://localhost:5000"}), true),
            Verdict::Violated(_)
        ));
        assert!(matches!(
            judge(&json!({"X_URL": "http://localhost:5000"}), false),
            Verdict::Pass(_)
        ));
        assert!(matches!(
            judge(&json!({"X_TOKEN": "abc"}), true),
            Verdict::Pass(_)
        ));
    }
}
