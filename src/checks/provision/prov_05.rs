//! PROV-05: `*_URL` config values are absolute URIs.

use serde_json::Value;

use crate::check::judge::json_body;
use crate::check::{CheckCtx, Stop, Verdict, blocked, pass, pass_with};
use crate::record::outcome::Finding;

crate::check!(
    "PROV-05",
    Should,
    "*_URL config values are absolute URIs",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = super::sync_answer(cx).await?;
    let body = json_body(&res.reply)?;
    let production = !cx.settings().base_url_overridden;
    match body.get("config") {
        Some(config) => match judge(config, production) {
            Err(Stop::Violated(f)) => Err(Stop::violated(f.exchange(&res.reply.exchange))),
            v => v,
        },
        None => pass_with("no config in the answer"),
    }
}

/// `production`: the run targets the production URL, where localhost is wrong.
pub fn judge(config: &Value, production: bool) -> Verdict {
    let Some(map) = config.as_object() else {
        return blocked("`config` is not an object (see PROV-04)");
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
        pass_with("no *_URL config vars in the answer")
    } else {
        pass()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::assert_found;
    use serde_json::json;

    #[test]
    fn judges_urls() {
        assert!(matches!(
            judge(&json!({"X_URL": "postgres://u:p@db.example:5432/d"}), true),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&json!({"X_URL": "/relative"}), true),
            Some("/config/X_URL"),
            "`X_URL` does not parse as a URI",
        );
        assert_found(
            &judge(&json!({"X_URL": "mailto:a@b"}), true),
            Some("/config/X_URL"),
            "`X_URL` has no host",
        );
        assert_found(
            &judge(&json!({"X_URL": "http://localhost:5000"}), true),
            Some("/config/X_URL"),
            "`X_URL` points at localhost in production",
        );
        assert!(matches!(
            judge(&json!({"X_URL": "http://localhost:5000"}), false),
            Ok(Pass(_))
        ));
        assert!(matches!(
            judge(&json!({"X_TOKEN": "abc"}), true),
            Ok(Pass(_))
        ));
    }
}
