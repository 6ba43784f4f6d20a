//! Redaction of secrets. Every exchange is redacted when it is captured, and every text a check
//! produces is redacted again before it becomes an event, so no reporter ever sees a secret.

mod forms;
mod learned;

use std::sync::RwLock;

use serde_json::Value;

use learned::Learned;
pub use learned::MAX_SECRETS;

/// Config vars learned from one answer; more are a finding for the check to report, not work
/// for the redactor (the answer itself is still masked by position).
pub const MAX_CONFIG_VARS_PER_ANSWER: usize = 1_000;

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

/// What `learn_config` did with one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConfigLearned {
    /// Config values in the answer.
    pub values: usize,
    /// Values not learned: past `MAX_CONFIG_VARS_PER_ANSWER`, or past the run's `MAX_SECRETS`.
    pub refused: usize,
}

impl ConfigLearned {
    pub fn over_cap(&self) -> bool {
        self.refused > 0
    }
}

#[derive(Debug, Default)]
pub struct Redactor {
    secrets: RwLock<Learned>,
    /// Keys whose values are secret wherever they appear (the manifest's config var names).
    keys: RwLock<Vec<String>>,
    /// Key prefixes with secret values (the manifest's config var prefix and `_`).
    prefixes: RwLock<Vec<String>>,
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a secret value under a label that replaces it, in every encoded form:
    /// `[REDACTED:label]`. False when the run's cap (`MAX_SECRETS`) refused it.
    pub fn add(&self, label: &'static str, value: &str) -> bool {
        if value.len() < MIN_SUBSTRING_LEN {
            return true;
        }
        self.secrets
            .write()
            .is_ok_and(|mut secrets| secrets.add(label, value))
    }

    /// Secret values refused so far because the run reached `MAX_SECRETS`.
    pub fn refused(&self) -> usize {
        self.secrets.read().map_or(0, |s| s.refused())
    }

    /// Distinct secret values learned so far.
    pub fn learned(&self) -> usize {
        self.secrets.read().map_or(0, |s| s.len())
    }

    /// Registers a key whose string values are secret in any body (a config var name).
    pub fn add_key(&self, key: &str) {
        if let Ok(mut keys) = self.keys.write()
            && !keys.iter().any(|k| k == key)
        {
            keys.push(key.to_owned());
        }
    }

    /// Registers a key prefix whose values are secret (`MYADDON_` for config vars).
    pub fn add_key_prefix(&self, prefix: &str) {
        if let Ok(mut p) = self.prefixes.write()
            && !prefix.is_empty()
            && !p.iter().any(|k| k == prefix)
        {
            p.push(prefix.to_owned());
        }
    }

    fn is_secret_key(&self, key: &str) -> bool {
        SECRET_KEYS.contains(&key)
            || self.keys.read().is_ok_and(|k| k.iter().any(|x| x == key))
            || self
                .prefixes
                .read()
                .is_ok_and(|p| p.iter().any(|x| key.starts_with(x.as_str())))
    }

    /// Redacts a body that is not valid JSON (or is JSON of an unexpected shape): known secrets,
    /// the values of secret-looking `"key": "value"` pairs, and control characters.
    pub fn body_text(&self, text: &str) -> String {
        sanitize(&self.text(&self.mask_pairs(text, &[])))
    }

    /// Masks the string value of every `"key": "value"` pair whose key is secret (or in `also`),
    /// scanning text that may be broken JSON.
    fn mask_pairs(&self, text: &str, also: &[&str]) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let mut copied = 0;
        // Ends of a JSON string starting at `start` (the opening quote), exclusive of the closing one.
        let string_end = |start: usize| {
            let mut j = start + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' => j += 2,
                    b'"' => return Some(j),
                    _ => j += 1,
                }
            }
            None
        };
        while i < bytes.len() {
            if bytes[i] != b'"' {
                i += 1;
                continue;
            }
            let Some(key_end) = string_end(i) else { break };
            let key = &text[i + 1..key_end];
            let mut j = key_end + 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b':' {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < bytes.len() && bytes[j] == b'"' {
                    let value_end = string_end(j).unwrap_or(bytes.len());
                    if self.is_secret_key(key) || also.contains(&key) || key == "value" {
                        out.push_str(&text[copied..=j]);
                        out.push_str(&format!("[REDACTED:{key}]"));
                        copied = value_end.min(bytes.len());
                    }
                    i = value_end + 1;
                    continue;
                }
            }
            i = key_end + 1;
        }
        out.push_str(&text[copied.min(text.len())..]);
        out
    }

    /// Registers every config value in a partner body (`config` object or `[{name,value}]`).
    /// At most `MAX_CONFIG_VARS_PER_ANSWER` values are learned; the result says how many were
    /// refused, so the caller can report it.
    pub fn learn_config(&self, body: &Value) -> ConfigLearned {
        let values = config_values(body);
        let mut learned = ConfigLearned {
            values: values.len(),
            refused: values.len().saturating_sub(MAX_CONFIG_VARS_PER_ANSWER),
        };
        for value in values.into_iter().take(MAX_CONFIG_VARS_PER_ANSWER) {
            if !self.add("config", value) {
                learned.refused += 1;
            }
        }
        learned
    }

    /// Replaces every known secret, in any of its encoded forms, in one pass over `text`.
    pub fn text(&self, text: &str) -> String {
        let cached = self.secrets.read().ok().and_then(|s| s.cached());
        let matcher = match cached {
            Some(m) => Ok(m),
            None => match self.secrets.write() {
                Ok(mut s) => s.matcher(),
                Err(_) => Err("poisoned".to_owned()),
            },
        };
        match matcher {
            Ok(m) => m.replace(text),
            Err(_) => "[REDACTED:unavailable]".to_owned(),
        }
    }

    /// Redacts a JSON document: values of secret keys and of `config` entries by position, and
    /// every known secret inside other strings.
    pub fn json(&self, value: &Value) -> Value {
        self.json_masking(value, &[])
    }

    /// Like `json`, but the values of `also` keys are masked too (e.g. `value` in config lists).
    pub fn json_masking(&self, value: &Value, also: &[&str]) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let masked = if (self.is_secret_key(k) && v.is_string())
                            || (also.contains(&k.as_str()) && !v.is_null())
                        {
                            Value::String(format!("[REDACTED:{k}]"))
                        } else if k == "config" {
                            redact_config(v)
                        } else {
                            self.json_masking(v, also)
                        };
                        (k.clone(), masked)
                    })
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.json_masking(v, also)).collect())
            }
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

/// Escapes control characters (ANSI escapes and the like) so a partner cannot rewrite the
/// terminal; newlines and tabs stay.
pub fn sanitize(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => format!("\\u{{{:04x}}}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// For a check: how many config values an answer carries beyond `MAX_CONFIG_VARS_PER_ANSWER`
/// (values the run did not learn, so free text may not be redacted of them); `None` within it.
pub fn config_values_over_cap(body: &Value) -> Option<usize> {
    let n = config_values(body).len();
    (n > MAX_CONFIG_VARS_PER_ANSWER).then(|| n - MAX_CONFIG_VARS_PER_ANSWER)
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
mod tests;

#[cfg(test)]
mod encoded_tests;
