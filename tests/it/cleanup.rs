//! The cleanup ledger under pressure: interrupted runs, `--fail-fast`, `--strict`, and the
//! billable estimate of `--dry-run` against real runs. The reference partner tells what it still
//! holds afterwards.

use addon_conformance::check::Ownership;
use addon_conformance::record::events::{Event, EventSink, Recorder};
use addon_conformance::record::outcome::Outcome;
use addon_conformance::reference::FaultSet;
use addon_conformance::runner::schedule::DEFAULT_JOBS;
use addon_conformance::runner::{Interrupt, RunControls, Selection, billable_estimate};

/// Records events and triggers the interrupt when the named check is about to start.
struct InterruptAt {
    check: &'static str,
    interrupt: Interrupt,
    recorder: Recorder,
}

impl EventSink for InterruptAt {
    fn emit(&mut self, event: &Event) {
        if let Event::CheckStarted { id, .. } = event
            && id == self.check
        {
            self.interrupt.trigger();
        }
        self.recorder.emit(event);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn demo(
    faults: &[&str],
    selection: Selection,
    controls: RunControls,
    sink: &mut dyn EventSink,
) -> addon_conformance::demo::DemoOutcome {
    let names: Vec<String> = faults.iter().map(|s| s.to_string()).collect();
    runtime()
        .block_on(addon_conformance::demo::run_with(
            FaultSet::parse(&names).unwrap(),
            selection,
            controls,
            sink,
        ))
        .unwrap()
}

#[test]
fn an_interrupted_run_stops_mid_suite_and_leaves_nothing_behind() {
    let interrupt = Interrupt::new();
    // PROV-14 runs after the shared resource exists and before the provision suite ends.
    let mut sink = InterruptAt {
        check: "PROV-14",
        interrupt: interrupt.clone(),
        recorder: Recorder::default(),
    };
    let controls = RunControls {
        interrupt,
        ..RunControls::default()
    };
    let outcome = demo(&[], Selection::default(), controls, &mut sink);
    let report = &outcome.report;
    assert_eq!(report.stopped.as_deref(), Some("interrupted"));
    assert_eq!(report.exit_code, 130);
    let ran: Vec<&str> = report.results.iter().map(|r| r.id.as_str()).collect();
    assert!(ran.contains(&"PROV-02"), "{ran:?}");
    assert!(!ran.contains(&"PROV-14"), "{ran:?}");
    assert!(!ran.iter().any(|id| id.starts_with("DEPROV")), "{ran:?}");
    // Something was provisioned and is gone again.
    assert!(report.billable_provisions >= 1);
    assert!(report.leftovers.is_empty(), "{:?}", report.leftovers);
    assert_eq!(
        outcome.live_after, 0,
        "the reference partner still holds resources"
    );
    let events = &sink.recorder.events;
    let stopped = events
        .iter()
        .position(|e| matches!(e, Event::Stopped { .. }))
        .expect("a Stopped event");
    let cleanup = events
        .iter()
        .position(|e| matches!(e, Event::Cleanup { .. }))
        .expect("a Cleanup event");
    assert!(stopped < cleanup);
}

#[test]
fn an_interrupt_before_the_first_check_runs_nothing() {
    let controls = RunControls::default();
    controls.interrupt.trigger();
    let outcome = demo(
        &[],
        Selection::default(),
        controls,
        &mut Recorder::default(),
    );
    assert!(outcome.report.results.is_empty());
    assert_eq!(outcome.report.billable_provisions, 0);
    assert_eq!(outcome.report.exit_code, 130);
}

#[test]
fn fail_fast_stops_after_the_first_failure_and_cleans_up() {
    let controls = RunControls {
        fail_fast: true,
        ..RunControls::default()
    };
    let outcome = demo(
        &["config-undeclared-var"],
        Selection::default(),
        controls,
        &mut Recorder::default(),
    );
    let report = &outcome.report;
    assert_eq!(report.exit_code, 1);
    let last = report.results.last().unwrap();
    assert_eq!((last.id.as_str(), last.outcome), ("PROV-04", Outcome::Fail));
    assert!(report.stopped.as_deref().unwrap().contains("PROV-04"));
    assert!(report.leftovers.is_empty());
    assert_eq!(outcome.live_after, 0);
}

#[test]
fn strict_makes_warnings_fail_the_run() {
    let run = |strict| {
        let controls = RunControls {
            strict,
            ..RunControls::default()
        };
        demo(
            &["config-url-relative"],
            Selection::default(),
            controls,
            &mut Recorder::default(),
        )
        .report
    };
    let lenient = run(false);
    assert_eq!(lenient.ids(Outcome::Warn), ["PROV-05"]);
    assert_eq!(lenient.exit_code, 0);
    assert_eq!(run(true).exit_code, 1);
}

#[test]
fn the_dry_run_estimate_matches_a_conformant_run() {
    let plan = Selection::default().plan().unwrap();
    let outcome = demo(
        &[],
        Selection::default(),
        RunControls::default(),
        &mut Recorder::default(),
    );
    // The estimate counts every provision the plan sends with real credentials; the run counts
    // the resources the partner accepted (the conformant reference refuses three probes: the
    // malformed body, the Private Space plan, the unknown region; the removed uuid sent again is
    // refused too, but its resource was billed once already). A refusal proven to have created
    // nothing (its deprovision answered 404) stays unbilled.
    // The default runs suites side by side: the changing suites' own copies are counted.
    let side_by_side = Ownership::of_jobs(DEFAULT_JOBS);
    assert_eq!(side_by_side, Ownership::PerSuite);
    assert_eq!(
        billable_estimate(&plan, side_by_side),
        outcome.report.billable_provisions + 3
    );
    // A serial run shares the run's copies: the fewest billable provisions.
    let serial = demo(
        &[],
        Selection::default(),
        RunControls {
            jobs: Some(1),
            ..RunControls::default()
        },
        &mut Recorder::default(),
    );
    assert_eq!(
        billable_estimate(&plan, Ownership::Shared),
        serial.report.billable_provisions + 3
    );
    assert!(serial.report.billable_provisions < outcome.report.billable_provisions);
    for check in ["PROV-14", "GEN-02", "OPT-02", "AUTH-02.provision", "MAN-01"] {
        let selection = Selection {
            checks: vec![check.into()],
            ..Selection::default()
        };
        let plan = selection.plan().unwrap();
        let outcome = demo(
            &[],
            selection,
            RunControls::default(),
            &mut Recorder::default(),
        );
        // An upper bound: a suite's shared resource is only provisioned if a check uses it.
        assert!(
            billable_estimate(&plan, Ownership::PerSuite) >= outcome.report.billable_provisions,
            "{check}"
        );
    }
}

/// Triggers the interrupt once the named check has been waiting for a second, and notes when.
struct InterruptWhileWaiting {
    check: &'static str,
    interrupt: Interrupt,
    at: Option<std::time::Instant>,
    recorder: Recorder,
}

impl EventSink for InterruptWhileWaiting {
    fn emit(&mut self, event: &Event) {
        if let Event::Waiting { id, .. } | Event::WaitingFor { id, .. } = event
            && id == self.check
            && self.at.is_none()
        {
            self.at = Some(std::time::Instant::now());
            self.interrupt.trigger();
        }
        self.recorder.emit(event);
    }
}

/// A run of `checks` against the reference with `faults` and its config edited by `edits`,
/// interrupted once `waiting` has been waiting: the report, the time from the interrupt to the
/// end of the run, and the events.
async fn interrupted_run(
    faults: &[&str],
    edits: &[(&str, &str)],
    checks: &[&str],
    waiting: &'static str,
) -> (
    addon_conformance::runner::RunReport,
    std::time::Duration,
    Vec<Event>,
    addon_conformance::reference::ReferencePartner,
) {
    use addon_conformance::config::{Config, Overrides};
    use addon_conformance::manifest::Manifest;
    use addon_conformance::reference::ReferencePartner;
    use addon_conformance::runner::RunInputs;
    let faults: Vec<String> = faults.iter().map(|f| (*f).to_owned()).collect();
    let partner = ReferencePartner::start(
        FaultSet::parse(&faults).unwrap(),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap();
    let manifest = Manifest::parse(&partner.manifest_text(), "reference manifest").unwrap();
    let mut text = partner.config_text();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let config = Config::parse(&text, "reference config").unwrap();
    let interrupt = Interrupt::new();
    let mut sink = InterruptWhileWaiting {
        check: waiting,
        interrupt: interrupt.clone(),
        at: None,
        recorder: Recorder::default(),
    };
    let report = addon_conformance::runner::run(
        RunInputs {
            manifest,
            config,
            config_source: "reference config".into(),
            overrides: Overrides::default(),
            selection: Selection {
                checks: checks.iter().map(|c| (*c).to_owned()).collect(),
                ..Selection::default()
            },
            controls: RunControls {
                interrupt,
                ..RunControls::default()
            },
        },
        &mut sink,
    )
    .await
    .unwrap();
    let took = sink.at.expect("the check waited").elapsed();
    (report, took, sink.recorder.events, partner)
}

#[test]
fn an_interrupt_during_a_ten_minute_wait_ends_within_seconds_with_cleanup() {
    runtime().block_on(async {
        // The provision action never comes, and the run would wait ten minutes for it.
        let (report, took, events, partner) = interrupted_run(
            &["async-never-completes"],
            &[
                ("provision_action = \"3s\"", "provision_action = \"10m\""),
                ("callback = \"3s\"", "callback = \"10m\""),
            ],
            &["ASYNC-03"],
            "ASYNC-03",
        )
        .await;
        assert!(
            took < std::time::Duration::from_secs(30),
            "interrupt to end of run: {took:?}"
        );
        assert_eq!(report.exit_code, 130);
        let async03 = report.results.iter().find(|r| r.id == "ASYNC-03").unwrap();
        assert_eq!(async03.outcome, Outcome::Blocked, "{async03:?}");
        assert!(
            async03.message.contains("interrupted"),
            "{}",
            async03.message
        );
        assert!(report.billable_provisions >= 1);
        assert!(report.leftovers.is_empty(), "{:?}", report.leftovers);
        assert_eq!(partner.live_resources(), 0);
        assert!(events.iter().any(|e| matches!(e, Event::Cleanup { .. })));
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::RunFinished { .. }))
        );
        partner.stop().await;
    });
}

#[test]
fn an_interrupt_while_a_removal_awaits_its_action_ends_within_the_cleanup_budget() {
    runtime().block_on(async {
        // The deprovision action never comes, and the run would wait ten minutes for it.
        let (report, took, _, partner) = interrupted_run(
            &[
                "variant-async-deprovision-all",
                "async-deprovision-no-action",
            ],
            &[(
                "deprovision_action = \"3s\"",
                "deprovision_action = \"10m\"",
            )],
            &["DEPROV-02", "ASYNC-07"],
            "ASYNC-07",
        )
        .await;
        assert!(
            took < std::time::Duration::from_secs(30),
            "interrupt to end of run: {took:?}"
        );
        assert_eq!(report.exit_code, 130);
        // Unproven, and said why: listed with its curl.
        assert_eq!(report.leftovers.len(), 1, "{:?}", report.leftovers);
        let line = report.leftovers[0].leftover_line();
        assert!(
            line.contains("interrupted while waiting for its deprovision action"),
            "{line}"
        );
        assert!(line.contains("curl"), "{line}");
        partner.stop().await;
    });
}
