//! The reference partner in its hardcoded-hosts mode (it calls `https://id.heroku.com` and
//! `https://api.heroku.com` itself, through the interception proxy, as real add-ons do): the
//! conformant run passes every check, so the async, OAuth and rotation suites judged real calls
//! that reached the platform only through interception; and each fault that breaks the callback
//! side fails and warns exactly the checks its table entry declares. The timing suite is left
//! out: its budgets are wall-clock, and these runs go side by side.

use std::collections::BTreeSet;
use std::sync::Arc;

use addon_conformance::record::events::Recorder;
use addon_conformance::record::outcome::Outcome;
use addon_conformance::reference::{Fault, FaultSet, faults};
use addon_conformance::runner::{RunControls, Selection};

/// Faults whose expected findings are on the callback side.
fn callback_faults() -> Vec<(Fault, &'static str)> {
    let callback_side = |id: &&str| {
        ["ASYNC-", "OAUTH-", "API-01", "PROV-08", "CONFIG-02"]
            .iter()
            .any(|p| id.starts_with(p))
    };
    faults::ALL
        .iter()
        .filter(|(f, _, _)| {
            let e = f.expected();
            e.fail.iter().chain(e.warn).any(&callback_side)
        })
        .map(|(f, name, _)| (*f, *name))
        .collect()
}

fn selection() -> Selection {
    Selection {
        suites: addon_conformance::suite::all()
            .unwrap()
            .iter()
            .map(|s| s.name.clone())
            .filter(|n| n != "timing")
            .collect(),
        ..Selection::default()
    }
}

/// Runs the demo in hardcoded-hosts mode with `faults`; what differs from `fail`/`warn`.
async fn judge(names: Vec<String>, fail: BTreeSet<String>, warn: BTreeSet<String>) -> Vec<String> {
    let dir = crate::intercept::fixture::scratch_dir("zoo");
    let faults = FaultSet::parse(&names).unwrap();
    let mut recorder = Recorder::default();
    let outcome = addon_conformance::demo::run_hardcoded(
        faults,
        selection(),
        RunControls::default(),
        &dir,
        &mut recorder,
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let label = if names.is_empty() {
        "conformant".to_owned()
    } else {
        names.join("+")
    };
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => return vec![format!("{label}: {e}")],
    };
    let r = &outcome.report;
    let timing = |id: &String| id.starts_with("TIME-");
    let fail: BTreeSet<String> = fail.into_iter().filter(|i| !timing(i)).collect();
    let warn: BTreeSet<String> = warn.into_iter().filter(|i| !timing(i)).collect();
    let got_fail: BTreeSet<String> = r.ids(Outcome::Fail).into_iter().collect();
    let got_warn: BTreeSet<String> = r.ids(Outcome::Warn).into_iter().collect();
    let mut problems = Vec::new();
    if got_fail != fail {
        problems.push(format!("{label}: failed {got_fail:?}, expected {fail:?}"));
    }
    if got_warn != warn {
        problems.push(format!("{label}: warned {got_warn:?}, expected {warn:?}"));
    }
    for c in r.results.iter().filter(|c| c.outcome == Outcome::Error) {
        problems.push(format!("{label}: harness error {}: {}", c.id, c.message));
    }
    if names.is_empty() {
        let idle: Vec<String> = r
            .results
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Skip | Outcome::Blocked))
            .map(|c| format!("{} {}", c.id, c.message))
            .collect();
        if !idle.is_empty() {
            problems.push(format!("conformant: skipped or blocked {idle:?}"));
        }
        // The callback side was judged on calls that came through the proxy.
        for suite in ["async", "rotation"] {
            if !r
                .results
                .iter()
                .any(|c| c.suite == suite && c.outcome == Outcome::Pass)
            {
                problems.push(format!("conformant: nothing passed in {suite}"));
            }
        }
    }
    // A fault that never completes an asynchronous removal (ASYNC-07) leaves the harness without
    // proof of it: those removals, and only those, are listed as leftovers.
    let unproven = |e: &addon_conformance::record::ledger::Entry| {
        e.state == addon_conformance::record::ledger::EntryState::RemovalRequested
            && fail.contains("ASYNC-07")
    };
    if outcome.live_after != 0 || !r.leftovers.iter().all(unproven) {
        problems.push(format!(
            "{label}: cleanup left {} live, leftovers {:?}",
            outcome.live_after, r.leftovers
        ));
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
// The run's future is not Send (it holds the event sink), so the runs share one thread.
async fn the_hardcoded_hosts_reference_is_judged_through_interception() {
    let faults = callback_faults();
    assert!(faults.len() >= 10, "{faults:?}");
    let owned = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();
    let mut runs = vec![(Vec::new(), BTreeSet::new(), BTreeSet::new())];
    for (fault, name) in faults {
        let e = fault.expected();
        runs.push((vec![name.to_owned()], owned(e.fail), owned(e.warn)));
    }
    let gate = Arc::new(tokio::sync::Semaphore::new(4));
    let local = tokio::task::LocalSet::new();
    let mut handles = Vec::new();
    for (names, fail, warn) in runs {
        let gate = gate.clone();
        handles.push(local.spawn_local(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            judge(names, fail, warn).await
        }));
    }
    let problems = local
        .run_until(async {
            let mut problems = Vec::new();
            for h in handles {
                problems.extend(h.await.unwrap());
            }
            problems
        })
        .await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
