//! MAN-02: the manifest password is non-empty.

use serde_json::Value;

use crate::check::{CheckCtx, Verdict, pass};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!("MAN-02", Must, "manifest password is set", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    judge(cx.manifest())
}

pub fn judge(m: &Manifest) -> Verdict {
    let observed = match m.api().get("password") {
        Some(Value::String(s)) if !s.is_empty() => return pass(),
        Some(Value::String(_)) => "`api.password` is empty",
        None => "`api.password` is missing",
        Some(_) => "`api.password` is not a string",
    };
    Finding::new("a non-empty string", observed)
        .at("/api/password")
        .hint("generate one with `heroku addons:admin:manifest:generate` or set ADDON_PASSWORD for this run")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::assert_found;
    use crate::checks::manifest::parse;

    #[test]
    fn judges_passwords() {
        assert!(matches!(
            judge(&parse(r#"{"api":{"password":"x"}}"#)),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&parse(r#"{"api":{"password":""}}"#)),
            Some("/api/password"),
            "`api.password` is empty",
        );
        assert_found(
            &judge(&parse(r#"{"api":{}}"#)),
            Some("/api/password"),
            "`api.password` is missing",
        );
    }
}
