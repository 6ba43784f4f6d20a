//! MAN-03: regions are a non-empty list of known Heroku region names.

use serde_json::Value;

use crate::check::{CheckCtx, Verdict, pass};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!(
    "MAN-03",
    Must,
    "manifest regions are known Heroku regions",
    run
);

/// Heroku region names (Common Runtime and Private Spaces) and kensa's `*`. Extend with
/// `[manifest] extra_regions` when Heroku adds one.
pub const KNOWN_REGIONS: &[&str] = &[
    "us",
    "eu",
    "virginia",
    "oregon",
    "dublin",
    "frankfurt",
    "london",
    "montreal",
    "mumbai",
    "singapore",
    "sydney",
    "tokyo",
    "*",
];

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    judge(cx.manifest(), &cx.config().manifest.extra_regions)
}

pub fn judge(m: &Manifest, extra: &[String]) -> Verdict {
    let expected = "a non-empty array of Heroku region names such as \"us\", \"eu\", \"virginia\"";
    let hint = "use Heroku region names, not AWS codes; if Heroku added a region we do not know, add it to [manifest] extra_regions";
    let items = match m.api().get("regions") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => {
            return Finding::new(expected, "`api.regions` is empty")
                .at("/api/regions")
                .hint(hint)
                .into();
        }
        None => {
            return Finding::new(expected, "`api.regions` is missing")
                .at("/api/regions")
                .hint(hint)
                .into();
        }
        Some(_) => {
            return Finding::new(expected, "`api.regions` is not an array")
                .at("/api/regions")
                .hint(hint)
                .into();
        }
    };
    for (i, item) in items.iter().enumerate() {
        let known = item
            .as_str()
            .is_some_and(|r| KNOWN_REGIONS.contains(&r) || extra.iter().any(|e| e == r));
        if !known {
            return Finding::new(expected, format!("unknown region {item}"))
                .at(format!("/api/regions/{i}"))
                .hint(hint)
                .into();
        }
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::assert_found;
    use crate::checks::manifest::parse;

    #[test]
    fn judges_regions() {
        assert!(matches!(
            judge(&parse(r#"{"api":{"regions":["us","eu","tokyo"]}}"#), &[]),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&parse(r#"{"api":{"regions":[]}}"#), &[]),
            Some("/api/regions"),
            "`api.regions` is empty",
        );
        assert_found(
            &judge(&parse(r#"{"api":{"regions":["us-east-1"]}}"#), &[]),
            Some("/api/regions/0"),
            "unknown region \"us-east-1\"",
        );
        assert!(matches!(
            judge(
                &parse(r#"{"api":{"regions":["mars"]}}"#),
                &["mars".to_owned()]
            ),
            Ok(Pass(_))
        ));
    }
}
