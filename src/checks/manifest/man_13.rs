//! MAN-13: an SSO salt accompanies an SSO URL.

use serde_json::Value;

use crate::check::{CheckCtx, Verdict, pass, pass_with};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!("MAN-13", Must, "sso_salt is set when sso_url is", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    judge(cx.manifest())
}

pub fn judge(m: &Manifest) -> Verdict {
    let sso_url = m.api().get("production").and_then(|p| p.get("sso_url"));
    if sso_url.is_none_or(Value::is_null) {
        return pass_with("no production sso_url");
    }
    let observed = match m.api().get("sso_salt") {
        Some(Value::String(s)) if !s.is_empty() => return pass(),
        Some(Value::String(_)) => "`api.sso_salt` is empty",
        None => "`api.sso_salt` is missing",
        Some(_) => "`api.sso_salt` is not a string",
    };
    Finding::new("a non-empty sso_salt, because api.production.sso_url is set", observed)
        .at("/api/sso_salt")
        .hint("Heroku signs SSO tokens with the salt; set it in the manifest (or ADDON_SSO_SALT for this run)")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::assert_found;
    use crate::checks::manifest::parse;

    #[test]
    fn judges_salt() {
        let with = r#"{"api":{"sso_salt":"s","production":{"sso_url":"https://a/sso"}}}"#;
        assert!(matches!(judge(&parse(with)), Ok(Pass(_))));
        let without = r#"{"api":{"production":{"sso_url":"https://a/sso"}}}"#;
        assert_found(
            &judge(&parse(without)),
            Some("/api/sso_salt"),
            "`api.sso_salt` is missing",
        );
        assert!(matches!(judge(&parse(r#"{"api":{}}"#)), Ok(Pass(_))));
        // A non-string sso_url is still an sso_url (MAN-04 judges its form).
        assert_found(
            &judge(&parse(r#"{"api":{"production":{"sso_url":7}}}"#)),
            Some("/api/sso_salt"),
            "`api.sso_salt` is missing",
        );
    }
}
