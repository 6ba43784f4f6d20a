//! Small judgements several checks share: status classes and config-map validation.

use serde_json::Value;

use super::Stop;
use crate::manifest::Manifest;
use crate::partner::Reply;
use crate::record::outcome::Finding;

pub fn is_2xx(status: Option<u16>) -> bool {
    status.is_some_and(|s| (200..300).contains(&s))
}

pub fn is_5xx(status: Option<u16>) -> bool {
    status.is_some_and(|s| s >= 500)
}

/// "status 500", or the transport error when there was no response.
pub fn observed_status(reply: &Reply) -> String {
    match (&reply.status, &reply.exchange.error) {
        (Some(s), Some(e)) => format!("status {s}, then {e}"),
        (Some(s), None) => format!("status {s}"),
        (None, Some(e)) => format!("no response: {e}"),
        (None, None) => "no response".to_owned(),
    }
}

/// The reply's JSON object, or a finding-free reason it is not one (for blocking dependants).
pub fn json_object(reply: &Reply) -> Result<&serde_json::Map<String, Value>, String> {
    match &reply.json {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!(
            "the body is JSON but not an object ({})",
            kind(other)
        )),
        Err(e) => Err(format!("the body is not JSON ({e}); see GEN-01")),
    }
}

/// The reply's JSON object, or blocked (a check that reads fields cannot judge without one).
pub fn json_body(reply: &Reply) -> Result<&serde_json::Map<String, Value>, Stop> {
    json_object(reply).map_err(|why| Stop::Blocked(why.into()))
}

pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Validates a `config` map from a partner answer: keys declared in the manifest, string values.
/// Returns the first problem as a finding (without exchanges).
pub fn config_problem(manifest: &Manifest, config: &Value) -> Option<Finding> {
    let declared = manifest.config_vars.join(", ");
    let Value::Object(map) = config else {
        return Some(
            Finding::new(
                "`config` is an object of manifest config var names to string values",
                format!("`config` is {}", kind(config)),
            )
            .at("/config"),
        );
    };
    for (key, value) in map {
        if !manifest.config_vars.iter().any(|v| v == key) {
            return Some(
                Finding::new(
                    format!("config keys among the manifest's config_vars [{declared}]"),
                    format!("key `{key}` is not declared in the manifest"),
                )
                .at(format!("/config/{key}"))
                .hint("declare the var in api.config_vars (and push the manifest), or stop returning it; Heroku only sets declared vars"),
            );
        }
        if !value.is_string() {
            return Some(
                Finding::new(
                    "every config value is a string",
                    format!("`{key}` is {}", kind(value)),
                )
                .at(format!("/config/{key}"))
                .hint("environment variables are strings: send \"5432\", not 5432"),
            );
        }
    }
    None
}

/// The `message` of a JSON error body, if it is a non-empty string.
pub fn message(reply: &Reply) -> Option<&str> {
    reply
        .json
        .as_ref()
        .ok()?
        .get("message")?
        .as_str()
        .filter(|m| !m.trim().is_empty())
}

/// Judges an answer that must be a refusal with 422 and a non-empty `message` (the only error
/// whose text Heroku shows the customer). None when it is one; a 4xx other than 422 is a
/// SHOULD-level finding, everything else MUST.
pub fn refusal_problem(reply: &Reply, expected: &str) -> Option<Finding> {
    use crate::catalogue::Level;
    let finding = |level: Level, observed: String, hint: &str| {
        Finding::new(expected, observed)
            .at("status")
            .level(level)
            .hint(hint)
            .exchange(&reply.exchange)
    };
    match reply.status {
        Some(422) if message(reply).is_some() => None,
        Some(422) => Some(
            finding(
                Level::Must,
                "status 422 without a non-empty `message`".into(),
                "send {\"message\": \"…\"}: Heroku shows it to the customer",
            )
            .at("/message"),
        ),
        s if is_2xx(s) => Some(finding(
            Level::Must,
            format!("{}: the request was carried out", observed_status(reply)),
            "refuse what the add-on cannot do with 422 and a message",
        )),
        Some(s) if (400..500).contains(&s) => Some(finding(
            Level::Should,
            observed_status(reply),
            "Heroku shows the message of a 422 only; other 4xx show a generic error",
        )),
        _ => Some(finding(
            Level::Must,
            observed_status(reply),
            "a server error is no refusal: answer 422 with a message",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest() -> Manifest {
        Manifest::parse(r#"{"id":"x","api":{"config_vars":["X_URL"]}}"#, "m").unwrap()
    }

    #[test]
    fn config_validation() {
        let m = manifest();
        assert!(config_problem(&m, &json!({"X_URL": "https://h"})).is_none());
        let f = config_problem(&m, &json!({"X_URL": 5})).unwrap();
        assert_eq!(f.location.as_deref(), Some("/config/X_URL"));
        let f = config_problem(&m, &json!({"Y_URL": "a"})).unwrap();
        assert!(f.observed.contains("Y_URL"));
        assert!(config_problem(&m, &json!([1])).is_some());
    }

    #[test]
    fn refusals() {
        use crate::catalogue::Level;
        use crate::check::testing::reply;
        assert!(refusal_problem(&reply(422, r#"{"message":"no"}"#), "e").is_none());
        let level = |s, b| refusal_problem(&reply(s, b), "e").and_then(|f| f.level);
        assert_eq!(level(422, r#"{"message":" "}"#), Some(Level::Must));
        assert_eq!(level(422, "{}"), Some(Level::Must));
        assert_eq!(level(200, "{}"), Some(Level::Must));
        assert_eq!(level(500, "{}"), Some(Level::Must));
        assert_eq!(level(400, r#"{"message":"no"}"#), Some(Level::Should));
    }
}
