//! MAN-01: the manifest id is a non-empty lowercase slug.

use serde_json::Value;

use crate::check::{CheckCtx, Verdict, pass};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!("MAN-01", Must, "manifest id is a lowercase slug", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    judge(cx.manifest())
}

pub fn judge(m: &Manifest) -> Verdict {
    let expected = "a non-empty lowercase slug (a-z, 0-9, -)";
    let finding = match m.raw.get("id") {
        None => Finding::new(expected, "`id` is missing"),
        Some(Value::String(s)) if s.is_empty() => Finding::new(expected, "`id` is empty"),
        Some(Value::String(s))
            if !s
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
        {
            Finding::new(expected, format!("`id` is `{s}`"))
        }
        Some(Value::String(_)) => return pass(),
        Some(other) => Finding::new(
            expected,
            format!("`id` is {}", crate::check::judge::kind(other)),
        ),
    };
    finding
        .at("/id")
        .hint("the id is your add-on slug, as in `heroku addons:create <id>`; it is also the Basic-auth username")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Pass, Stop};
    use crate::checks::manifest::parse;

    #[test]
    fn judges_ids() {
        assert!(matches!(
            judge(&parse(r#"{"id":"fast-db","api":{}}"#)),
            Ok(Pass(_))
        ));
        for bad in [
            r#"{"api":{}}"#,
            r#"{"id":"","api":{}}"#,
            r#"{"id":"Fast DB","api":{}}"#,
            r#"{"id":7,"api":{}}"#,
        ] {
            assert!(
                matches!(judge(&parse(bad)), Err(Stop::Violated(_))),
                "{bad}"
            );
        }
    }
}
