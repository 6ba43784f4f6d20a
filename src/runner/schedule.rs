//! Which suites may run side by side (`--jobs`). A suite waits for every earlier suite in plan
//! order that it conflicts with: one changes shared state the other reads or changes, one holds
//! a check the other is `blocked_by`, or one of them runs `after_all`. Dependencies only point
//! to earlier suites, so a serial run (`--jobs 1`) is the plan order itself.

use super::PlannedSuite;
use crate::check::Ownership;
use crate::suite::{Shared, Suite};

/// The default `--jobs`, chosen from the staging-like sweep of `cargo bench --bench harness`
/// (README, Performance): 8 lets nearly every suite start at once, so the wall is the longest
/// chain's (6 was 0.37× of the serial wall, 8 0.32×; 11 suites of a full run talk to the
/// partner).
pub const DEFAULT_JOBS: usize = 8;

/// How many suites run at once: `--jobs`, else `[run] jobs`, else the measured default.
/// `--fail-fast` runs serially: the first failure is then the same in every run.
pub fn jobs(flag: Option<usize>, config: Option<usize>, fail_fast: bool) -> usize {
    if fail_fast {
        return 1;
    }
    flag.or(config).unwrap_or(DEFAULT_JOBS).max(1)
}

/// For each suite of the plan, the earlier suites it waits for. `async_is_primary`: without an
/// async plan the async suite judges the primary resource. Under `Ownership::PerSuite` a suite
/// shares nothing it has a copy of its own of.
pub fn dependencies(
    plan: &[PlannedSuite],
    async_is_primary: bool,
    ownership: Ownership,
) -> Vec<Vec<usize>> {
    let norm = |s: &Shared| match s {
        Shared::Async if async_is_primary => Shared::Primary,
        other => *other,
    };
    let shared = |s: &Suite| -> (Vec<Shared>, Vec<Shared>) {
        let (reads, changes) = s.shared_state(ownership);
        (
            reads.iter().map(norm).collect(),
            changes.iter().map(norm).collect(),
        )
    };
    (0..plan.len())
        .map(|j| {
            (0..j)
                .filter(|&i| {
                    conflict(plan[i].suite, plan[j].suite, &shared) || ordered(&plan[i], &plan[j])
                })
                .collect()
        })
        .collect()
}

fn conflict(a: &Suite, b: &Suite, shared: &impl Fn(&Suite) -> (Vec<Shared>, Vec<Shared>)) -> bool {
    let ((a_reads, a_changes), (b_reads, b_changes)) = (shared(a), shared(b));
    let touches =
        |reads: &[Shared], changes: &[Shared], x: &Shared| reads.contains(x) || changes.contains(x);
    a_changes.iter().any(|x| touches(&b_reads, &b_changes, x))
        || b_changes.iter().any(|x| touches(&a_reads, &a_changes, x))
}

/// `later` is blocked by a check of `earlier`, or one of them must run alone after the rest.
fn ordered(earlier: &PlannedSuite, later: &PlannedSuite) -> bool {
    earlier.suite.after_all
        || later.suite.after_all
        || later
            .suite
            .blocked_by
            .iter()
            .any(|id| earlier.checks.iter().any(|c| c.check.id == id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Selection;

    fn deps_of(name: &str, async_is_primary: bool, ownership: Ownership) -> Vec<String> {
        let plan = Selection::default().plan().unwrap();
        let deps = dependencies(&plan, async_is_primary, ownership);
        let i = plan.iter().position(|s| s.suite.name == name).unwrap();
        deps[i]
            .iter()
            .map(|&d| plan[d].suite.name.clone())
            .collect()
    }

    #[test]
    fn every_suite_waits_for_the_manifest_and_timing_for_everything() {
        let plan = Selection::default().plan().unwrap();
        for ownership in [Ownership::Shared, Ownership::PerSuite] {
            let deps = dependencies(&plan, false, ownership);
            for (j, s) in plan.iter().enumerate().skip(1) {
                assert!(
                    deps[j].contains(&0),
                    "{} does not wait for the manifest",
                    s.suite.name
                );
            }
            let last = plan.len() - 1;
            assert_eq!(plan[last].suite.name, "timing");
            assert_eq!(deps[last], (0..last).collect::<Vec<_>>());
        }
    }

    #[test]
    fn callbacks_run_beside_the_suites_using_the_primary_until_it_is_removed() {
        let serial = Ownership::Shared;
        let plan_deps = deps_of("plan", false, serial);
        assert!(!plan_deps.contains(&"async".to_owned()), "{plan_deps:?}");
        assert!(plan_deps.contains(&"provision".to_owned()), "{plan_deps:?}");
        assert!(deps_of("deprovision", false, serial).contains(&"async".to_owned()));
        // Without an async plan the async suite judges the primary: no longer beside its changers.
        assert!(deps_of("plan", true, serial).contains(&"async".to_owned()));
    }

    #[test]
    fn suites_with_copies_of_their_own_wait_only_for_their_prerequisites() {
        let side = Ownership::PerSuite;
        for name in ["plan", "auth", "many-per-app", "rotation", "sharing"] {
            assert_eq!(deps_of(name, false, side), ["manifest"], "{name}");
            // Also when the async suite judges the primary: it is not theirs.
            assert_eq!(deps_of(name, true, side), ["manifest"], "{name}");
        }
        // The readers of the run's primary run beside them and beside each other.
        assert_eq!(deps_of("sso", false, side), ["manifest"]);
        assert_eq!(deps_of("idempotency", false, side), ["manifest"]);
        // Installs on the run's app keep their order: the primary, then the async resource.
        assert_eq!(deps_of("async", false, side), ["manifest", "provision"]);
        // Removing the run's primary ends its grant, and GEN-01.run judges every answer: the
        // deprovision suite waits for every suite, whoever's copies they use.
        let plan = Selection::default().plan().unwrap();
        let last_two: Vec<&str> = plan[plan.len() - 2..]
            .iter()
            .map(|s| s.suite.name.as_str())
            .collect();
        assert_eq!(last_two, ["deprovision", "timing"]);
        let deprov = deps_of("deprovision", false, side);
        assert_eq!(deprov.len(), plan.len() - 2, "{deprov:?}");
    }

    #[test]
    fn a_suite_owns_only_what_it_changes_and_the_run_keeps_the_primary_it_removes() {
        for suite in crate::suite::all().unwrap() {
            for r in &suite.owns {
                assert!(
                    suite.changes.contains(&Shared::from(*r)),
                    "{} owns {r} but does not change it",
                    suite.name
                );
            }
        }
        let deprovision = crate::suite::all()
            .unwrap()
            .iter()
            .find(|s| s.name == "deprovision")
            .unwrap();
        // It removes the real primary (the grant-based checks end when it is removed).
        assert!(deprovision.owns.is_empty());
        assert!(deprovision.changes.contains(&Shared::PrimaryGrant));
    }
}
