//! Tests of the terminal reporter.
use super::*;
use crate::catalogue::Level;
use crate::record::outcome::Evidence;

fn events() -> Vec<Event> {
    vec![
        Event::CheckStarted {
            id: "TIME-01".into(),
            suite: "timing".into(),
            title: "answers within 3 s".into(),
        },
        Event::Waiting {
            id: "TIME-01".into(),
            elapsed_ms: 2100,
        },
        Event::CheckFinished {
            result: Box::new(CheckResult {
                id: "TIME-01".into(),
                suite: "timing".into(),
                title: "answers within 3 s".into(),
                requirement: "TIME-01".into(),
                requirement_text: String::new(),
                level: Level::Should,
                outcome: Outcome::Pass,
                message: "ok".into(),
                doc: String::new(),
                duration_ms: 2500.0,
                evidence: Evidence::default(),
                partner_log: Vec::new(),
                latency: None,
                blocked_by: None,
            }),
        },
    ]
}

fn render(progress: bool) -> String {
    let mut t = TerminalReporter::new(Vec::new(), false).with_progress(progress);
    for e in events() {
        t.emit(&e);
    }
    String::from_utf8(t.into_inner()).unwrap()
}

#[test]
fn progress_shows_the_waiting_check_and_is_overwritten() {
    let out = render(true);
    assert!(out.contains("RUNNING TIME-01"), "{out:?}");
    assert!(out.contains("still running: 2 s"), "{out:?}");
    // The final line replaces the progress line.
    assert!(out.contains("\r\x1b[K  PASS    TIME-01"), "{out:?}");
}

#[test]
fn no_progress_when_not_a_terminal() {
    let out = render(false);
    assert!(!out.contains("RUNNING") && !out.contains('\r'), "{out:?}");
    assert!(out.starts_with("  PASS    TIME-01"), "{out:?}");
}

fn finished(id: &str, outcome: Outcome, message: &str) -> Event {
    let mut r = crate::report::causes::tests::result(id, outcome, message);
    if outcome == Outcome::Fail {
        r.evidence.curl = Some("curl -u \"$ADDON_ID:$ADDON_PASSWORD\" x".into());
        r.evidence.hint = Some("answer 401 to wrong credentials".into());
    }
    Event::CheckFinished {
        result: Box::new(r),
    }
}

fn run_end() -> Event {
    Event::RunFinished {
        summary: crate::record::outcome::Summary::default(),
        exit_code: 1,
    }
}

fn render_with(verbosity: Verbosity, events: &[Event]) -> String {
    let mut t = TerminalReporter::new(Vec::new(), false).with_verbosity(verbosity);
    for e in events {
        t.emit(e);
    }
    String::from_utf8(t.into_inner()).unwrap()
}

#[test]
fn blocked_cascades_are_one_line_per_cause_and_failures_are_grouped() {
    let why = "prerequisite PROV-02 did not pass (fail)";
    let mut events = vec![
        Event::RunStarted {
            started_unix_ms: 0,
            addon: "myaddon".into(),
            target: "http://127.0.0.1:1".into(),
            platform: None,
            suites: 1,
            checks: 5,
        },
        finished("AUTH-02", Outcome::Fail, "accepted a wrong password"),
        finished("AUTH-03", Outcome::Fail, "accepted no password"),
    ];
    events.extend((0..3).map(|i| finished(&format!("X-0{i}"), Outcome::Blocked, why)));
    events.push(run_end());
    let out = render_with(Verbosity::Normal, &events);
    assert_eq!(out.matches("BLOCKED X-").count(), 1, "{out}");
    assert!(
        out.contains("3 checks blocked by PROV-02: prerequisite PROV-02"),
        "{out}"
    );
    assert!(
        out.contains("2 checks: answer 401 to wrong credentials\n      AUTH-02, AUTH-03"),
        "{out}"
    );
    // The variables of the reproducers are named once, in the first block.
    assert_eq!(out.matches("export ADDON_ID=myaddon").count(), 1, "{out}");
}

#[test]
fn quiet_shows_only_failures_and_the_summary() {
    let events = [
        Event::SuiteStarted {
            name: "auth".into(),
            title: "Authentication".into(),
        },
        finished("A-01", Outcome::Pass, "ok"),
        finished("A-02", Outcome::Fail, "bad"),
        run_end(),
    ];
    let out = render_with(Verbosity::Quiet, &events);
    assert!(
        !out.contains("A-01") && !out.contains("Authentication"),
        "{out}"
    );
    assert!(
        out.contains("FAIL    A-02") && out.contains("passed,"),
        "{out}"
    );
}

fn exchange_event() -> Event {
    use crate::record::exchange::{Exchange, RequestRecord, ResponseRecord};
    let x = Exchange {
        seq: 7,
        label: "provision".into(),
        started_ms: 0,
        elapsed_ms: 12.0,
        request: RequestRecord {
            method: "POST".into(),
            url: "http://127.0.0.1:9/heroku/resources".into(),
            headers: Vec::new(),
            credentials: crate::partner::Credentials::Manifest,
            body: Some("{\"plan\":\"test\"}".into()),
        },
        response: Some(ResponseRecord {
            status: 201,
            headers: Vec::new(),
            body: "{\"id\":\"1\"}".into(),
            body_bytes: 8,
            body_truncated: false,
        }),
        error: None,
    };
    Event::Exchange {
        check: Some("PROV-02".into()),
        exchange: std::sync::Arc::new(x),
    }
}

#[test]
fn the_verbosity_ladder_shows_exchanges_then_bodies() {
    let normal = render_with(Verbosity::Normal, &[exchange_event()]);
    assert!(normal.is_empty(), "{normal}");
    let v = render_with(Verbosity::Exchanges, &[exchange_event()]);
    assert!(
        v.contains("#7 POST http://127.0.0.1:9/heroku/resources -> 201 (12 ms)"),
        "{v}"
    );
    assert!(!v.contains("plan"), "{v}");
    let vv = render_with(Verbosity::Bodies, &[exchange_event()]);
    assert!(
        vv.contains("> {\"plan\":\"test\"}") && vv.contains("< {\"id\""),
        "{vv}"
    );
}

#[test]
fn github_mode_groups_each_suite_and_keeps_partner_text_from_starting_a_command() {
    let mut t = TerminalReporter::new(Vec::new(), false).with_github_groups(true);
    for name in ["auth", "plan"] {
        t.emit(&Event::SuiteStarted {
            name: name.into(),
            title: format!("Suite {name}"),
        });
        t.emit(&finished(
            &format!("{name}-01"),
            Outcome::Warn,
            "odd\n::error::injected",
        ));
    }
    t.emit(&run_end());
    let out = String::from_utf8(t.into_inner()).unwrap();
    assert!(
        out.contains("::group::Suite auth (auth)\n")
            && out.contains("::endgroup::\n::group::Suite plan (plan)\n"),
        "{out}"
    );
    assert_eq!(out.matches("::endgroup::").count(), 2, "{out}");
    assert!(!out.lines().any(|l| l.starts_with("::error")), "{out}");
}

fn waiting_for(elapsed_ms: u64) -> Event {
    Event::WaitingFor {
        id: "ASYNC-03".into(),
        what: "actions/provision".into(),
        elapsed_ms,
        limit_ms: 600_000,
    }
}

#[test]
fn long_waits_say_what_for_and_until_when() {
    let mut t = TerminalReporter::new(Vec::new(), false).with_progress(true);
    t.emit(&waiting_for(12_400));
    let out = String::from_utf8(t.into_inner()).unwrap();
    assert!(
        out.contains("ASYNC-03             waiting for actions/provision: 12 s of 10m"),
        "{out:?}"
    );
}

#[test]
fn without_a_terminal_a_wait_prints_a_heartbeat_every_30_s() {
    let events: Vec<Event> = (1..=65).map(|s| waiting_for(s * 1000)).collect();
    let out = render_with(Verbosity::Normal, &events);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.contains("… ASYNC-03 waiting for actions/provision: 30 s of 10m"),
        "{out}"
    );
    assert!(out.contains(": 60 s of 10m"), "{out}");
}

#[test]
fn checks_blocked_by_one_root_cause_are_one_line_and_one_summary_line() {
    let cause =
        crate::record::outcome::RootCause::new("PROV-02", "cannot reach your add-on at http://x/");
    let mut events: Vec<Event> = ["GEN-01", "GEN-02", "PLAN-02"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            // Different reasons, one root cause: folded by the cause.
            let mut r = crate::report::causes::tests::result(
                id,
                Outcome::Blocked,
                &format!("not run ({i}): {}", cause.text),
            );
            r.blocked_by = Some(cause.clone());
            Event::CheckFinished {
                result: Box::new(r),
            }
        })
        .collect();
    events.push(run_end());
    let out = render_with(Verbosity::Normal, &events);
    assert_eq!(out.matches("BLOCKED ").count(), 1, "{out}");
    assert_eq!(out.matches("blocked by PROV-02").count(), 1, "{out}");
    assert!(
        out.contains("3 checks blocked by PROV-02: cannot reach your add-on at http://x/"),
        "{out}"
    );
}

#[test]
fn a_finding_on_a_callback_shows_the_callback_before_the_checks_requests() {
    let Event::Exchange { exchange, .. } = exchange_event() else {
        unreachable!("an exchange event")
    };
    let callback = crate::record::Inbound::new(
        crate::record::InboundKind::ConfigUpdate,
        "PATCH",
        "/addons/r/config",
        422,
    );
    let result = |curl: Option<String>| CheckResult {
        id: "ROTATE-04".into(),
        suite: "rotation".into(),
        title: "a rotation PATCHes the config".into(),
        requirement: "ROTATE-04".into(),
        requirement_text: String::new(),
        level: Level::Must,
        outcome: Outcome::Fail,
        message: "refused".into(),
        doc: String::new(),
        duration_ms: 1.0,
        evidence: Evidence {
            exchanges: vec![exchange.clone()],
            inbound: vec![std::sync::Arc::new(callback.clone())],
            curl,
            ..Evidence::default()
        },
        partner_log: Vec::new(),
        latency: None,
        blocked_by: None,
    };
    let order = |block: &str| (block.find("  inbound"), block.find("  exchange"));
    let (inbound, exchange) = order(&failure_block(&result(None)));
    assert!(
        inbound < exchange,
        "callback first: {inbound:?} {exchange:?}"
    );
    // A finding on a request keeps it first (its curl repeats it).
    let (inbound, exchange) = order(&failure_block(&result(Some("curl …".into()))));
    assert!(
        exchange < inbound,
        "request first: {inbound:?} {exchange:?}"
    );
}
