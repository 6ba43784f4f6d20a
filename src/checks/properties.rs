//! Property tests: whatever a partner answers, the judgements and the redactor never panic, and
//! redaction never lets a registered secret through.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::check::judge::config_problem;
use crate::checks::provision::{gen_04, prov_03, prov_05};
use crate::manifest::Manifest;
use crate::redact::Redactor;

pub fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,24}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("(config|id|[A-Z_]{1,10}|\\PC{0,8})", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn manifest() -> Manifest {
    Manifest::parse(r#"{"id":"x","api":{"config_vars":["X_URL","X_KEY"]}}"#, "m").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn judgements_never_panic(body in arbitrary_json(), ct in "\\PC{0,40}") {
        let m = manifest();
        let _ = config_problem(&m, &body);
        let _ = prov_03::judge(body.get("id"), Some("app123456@heroku.com"));
        let _ = prov_05::judge(&body, true);
        let _ = gen_04::is_json_type(&ct);
        if let Some(c) = body.get("config") {
            let _ = config_problem(&m, c);
            let _ = prov_05::judge(c, false);
        }
    }

    #[test]
    fn parsing_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let parsed = serde_json::from_slice::<Value>(&bytes);
        let r = Redactor::new();
        let _ = r.text(&String::from_utf8_lossy(&bytes));
        let _ = r.form(&String::from_utf8_lossy(&bytes));
        if let Ok(v) = parsed {
            let _ = r.json(&v);
        }
    }

    #[test]
    fn registered_secrets_never_survive_redaction(body in arbitrary_json(), secret in "[a-zA-Z0-9]{8,20}") {
        let r = Redactor::new();
        r.add("password", &secret);
        // Plant the secret inside the body in several places.
        let planted = json!({"note": format!("pw={secret}"), "nested": [body, {"k": secret.clone()}], "config": {"X_URL": secret.clone()}});
        let out = r.json(&planted).to_string();
        prop_assert!(!out.contains(&secret));
        let line = format!("a {} b", secret);
        prop_assert!(!r.text(&line).contains(&secret));
    }
}
