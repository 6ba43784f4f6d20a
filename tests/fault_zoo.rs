//! The fault zoo: the harness runs in-process against the reference partner once conformant and
//! once per named fault, and each run must fail and warn exactly the checks the fault declares
//! beside its definition (`src/reference/faults/table.rs`), with the default `--jobs` and with
//! the serial run (`--jobs 1`).

use std::collections::BTreeSet;

use addon_conformance::checks::REGISTRY;
use addon_conformance::record::events::Recorder;
use addon_conformance::record::outcome::Outcome;
use addon_conformance::reference::{FaultSet, faults};
use addon_conformance::runner::{RunControls, Selection};
use libtest_mimic::{Arguments, Failed, Trial};

/// A trial: the faults to run with, and the checks that must fail and warn.
#[derive(Debug, Clone)]
struct Expectation {
    name: String,
    fail: Vec<String>,
    warn: Vec<String>,
}

/// Each fault's expectation, as its definition in `src/reference/faults/table.rs` declares it.
fn fixture() -> Vec<Expectation> {
    let owned = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect();
    faults::ALL
        .iter()
        .map(|(fault, name, _)| {
            let expected = fault.expected();
            Expectation {
                name: (*name).to_owned(),
                fail: owned(expected.fail),
                warn: owned(expected.warn),
            }
        })
        .collect()
}

/// `jobs`: None runs with the default `--jobs`, Some(1) is the serial run.
fn run_demo(
    fault_names: &[String],
    jobs: Option<usize>,
) -> Result<addon_conformance::demo::DemoOutcome, Failed> {
    // Two workers, as the binary has on a small CI machine: suites running side by side do not
    // wait for each other's CPU work, so a loaded machine does not turn into slow calls.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failed::from(e.to_string()))?;
    let faults = FaultSet::parse(fault_names).map_err(|e| Failed::from(e.to_string()))?;
    let mut recorder = Recorder::default();
    runtime
        .block_on(addon_conformance::demo::run_with(
            faults,
            Selection::default(),
            RunControls {
                jobs,
                ..RunControls::default()
            },
            &mut recorder,
        ))
        .map_err(|e| Failed::from(e.to_string()))
}

/// The expected sets, with the default `--jobs` and with the serial run.
fn expect_exact(expected: &Expectation) -> Result<(), Failed> {
    let mut problems = Vec::new();
    for (mode, jobs) in [("default --jobs", None), ("--jobs 1", Some(1))] {
        if let Err(e) = expect_exact_with(expected, jobs) {
            problems.push(format!("{mode}: {}", e.message().unwrap_or_default()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn expect_exact_with(expected: &Expectation, jobs: Option<usize>) -> Result<(), Failed> {
    let names = if expected.name == "conformant" {
        vec![]
    } else {
        vec![expected.name.clone()]
    };
    let outcome = run_demo(&names, jobs)?;
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
    problems.extend(r.results.iter().filter_map(evidence_problem));
    // A fault that never completes an asynchronous removal (ASYNC-07) leaves the harness without
    // proof of it: those removals, and only those, are listed as leftovers.
    let unproven = |e: &addon_conformance::record::ledger::Entry| {
        e.state == addon_conformance::record::ledger::EntryState::RemovalRequested
            && expected.fail.iter().any(|id| id == "ASYNC-07")
    };
    if outcome.live_after != 0 || !r.leftovers.iter().all(unproven) {
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

/// A failing or warning check cites first the exchange that shows the violation, and its curl
/// repeats that request (method and path); a finding without a curl cites only callbacks or
/// nothing from the partner at all.
fn evidence_problem(c: &addon_conformance::record::outcome::CheckResult) -> Option<String> {
    if !matches!(c.outcome, Outcome::Fail | Outcome::Warn) {
        return None;
    }
    let e = &c.evidence;
    let Some(curl) = &e.curl else {
        return None;
    };
    let Some(first) = e.exchanges.first() else {
        return Some(format!("{}: a curl but no cited exchange", c.id));
    };
    let path = |url: &str| {
        url::Url::parse(url)
            .map(|u| u.path().to_owned())
            .unwrap_or_default()
    };
    let method = format!("-X {} ", first.request.method);
    let curl_url = curl.split('\'').nth(1).map(path).unwrap_or_default();
    if !curl.contains(&method) || curl_url != path(&first.request.url) {
        return Some(format!(
            "{}: the curl ({curl}) does not repeat the first cited exchange ({} {})",
            c.id, first.request.method, first.request.url
        ));
    }
    None
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
    let variants = fixture.clone();
    trials.push(Trial::test("variants_fail_and_warn_nothing", move || {
        let loud: Vec<&str> = variants
            .iter()
            .filter(|e| e.name.starts_with("variant-"))
            .filter(|e| !e.fail.is_empty() || !e.warn.is_empty())
            .map(|e| e.name.as_str())
            .collect();
        if loud.is_empty() {
            Ok(())
        } else {
            Err(format!("conformant variants with expected findings: {loud:?}").into())
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
