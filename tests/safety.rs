//! Safety properties of issue 17 that cut across modules: encoded secrets in hook output, SSO
//! redirects that leave the partner, report files written atomically.

use std::collections::BTreeMap;
use std::time::Duration;

use addon_conformance::redact::Redactor;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const SECRET: &str = "postgres://user:p4ss w&rd<\"é@db.example/x";

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The forms a hook (or a `curl -v` it runs) may print a secret in.
fn encoded_forms() -> Vec<(&'static str, String)> {
    let percent: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    let json = serde_json::to_string(SECRET).unwrap();
    let html = SECRET
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    vec![
        ("raw", SECRET.to_owned()),
        ("percent", percent.replace('+', "%20")),
        ("form", percent),
        ("json", json[1..json.len() - 1].to_owned()),
        ("html", html),
        ("base64", STANDARD.encode(SECRET)),
        (
            "basic",
            format!("Basic {}", STANDARD.encode(format!("me:{SECRET}"))),
        ),
        (
            "basic, no header",
            STANDARD.encode(format!("someone:{SECRET}")),
        ),
    ]
}

#[tokio::test]
async fn a_hook_printing_every_encoded_form_leaks_none() {
    let redactor = Redactor::new();
    redactor.learn_config(&serde_json::json!({"config": {"X_URL": SECRET}}));
    let forms = encoded_forms();
    let lines: Vec<String> = forms
        .iter()
        .map(|(name, form)| shell_quote(&format!("{name}={form}")))
        .collect();
    let template = format!(
        "printf '%s\\n' {}; printf '%s\\n' {} >&2",
        lines.join(" "),
        lines.join(" ")
    );
    let run = addon_conformance::hooks::run(
        &template,
        &BTreeMap::new(),
        &BTreeMap::new(),
        Duration::from_secs(10),
        &redactor,
    )
    .await;
    assert_eq!(run.status, Some(0), "{run:?}");
    for (stream, text) in [
        ("stdout", &run.stdout),
        ("stderr", &run.stderr),
        ("command", &run.command),
    ] {
        for (name, form) in &forms {
            let line = format!("{name}={form}");
            assert!(
                !text.contains(form.as_str()),
                "{stream} leaks the {name} form: {text}"
            );
            if stream != "command" {
                assert!(
                    text.contains(&format!("{name}=")),
                    "{stream} lost the {name} line"
                );
            }
            assert!(!text.contains(&line));
        }
        for fragment in ["p4ss", "db.example", "cDRzc"] {
            assert!(
                !text.contains(fragment),
                "{stream} leaks {fragment}: {text}"
            );
        }
    }
    assert!(run.summary().matches("[REDACTED:").count() >= forms.len());
}
