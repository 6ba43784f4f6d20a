//! Redaction of secrets. Every exchange is redacted when it is captured, and every text a check
//! produces is redacted again before it becomes an event, so no reporter ever sees a secret.

use std::sync::RwLock;

use serde_json::Value;

/// Secrets shorter than this are only redacted where their position is known (JSON fields), not
/// by substring search, which would mangle ordinary text.
const MIN_SUBSTRING_LEN: usize = 6;

/// JSON keys whose string values are always secret, wherever they appear.
const SECRET_KEYS: &[&str] = &[
    "password",
    "sso_salt",
    "client_secret",
    "code",
    "access_token",
    "refresh_token",
    "resource_token",
    "user_scoped_resource_token",
    "token",
    "log_drain_token",
];

#[derive(Debug, Default)]
pub struct Redactor {
    secrets: RwLock<Vec<(String, &'static str)>>,
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a secret value under a label that replaces it: `[REDACTED:label]`.
    pub fn add(&self, label: &'static str, value: &str) {
        if value.is_empty() {
            return;
        }
        if let Ok(mut secrets) = self.secrets.write()
            && !secrets.iter().any(|(v, _)| v == value)
        {
            secrets.push((value.to_owned(), label));
            // Longest first, so a secret containing another is replaced whole.
            secrets.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
        }
    }

    /// Registers every config value in a partner body (`config` object or `[{name,value}]`).
    pub fn learn_config(&self, body: &Value) {
        for value in config_values(body) {
            self.add("config", value);
        }
    }

    pub fn text(&self, text: &str) -> String {
        let Ok(secrets) = self.secrets.read() else {
            return "[REDACTED:unavailable]".to_owned();
        };
        let mut out = text.to_owned();
        for (secret, label) in secrets.iter() {
            if secret.len() >= MIN_SUBSTRING_LEN && out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), &format!("[REDACTED:{label}]"));
            }
        }
        out
    }

    /// Redacts a JSON document: values of secret keys and of `config` entries by position, and
    /// every known secret inside other strings.
    pub fn json(&self, value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    let redacted = if SECRET_KEYS.contains(&k.as_str()) && v.is_string() {
                        Value::String(format!("[REDACTED:{k}]"))
                    } else if k == "config" {
                        redact_config(v)
                    } else {
                        self.json(v)
                    };
                    out.insert(k.clone(), redacted);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.json(v)).collect()),
            Value::String(s) => Value::String(self.text(s)),
            other => other.clone(),
        }
    }

    /// Redacts an `application/x-www-form-urlencoded` body or query string.
    pub fn form(&self, text: &str) -> String {
        let pairs: Vec<String> = text
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if SECRET_KEYS.contains(&k) => format!("{k}=[REDACTED:{k}]"),
                _ => self.text(pair),
            })
            .collect();
        pairs.join("&")
    }
}

fn config_values(body: &Value) -> Vec<&str> {
    match body.get("config") {
        Some(Value::Object(map)) => map.values().filter_map(Value::as_str).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.get("value").and_then(Value::as_str))
            .collect(),
        _ => Vec::new(),
    }
}

fn redact_config(v: &Value) -> Value {
    let mark = |x: &Value| match x {
        Value::Null => Value::Null,
        _ => Value::String("[REDACTED:config]".to_owned()),
    };
    match v {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, x)| (k.clone(), mark(x))).collect())
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| match item {
                    Value::Object(m) => Value::Object(
                        m.iter()
                            .map(|(k, x)| {
                                let x = if k == "value" { mark(x) } else { x.clone() };
                                (k.clone(), x)
                            })
                            .collect(),
                    ),
                    other => mark(other),
                })
                .collect(),
        ),
        other => mark(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_by_position_and_by_value() {
        let r = Redactor::new();
        r.add("password", "hunter2-very-secret");
        let body = json!({
            "config": {"X_URL": "postgres://u:p@h/db", "X_FLAG": "1"},
            "note": "pw is hunter2-very-secret",
            "oauth_grant": {"code": "abc"}
        });
        let out = r.json(&body).to_string();
        assert!(!out.contains("postgres://"), "{out}");
        assert!(!out.contains("hunter2"), "{out}");
        assert!(!out.contains("\"abc\""), "{out}");
        assert!(out.contains("[REDACTED:config]") && out.contains("[REDACTED:password]"));
    }

    #[test]
    fn learns_config_values_for_later_text() {
        let r = Redactor::new();
        r.learn_config(&json!({"config": [{"name": "X_URL", "value": "https://s3cr3t.example"}]}));
        assert_eq!(
            r.text("got https://s3cr3t.example!"),
            "got [REDACTED:config]!"
        );
    }

    #[test]
    fn form_bodies() {
        let r = Redactor::new();
        assert_eq!(
            r.form("grant_type=authorization_code&code=xyz&client_secret=s"),
            "grant_type=authorization_code&code=[REDACTED:code]&client_secret=[REDACTED:client_secret]"
        );
    }
}
