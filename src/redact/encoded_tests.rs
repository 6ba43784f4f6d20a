//! Every encoded form of a learned secret is redacted; the caps hold.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use super::*;

const SECRET: &str = "postgres://u:p4ss w&rd<'\"é@db.example/x?y=1";

fn redactor() -> Redactor {
    let r = Redactor::new();
    r.learn_config(&serde_json::json!({"config": {"X_URL": SECRET}}));
    r
}

fn assert_redacted(form: &str, encoded: &str) {
    let text = format!("before {encoded} after");
    let out = redactor().text(&text);
    assert_eq!(out, "before [REDACTED:config] after", "{form}: {encoded}");
}

#[test]
fn raw() {
    assert_redacted("raw", SECRET);
}

#[test]
fn percent_encoded() {
    let component: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    assert_redacted("form", &component);
    let upper = "postgres%3A%2F%2Fu%3Ap4ss%20w%26rd%3C%27%22%C3%A9%40db.example%2Fx%3Fy%3D1";
    assert_redacted("component", upper);
    assert_redacted("lowercase hex", &upper.to_lowercase());
    assert_redacted("python quote", &upper.replace("%2F", "/"));
}

#[test]
fn json_escaped() {
    let quoted = serde_json::to_string(SECRET).unwrap();
    let inner = &quoted[1..quoted.len() - 1];
    assert_redacted("json", inner);
    assert_redacted("json, slashes escaped", &inner.replace('/', "\\/"));
    assert_redacted("json, ascii only", &inner.replace('é', "\\u00e9"));
}

#[test]
fn html_escaped() {
    let text = SECRET.replace('&', "&amp;").replace('<', "&lt;");
    assert_redacted("html text", &text);
    let attr = text.replace('"', "&quot;");
    assert_redacted("html attribute", &attr.replace('\'', "&#39;"));
    assert_redacted("html attribute (hex)", &attr.replace('\'', "&#x27;"));
}

#[test]
fn base64_and_basic_auth() {
    assert_redacted("base64", &STANDARD.encode(SECRET));
    assert_redacted("base64url", &URL_SAFE_NO_PAD.encode(SECRET));
    for user in ["", "a", "ab", "someone"] {
        let header = STANDARD.encode(format!("{user}:{SECRET}"));
        let out = redactor().text(&format!("Authorization: Basic {header}\n"));
        assert_eq!(
            out, "Authorization: Basic [REDACTED:config]\n",
            "user {user:?}"
        );
    }
}

#[test]
fn many_secrets_in_a_large_body_are_all_redacted() {
    let r = Redactor::new();
    let values: Vec<String> = (0..20_000)
        .map(|i| format!("value-{i:05}-{}", i * 7919 % 100_003))
        .collect();
    for v in &values {
        assert!(r.add("config", v));
    }
    let mut body = String::new();
    while body.len() < 1 << 20 {
        let v = &values[body.len() % values.len()];
        body.push_str(&format!("{{\"k\": \"{v}\", \"note\": \"plain words\"}}\n"));
    }
    let out = r.text(&body);
    assert!(!out.contains("value-"), "a value survived");
    assert!(out.contains("plain words"));
}

#[test]
fn caps_are_reported_not_worked_through() {
    let r = Redactor::new();
    let config: serde_json::Map<String, Value> = (0..MAX_CONFIG_VARS_PER_ANSWER + 5)
        .map(|i| (format!("X_{i}"), Value::String(format!("secret-{i:06}"))))
        .collect();
    let body = serde_json::json!({ "config": config });
    assert_eq!(config_values_over_cap(&body), Some(5));
    let learned = r.learn_config(&body);
    assert_eq!(learned.values, MAX_CONFIG_VARS_PER_ANSWER + 5);
    assert_eq!(learned.refused, 5);
    assert!(learned.over_cap());
    assert_eq!(r.learned(), MAX_CONFIG_VARS_PER_ANSWER);
    for i in 0..MAX_SECRETS {
        r.add("config", &format!("more-secret-{i:06}"));
    }
    assert_eq!(r.learned(), MAX_SECRETS);
    assert_eq!(r.refused(), MAX_CONFIG_VARS_PER_ANSWER);
    assert!(!r.add("config", "one-too-many"));
}
