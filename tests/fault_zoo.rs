//! The fault zoo: the harness runs in-process against the reference partner once conformant and
//! once per named fault, and each run must fail and warn exactly the checks the fixture declares.

use std::collections::BTreeSet;

use addon_conformance::checks::REGISTRY;
use addon_conformance::record::events::Recorder;
use addon_conformance::record::outcome::Outcome;
use addon_conformance::reference::{FaultSet, faults};
use addon_conformance::runner::Selection;
use libtest_mimic::{Arguments, Failed, Trial};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
struct Expectation {
    name: String,
    fail: Vec<String>,
    warn: Vec<String>,
}

#[derive(Deserialize)]
struct Fixture {
    fault: Vec<Expectation>,
}

fn fixture() -> Vec<Expectation> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/faults.toml"))
            .expect("fixtures/faults.toml");
    toml::from_str::<Fixture>(&text)
        .expect("faults.toml parses")
        .fault
}

fn run_demo(fault_names: &[String]) -> Result<addon_conformance::demo::DemoOutcome, Failed> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::from(e.to_string()))?;
    let faults = FaultSet::parse(fault_names).map_err(|e| Failed::from(e.to_string()))?;
    let mut recorder = Recorder::default();
    runtime
        .block_on(addon_conformance::demo::run(
            faults,
            Selection::default(),
            &mut recorder,
        ))
        .map_err(|e| Failed::from(e.to_string()))
}

fn expect_exact(expected: &Expectation) -> Result<(), Failed> {
    let names = if expected.name == "conformant" {
        vec![]
    } else {
        vec![expected.name.clone()]
    };
    let outcome = run_demo(&names)?;
    let r = &outcome.report;
    let sorted = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    let got_fail: BTreeSet<_> = r.ids(Outcome::Fail).into_iter().collect();
    let got_warn: BTreeSet<_> = r.ids(Outcome::Warn).into_iter().collect();
    let mut problems = Vec::new();
    if got_fail != sorted(&expected.fail) {
        problems.push(format!("failed {got_fail:?}, expected {:?}", expected.fail));
    }
    if got_warn != sorted(&expected.warn) {
        problems.push(format!("warned {got_warn:?}, expected {:?}", expected.warn));
    }
    let errors = r.ids(Outcome::Error);
    if !errors.is_empty() {
        let msgs: Vec<_> = r
            .results
            .iter()
            .filter(|c| c.outcome == Outcome::Error)
            .map(|c| format!("{}: {}", c.id, c.message))
            .collect();
        problems.push(format!("harness errors: {msgs:?}"));
    }
    if expected.name == "conformant" && (r.summary.blocked > 0 || r.summary.skipped > 0) {
        problems.push(format!(
            "conformant run blocked {:?} skipped {:?}",
            r.ids(Outcome::Blocked),
            r.ids(Outcome::Skip)
        ));
    }
    if outcome.live_after != 0 || !r.leftovers.is_empty() {
        problems.push(format!(
            "cleanup left {} live resources, leftovers {:?}",
            outcome.live_after, r.leftovers
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn main() {
    let args = Arguments::from_args();
    let fixture = fixture();
    let mut trials = vec![Trial::test("conformant", || {
        expect_exact(&Expectation {
            name: "conformant".into(),
            fail: vec![],
            warn: vec![],
        })
    })];
    for e in fixture.clone() {
        trials.push(Trial::test(format!("fault::{}", e.name), move || {
            expect_exact(&e)
        }));
    }
    let names = fixture.clone();
    trials.push(Trial::test("fixture_lists_every_fault", move || {
        let in_code: BTreeSet<&str> = faults::ALL.iter().map(|(_, n, _)| *n).collect();
        let in_fixture: BTreeSet<&str> = names.iter().map(|e| e.name.as_str()).collect();
        if in_code == in_fixture {
            Ok(())
        } else {
            Err(format!(
                "code only: {:?}; fixture only: {:?}",
                in_code.difference(&in_fixture).collect::<Vec<_>>(),
                in_fixture.difference(&in_code).collect::<Vec<_>>()
            )
            .into())
        }
    }));
    trials.push(Trial::test("every_check_is_proven_to_fail", move || {
        let proven: BTreeSet<&str> = fixture
            .iter()
            .flat_map(|e| e.fail.iter().chain(&e.warn))
            .map(String::as_str)
            .collect();
        let unproven: Vec<&str> = REGISTRY
            .iter()
            .map(|c| c.id)
            .filter(|id| !proven.contains(id))
            .collect();
        if unproven.is_empty() {
            Ok(())
        } else {
            Err(format!("no fault breaks {unproven:?}").into())
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}
