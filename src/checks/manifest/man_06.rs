//! MAN-06: every config var carries the prefix and one `_`.

use serde_json::Value;

use crate::check::{CheckCtx, Verdict, blocked, pass, skip};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!("MAN-06", Must, "config vars carry the prefix", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    judge(cx.manifest())
}

/// True when `name` is `{prefix}_{suffix}` with a non-empty suffix not starting with `_`.
pub fn has_prefix(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|suffix| !suffix.is_empty() && !suffix.starts_with('_'))
}

pub fn judge(m: &Manifest) -> Verdict {
    match m.api().get("config_vars") {
        Some(Value::Array(items)) if !items.is_empty() => {}
        None | Some(Value::Null) | Some(Value::Array(_)) => {
            return skip("the manifest declares no config vars: no prefix to judge");
        }
        Some(_) => return blocked("`api.config_vars` is not an array of names (see MAN-05)"),
    }
    let prefix = m.prefix();
    for (i, name) in m.config_vars.iter().enumerate() {
        if !has_prefix(name, &prefix) {
            return Finding::new(
                format!("every config var starts with `{prefix}_`"),
                format!("`{name}` does not"),
            )
            .at(format!("/api/config_vars/{i}"))
            .hint("Heroku renames vars per attachment by replacing the prefix; rename the var or set api.config_vars_prefix")
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
    fn judges_prefixes() {
        assert!(has_prefix("FAST_DB_URL", "FAST_DB"));
        assert!(!has_prefix("FAST_DBURL", "FAST_DB"));
        assert!(!has_prefix("FAST_DB_", "FAST_DB"));
        assert!(!has_prefix("FAST_DB__URL", "FAST_DB"));
        let m = parse(r#"{"id":"fast-db","api":{"config_vars":["FAST_DB_URL"]}}"#);
        assert!(matches!(judge(&m), Ok(Pass(_))));
        let m = parse(r#"{"id":"fast-db","api":{"config_vars":["DATABASE_URL"]}}"#);
        assert_found(
            &judge(&m),
            Some("/api/config_vars/0"),
            "`DATABASE_URL` does not",
        );
        let m = parse(
            r#"{"id":"fast-db","api":{"config_vars_prefix":"FDB","config_vars":["FDB_URL"]}}"#,
        );
        assert!(matches!(judge(&m), Ok(Pass(_))));
        for odd in [r#""FDB_URL""#, r#"{"FDB_URL":"x"}"#] {
            let m = parse(&format!(r#"{{"id":"fdb","api":{{"config_vars":{odd}}}}}"#));
            assert!(matches!(judge(&m), Err(Stop::Blocked(_))), "{odd}");
        }
        assert!(matches!(
            judge(&parse(r#"{"id":"fdb","api":{}}"#)),
            Err(Stop::Skip(_))
        ));
    }
}
