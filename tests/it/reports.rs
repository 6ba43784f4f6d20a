//! Report tests: snapshots (`snapshots.rs`), the JSON schema, and a scan for leaked secrets.

use crate::common;
#[path = "reports/snapshots.rs"]
mod snapshots;

use addon_conformance::report::file::render;
use addon_conformance::report::{
    GithubReporter, HarReport, HtmlReport, JsonReport, JunitReport, TerminalReporter,
};
use serde_json::Value;

pub(crate) struct Run {
    terminal: String,
    json: Value,
    junit: String,
    har: String,
    html: String,
    github: String,
    /// The terminal at `-vv` (every exchange with its bodies) and the `--report-events` stream.
    verbose: String,
    event_lines: String,
    events: Vec<addon_conformance::record::events::Event>,
    secrets: Vec<String>,
}

pub(crate) fn demo(faults: &[&str]) -> Run {
    let (outcome, recorder) = common::demo_recorded(faults);
    let mut terminal = TerminalReporter::new(Vec::new(), false);
    for e in &recorder.events {
        addon_conformance::record::events::EventSink::emit(&mut terminal, e);
    }
    let mut verbose = TerminalReporter::new(Vec::new(), false)
        .with_verbosity(addon_conformance::report::terminal::Verbosity::Bodies);
    let mut lines = addon_conformance::report::EventLines::new(Vec::new());
    for e in &recorder.events {
        addon_conformance::record::events::EventSink::emit(&mut verbose, e);
        addon_conformance::record::events::EventSink::emit(&mut lines, e);
    }
    let json = serde_json::to_value(JsonReport::from_events(&recorder.events)).unwrap();
    let junit = render(JunitReport::new(false), &recorder.events).unwrap();
    Run {
        terminal: String::from_utf8(terminal.into_inner()).unwrap(),
        json,
        junit: String::from_utf8(junit).unwrap(),
        github: github_output(&recorder.events),
        html: String::from_utf8(render(HtmlReport::default(), &recorder.events).unwrap()).unwrap(),
        har: String::from_utf8(render(HarReport::default(), &recorder.events).unwrap()).unwrap(),
        verbose: String::from_utf8(verbose.into_inner()).unwrap(),
        event_lines: String::from_utf8(lines.into_inner()).unwrap(),
        events: recorder.events,
        secrets: outcome.secrets,
    }
}

/// The annotations and the step summary GitHub Actions would get, one after the other.
fn github_output(events: &[addon_conformance::record::events::Event]) -> String {
    let summary = std::env::temp_dir().join(format!("ac-summary-{}.md", uuid::Uuid::new_v4()));
    let mut github = GithubReporter::new(Vec::new(), Some(summary.clone()), false);
    for e in events {
        addon_conformance::record::events::EventSink::emit(&mut github, e);
    }
    let annotations = String::from_utf8(github.into_inner()).unwrap();
    let md = std::fs::read_to_string(&summary).unwrap();
    let _ = std::fs::remove_file(&summary);
    format!("{annotations}\n{md}")
}

fn validate(report: &Value) {
    let schema: Value =
        serde_json::from_str(include_str!("../../schema/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn json_reports_validate_against_the_schema() {
    validate(&demo(&[]).json);
    validate(
        &demo(&[
            "provision-500",
            "no-auth-on-deprovision",
            "config-non-string-value",
        ])
        .json,
    );
    validate(&demo(&["slow-provision", "manifest-missing-id"]).json);
}

#[test]
fn the_schema_rejects_a_report_without_summary_counts() {
    let mut report = demo(&[]).json;
    report["summary"].as_object_mut().unwrap().remove("failed");
    let schema: Value =
        serde_json::from_str(include_str!("../../schema/report.schema.json")).unwrap();
    assert!(
        !jsonschema::validator_for(&schema)
            .unwrap()
            .is_valid(&report)
    );
}

#[test]
fn no_secret_reaches_any_output() {
    // Faults that put secret-bearing bodies into evidence: config in provision and plan-change
    // answers, credentials probes, and failures with request bodies.
    let faults = [
        "config-undeclared-var",
        "ignores-username",
        "rejects-unknown-fields",
        "malformed-body-500",
        "deprovision-500",
        // Inbound evidence: config PATCHed to the platform, with the partner's Bearer token.
        "async-undeclared-config",
    ];
    let run = demo(&faults);
    let json = run.json.to_string();
    // Password, salt, client secret, then per provision a grant code, tokens, a drain token and
    // config values.
    assert!(
        run.secrets.len() > 20,
        "the scan needs the secrets of every provision: {}",
        run.secrets.len()
    );
    for secret in &run.secrets {
        assert!(
            !run.terminal.contains(secret.as_str()),
            "terminal leaks {secret}"
        );
        assert!(!json.contains(secret.as_str()), "JSON leaks {secret}");
        assert!(!run.junit.contains(secret.as_str()), "JUnit leaks {secret}");
        assert!(!run.har.contains(secret.as_str()), "HAR leaks {secret}");
        assert!(!run.html.contains(secret.as_str()), "HTML leaks {secret}");
        assert!(
            !run.github.contains(secret.as_str()),
            "GitHub output leaks {secret}"
        );
        assert!(!run.verbose.contains(secret.as_str()), "-vv leaks {secret}");
        assert!(
            !run.event_lines.contains(secret.as_str()),
            "the event stream leaks {secret}"
        );
    }
    // The redaction is visible, so the scan is not vacuous.
    assert!(run.terminal.contains("[REDACTED:config]"));
    assert!(
        run.verbose.contains("[REDACTED:code]"),
        "-vv shows request bodies"
    );
    assert!(run.event_lines.contains("\"event\":\"exchange\""));
    assert!(json.contains("[REDACTED:code]"));
    // Inbound calls (token exchange, config updates) are in the HAR, redacted.
    let har: Value = serde_json::from_str(&run.har).unwrap();
    assert!(
        har["log"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["_kind"] == "inbound" && e.to_string().contains("[REDACTED"))
    );
}

#[test]
fn har_is_har_1_2_with_every_exchange() {
    let run = demo(&["config-undeclared-var", "deprovision-500"]);
    let har: Value = serde_json::from_str(&run.har).expect("the HAR parses as JSON");
    let log = &har["log"];
    assert_eq!(log["version"], "1.2");
    assert_eq!(log["creator"]["name"], "addon-conformance");
    let pages = log["pages"].as_array().unwrap();
    let page_ids: Vec<&str> = pages.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(
        page_ids.contains(&"PROV-02") && page_ids.contains(&"cleanup"),
        "{page_ids:?}"
    );
    for p in pages {
        for key in ["startedDateTime", "id", "title", "pageTimings"] {
            assert!(!p[key].is_null(), "page lacks {key}: {p}");
        }
    }
    let entries = log["entries"].as_array().unwrap();
    // Every exchange of the run, once, in order.
    let traffic: usize = run
        .events
        .iter()
        .map(|e| match e {
            addon_conformance::record::events::Event::Traffic {
                exchanges, inbound, ..
            } => exchanges.len() + inbound.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(entries.len(), traffic);
    assert!(entries.len() > 20);
    let request_keys = [
        "method",
        "url",
        "httpVersion",
        "cookies",
        "headers",
        "queryString",
        "headersSize",
        "bodySize",
    ];
    let response_keys = [
        "status",
        "statusText",
        "httpVersion",
        "cookies",
        "headers",
        "content",
        "redirectURL",
        "headersSize",
        "bodySize",
    ];
    let mut last_seq = 0;
    for e in entries {
        for key in [
            "pageref",
            "startedDateTime",
            "time",
            "request",
            "response",
            "cache",
            "timings",
        ] {
            assert!(!e[key].is_null(), "entry lacks {key}: {e}");
        }
        assert!(page_ids.contains(&e["pageref"].as_str().unwrap()));
        for key in request_keys {
            assert!(!e["request"][key].is_null(), "request lacks {key}: {e}");
        }
        for key in response_keys {
            assert!(!e["response"][key].is_null(), "response lacks {key}: {e}");
        }
        assert!(e["response"]["content"]["mimeType"].is_string());
        for key in ["send", "wait", "receive"] {
            assert!(e["timings"][key].is_number());
        }
        let started = e["startedDateTime"].as_str().unwrap();
        assert!(started.len() == 24 && started.ends_with('Z'), "{started}");
        if e["_kind"] == "inbound" {
            assert!(e["comment"].as_str().unwrap().starts_with("inbound #"));
            continue;
        }
        assert_eq!(e["_kind"], "outbound");
        let seq: u64 = e["comment"].as_str().unwrap()[1..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(seq > last_seq, "entries in order");
        last_seq = seq;
    }
    // The partner's calls to the platform are there, with the platform's URL.
    assert!(
        entries.iter().any(|e| e["_kind"] == "inbound"
            && e["request"]["url"]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1:")),
        "no inbound entry"
    );
    // The cleanup's DELETEs are there.
    assert!(
        entries
            .iter()
            .any(|e| e["pageref"] == "cleanup" && e["request"]["method"] == "DELETE")
    );
}

#[test]
fn no_sso_token_or_session_cookie_reaches_any_output() {
    // A forged token that signs in puts the login hops (form, Set-Cookie, Cookie) into evidence;
    // the cross-resource probe posts real tokens; the open dashboard is probed after a login.
    let run = demo(&["sso-forged-token-accepted", "sso-dashboard-open"]);
    let json = run.json.to_string();
    for secret in &run.secrets {
        assert!(
            !run.terminal.contains(secret.as_str()),
            "terminal leaks {secret}"
        );
        assert!(!json.contains(secret.as_str()), "JSON leaks {secret}");
    }
    for out in [&run.terminal, &json] {
        for field in ["resource_token=", "user_scoped_resource_token="] {
            for (i, _) in out.match_indices(field) {
                let rest = &out[i + field.len()..];
                assert!(
                    rest.starts_with("%5BREDACTED") || rest.starts_with("[REDACTED"),
                    "unredacted {field}{}",
                    &rest[..rest.len().min(20)]
                );
            }
        }
    }
    assert!(
        json.contains("REDACTED%3Aresource_token") || json.contains("[REDACTED:resource_token]"),
        "{json}"
    );
    assert!(json.contains("[REDACTED:header]"));
}
