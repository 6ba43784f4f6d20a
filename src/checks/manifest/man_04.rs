//! MAN-04: the production base_url and sso_url are https.

use crate::check::{CheckCtx, Pass, Verdict, pass, pass_with};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!("MAN-04", Must, "production URLs are https", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    match judge(cx.manifest()) {
        Ok(Pass(_)) if cx.settings().base_url_overridden || cx.settings().sso_url_overridden => {
            pass_with("production URLs are https; this run uses a local override")
        }
        v => v,
    }
}

pub fn judge(m: &Manifest) -> Verdict {
    let hint = "production URLs must be https with a valid certificate; use --base-url/--sso-url or the config's [partner] section for local http runs";
    let Some(base) = m.base_url.as_deref() else {
        return Finding::new(
            "an https URL",
            "`api.production.base_url` is missing or not a string",
        )
        .at("/api/production/base_url")
        .hint(hint)
        .into();
    };
    let raw_sso = m.api().get("production").and_then(|p| p.get("sso_url"));
    if raw_sso.is_some_and(|v| !v.is_string() && !v.is_null()) {
        return Finding::new("an https URL", "`api.production.sso_url` is not a string")
            .at("/api/production/sso_url")
            .hint(hint)
            .into();
    }
    let urls = [("base_url", Some(base)), ("sso_url", m.sso_url.as_deref())];
    for (field, url) in urls {
        let Some(url) = url else { continue };
        let https = url::Url::parse(url).is_ok_and(|u| u.scheme() == "https" && u.host().is_some());
        if !https {
            return Finding::new("an https URL", format!("`{url}`"))
                .at(format!("/api/production/{field}"))
                .hint(hint)
                .into();
        }
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::assert_found;

    use crate::checks::manifest::parse;

    #[test]
    fn judges_urls() {
        let ok = r#"{"api":{"production":{"base_url":"https://a.example/heroku/resources","sso_url":"https://a.example/sso"}}}"#;
        assert!(matches!(judge(&parse(ok)), Ok(Pass(_))));
        let http = r#"{"api":{"production":{"base_url":"http://a.example/heroku/resources"}}}"#;
        assert_found(
            &judge(&parse(http)),
            Some("/api/production/base_url"),
            "`http://a.example/heroku/resources`",
        );
        let sso = r#"{"api":{"production":{"base_url":"https://a.example/r","sso_url":"http://a.example/sso"}}}"#;
        assert_found(
            &judge(&parse(sso)),
            Some("/api/production/sso_url"),
            "`http://a.example/sso`",
        );
        assert_found(
            &judge(&parse(r#"{"api":{}}"#)),
            Some("/api/production/base_url"),
            "`api.production.base_url` is missing or not a string",
        );
        assert_found(
            &judge(&parse(
                r#"{"api":{"production":{"base_url":"https://a.example/r","sso_url":7}}}"#,
            )),
            Some("/api/production/sso_url"),
            "`api.production.sso_url` is not a string",
        );
    }
}
