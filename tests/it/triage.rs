//! The first failure, triaged (issue 11 §1 and §3), against the reference partner: an add-on
//! keyed by its own id meets the default `path_id` and gets one root cause; a wrong password
//! and a closed port are said plainly, once.

use addon_conformance::config::{Config, Overrides, PathId};
use addon_conformance::manifest::Manifest;
use addon_conformance::record::events::{Event, Recorder};
use addon_conformance::record::outcome::Outcome;
use addon_conformance::reference::{FaultSet, ReferencePartner};
use addon_conformance::runner::{self, RunInputs, RunReport, Selection};

async fn run(
    faults: &[&str],
    tweak: impl FnOnce(&mut Config, &mut String),
) -> (RunReport, Recorder) {
    let names: Vec<String> = faults.iter().map(|s| (*s).to_owned()).collect();
    let partner = ReferencePartner::start(
        FaultSet::parse(&names).unwrap(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let mut config = Config::parse(&partner.config_text(), "reference").unwrap();
    let mut manifest = partner.manifest_text();
    tweak(&mut config, &mut manifest);
    let mut sink = Recorder::default();
    let report = runner::run(
        RunInputs {
            manifest: Manifest::parse(&manifest, "reference").unwrap(),
            config,
            config_source: "reference".into(),
            overrides: Overrides::default(),
            controls: Default::default(),
            selection: Selection::default(),
        },
        &mut sink,
    )
    .await
    .unwrap();
    partner.stop().await;
    (report, sink)
}

fn notes(sink: &Recorder, part: &str) -> usize {
    sink.events
        .iter()
        .filter(|e| matches!(e, Event::Note { text } if text.contains(part)))
        .count()
}

#[tokio::test]
async fn an_add_on_keyed_by_its_own_id_gets_one_root_cause_with_the_uuid_path() {
    let (report, sink) = run(&["variant-own-integer-id"], |c, _| {
        c.provision.path_id = PathId::Uuid;
    })
    .await;
    let failed = report.ids(Outcome::Fail);
    assert_eq!(failed.len(), 1, "one root cause: {failed:?}");
    assert!(
        report.ids(Outcome::Warn).is_empty(),
        "{:?}",
        report.ids(Outcome::Warn)
    );
    let root = report.results.iter().find(|r| r.id == failed[0]).unwrap();
    assert!(
        root.message
            .starts_with("your add-on answered 404 for /heroku/resources/"),
        "{}",
        root.message
    );
    assert!(
        root.message
            .contains("and may key resources by its own id — Heroku v3 sends the uuid"),
        "{}",
        root.message
    );
    let blocked: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.blocked_by.as_ref().is_some_and(|c| c.id == root.id))
        .collect();
    assert!(!blocked.is_empty(), "later 404s are blocked by {}", root.id);
    assert_eq!(
        notes(&sink, "may key resources by its own id"),
        1,
        "said once"
    );
}

#[tokio::test]
async fn a_wrong_password_is_said_plainly_at_the_shared_provision() {
    let (report, _) = run(&[], |_, manifest| {
        let mut m: serde_json::Value = serde_json::from_str(manifest).unwrap();
        m["api"]["password"] = "not-the-password-123".into();
        *manifest = m.to_string();
    })
    .await;
    let prov = report.results.iter().find(|r| r.id == "PROV-02").unwrap();
    assert_eq!(prov.outcome, Outcome::Fail);
    assert!(
        prov.message.starts_with(
            "your add-on refused Basic auth for id conformance-ref with 401: does api.password / ADDON_PASSWORD match?"
        ),
        "{}",
        prov.message
    );
    assert!(!prov.message.contains("not-the-password-123"));
    // The checks that need the shared resource are blocked by PROV-02, as data.
    let by_prov = report
        .results
        .iter()
        .filter(|r| r.blocked_by.as_ref().is_some_and(|c| c.id == "PROV-02"))
        .count();
    assert!(by_prov > 10, "{by_prov}");
}

#[tokio::test]
async fn callback_checks_say_when_nothing_reached_the_platform() {
    let (report, _) = run(&["calls-heroku-directly"], |_, _| {}).await;
    for id in ["ASYNC-03", "OAUTH-01", "ROTATE-04", "OAUTH-05"] {
        let r = report.results.iter().find(|r| r.id == id).unwrap();
        let hint = r.evidence.hint.as_deref().unwrap_or_default();
        assert!(
            hint.starts_with("no request of any kind reached the platform; an add-on that calls https://id.heroku.com and https://api.heroku.com directly cannot reach this run's platform"),
            "{id}: {hint}"
        );
    }
    // A partner that does call back gets the usual hints.
    let (report, _) = run(&["async-never-completes"], |_, _| {}).await;
    let r = report.results.iter().find(|r| r.id == "ASYNC-03").unwrap();
    assert!(
        !r.evidence
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("no request of any kind")
    );
}
