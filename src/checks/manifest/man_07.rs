//! MAN-07: v3 manifests say `"version": "3"`.

use serde_json::Value;

use crate::check::{CheckCtx, Verdict, pass};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!("MAN-07", Should, "manifest declares API version \"3\"", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    judge(cx.manifest())
}

pub fn judge(m: &Manifest) -> Verdict {
    match m.api().get("version") {
        Some(Value::String(v)) if v == "3" => pass(),
        other => Finding::new(
            "\"3\"",
            match other {
                None => "`api.version` is missing".to_owned(),
                Some(v) => format!("`api.version` is {v}"),
            },
        )
        .at("/api/version")
        .hint("v3 integrations declare \"version\": \"3\" (a string)")
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::assert_found;
    use crate::checks::manifest::parse;

    #[test]
    fn judges_versions() {
        assert!(matches!(
            judge(&parse(r#"{"api":{"version":"3"}}"#)),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&parse(r#"{"api":{"version":3}}"#)),
            Some("/api/version"),
            "`api.version` is 3",
        );
        assert_found(
            &judge(&parse(r#"{"api":{}}"#)),
            Some("/api/version"),
            "`api.version` is missing",
        );
    }
}
