//! Redaction by position and by value.

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
fn broken_json_is_masked_by_key() {
    let r = Redactor::new();
    r.add_key("X_URL");
    let body = r#"{"config":{"X_URL":"postgres://u:pw@h/db", "OTHER": "keep"},}"#;
    let out = r.body_text(body);
    assert!(!out.contains("postgres://"), "{out}");
    assert!(
        out.contains("keep") && out.contains("[REDACTED:X_URL]"),
        "{out}"
    );
    let grant = "grant_type=authorization_code&code=abc123xyz";
    assert!(!r.form(grant).contains("abc123xyz"));
    let listed = r#"[{"name": "X_URL", "value": "s3cr3t-value"}"#;
    assert!(
        !r.body_text(listed).contains("s3cr3t"),
        "{}",
        r.body_text(listed)
    );
    let escaped = r#"{"token": "a\"b\"c", "next": "ok"}"#;
    let out = r.body_text(escaped);
    assert!(!out.contains("a\\\"b") && out.contains("ok"), "{out}");
}

#[test]
fn control_characters_are_escaped() {
    assert_eq!(sanitize("a\u{1b}[31mRED\nb"), "a\\u{001b}[31mRED\nb");
}

#[test]
fn prefixed_keys_are_secret() {
    let r = Redactor::new();
    r.add_key_prefix("X_");
    let out = r
        .json(&serde_json::json!({"X_EXTRA": "hidden-value", "Y": "shown"}))
        .to_string();
    assert!(
        !out.contains("hidden-value") && out.contains("shown"),
        "{out}"
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
