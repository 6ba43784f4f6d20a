//! PROV-15: a synchronous provision answer carries the config the manifest declares. Without it
//! the app starts with no credentials.

use serde_json::Value;

use crate::check::judge::json_body;
use crate::check::{CheckCtx, Verdict, pass_with, skip};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!(
    "PROV-15",
    Should,
    "a synchronous provision answers the declared config",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = super::sync_answer(cx).await?;
    if cx.manifest().config_vars.is_empty() {
        return skip("the manifest declares no config vars: no config is expected");
    }
    let body = json_body(&res.reply)?;
    judge(cx.manifest(), body.get("config")).map_or_else(
        || {
            pass_with(format!(
                "every declared var: {}",
                cx.manifest().config_vars.join(", ")
            ))
        },
        |f| f.exchange(&res.reply.exchange).into(),
    )
}

/// The finding when `config` lacks a declared var (or is missing, or is no object).
pub fn judge(manifest: &Manifest, config: Option<&Value>) -> Option<Finding> {
    let expected = format!(
        "`config` with every declared var ({})",
        manifest.config_vars.join(", ")
    );
    let hint = "answer the credentials in `config` of the 200: Heroku sets them on the app at once; only an asynchronous (202) provision sends them later through the Platform API";
    let map = match config {
        None | Some(Value::Null) => {
            return Some(
                Finding::new(expected, "no `config`")
                    .at("/config")
                    .hint(hint),
            );
        }
        Some(Value::Object(map)) => map,
        // Not an object: PROV-04 reports the form.
        Some(_) => return None,
    };
    let missing: Vec<&str> = manifest
        .config_vars
        .iter()
        .filter(|v| !map.contains_key(v.as_str()))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(
        Finding::new(expected, format!("missing: {}", missing.join(", ")))
            .at("/config")
            .hint(hint),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_declared_var_is_answered() {
        let m =
            Manifest::parse(r#"{"id":"x","api":{"config_vars":["X_URL","X_KEY"]}}"#, "m").unwrap();
        let config = json!({"X_URL": "https://h", "X_KEY": "k"});
        assert!(judge(&m, Some(&config)).is_none());
        let partial = json!({"X_URL": "https://h"});
        let f = judge(&m, Some(&partial)).unwrap();
        assert_eq!(f.observed, "missing: X_KEY");
        assert_eq!(judge(&m, None).unwrap().observed, "no `config`");
        assert_eq!(
            judge(&m, Some(&Value::Null)).unwrap().observed,
            "no `config`"
        );
    }
}
