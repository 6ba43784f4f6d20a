//! MAN-05: config var names are upper-case identifiers.

use serde_json::Value;

use crate::check::{CheckCtx, Verdict, pass, skip};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!(
    "MAN-05",
    Must,
    "config var names match ^[A-Z][0-9A-Z_]+$",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    judge(cx.manifest())
}

pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

pub fn judge(m: &Manifest) -> Verdict {
    let expected = "an array of names matching ^[A-Z][0-9A-Z_]+$";
    let items = match m.api().get("config_vars") {
        None | Some(Value::Null) => {
            return skip("the manifest declares no api.config_vars: no name to judge");
        }
        Some(Value::Array(items)) if items.is_empty() => {
            return skip("api.config_vars is empty: no name to judge");
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Finding::new(expected, "`api.config_vars` is not an array")
                .at("/api/config_vars")
                .into();
        }
    };
    for (i, item) in items.iter().enumerate() {
        if !item.as_str().is_some_and(valid_name) {
            return Finding::new(expected, format!("entry {item}"))
                .at(format!("/api/config_vars/{i}"))
                .hint("config var names become environment variable names: upper-case letters, digits and _")
                .into();
        }
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::assert_found;
    use crate::check::{Pass, Stop};
    use crate::checks::manifest::parse;

    #[test]
    fn judges_names() {
        assert!(valid_name("FAST_DB_URL"));
        assert!(!valid_name("fast_db_url"));
        assert!(!valid_name("FAST-DB"));
        assert!(!valid_name("_X"));
        assert!(!valid_name("X"));
        assert!(matches!(
            judge(&parse(r#"{"api":{"config_vars":["A_URL"]}}"#)),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&parse(r#"{"api":{"config_vars":["A_url"]}}"#)),
            Some("/api/config_vars/0"),
            "entry \"A_url\"",
        );
        assert_found(
            &judge(&parse(r#"{"api":{"config_vars":"A_URL"}}"#)),
            Some("/api/config_vars"),
            "`api.config_vars` is not an array",
        );
        assert_found(
            &judge(&parse(r#"{"api":{"config_vars":{"A_URL":1}}}"#)),
            Some("/api/config_vars"),
            "`api.config_vars` is not an array",
        );
        assert!(matches!(judge(&parse(r#"{"api":{}}"#)), Err(Stop::Skip(_))));
        assert!(matches!(
            judge(&parse(r#"{"api":{"config_vars":[]}}"#)),
            Err(Stop::Skip(_))
        ));
    }
}
