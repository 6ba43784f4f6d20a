//! Which suites may run side by side (`--jobs`). A suite waits for every earlier suite in plan
//! order that it conflicts with: one changes shared state the other reads or changes, one holds
//! a check the other is `blocked_by`, or one of them runs `after_all`. Dependencies only point
//! to earlier suites, so a serial run (`--jobs 1`) is the plan order itself.

use super::PlannedSuite;
use crate::suite::{Shared, Suite};

/// The default `--jobs`: measured with `cargo bench --bench harness` (README, Performance).
pub const DEFAULT_JOBS: usize = 4;

/// For each suite of the plan, the earlier suites it waits for. `async_is_primary`: without an
/// async plan the async suite judges the primary resource.
pub fn dependencies(plan: &[PlannedSuite], async_is_primary: bool) -> Vec<Vec<usize>> {
    let norm = |s: &Shared| match s {
        Shared::Async if async_is_primary => Shared::Primary,
        other => *other,
    };
    let shared = |s: &Suite| -> (Vec<Shared>, Vec<Shared>) {
        (
            s.reads.iter().map(norm).collect(),
            s.changes.iter().map(norm).collect(),
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

    fn deps_of(name: &str, async_is_primary: bool) -> Vec<String> {
        let plan = Selection::default().plan().unwrap();
        let deps = dependencies(&plan, async_is_primary);
        let i = plan.iter().position(|s| s.suite.name == name).unwrap();
        deps[i]
            .iter()
            .map(|&d| plan[d].suite.name.clone())
            .collect()
    }

    #[test]
    fn every_suite_waits_for_the_manifest_and_timing_for_everything() {
        let plan = Selection::default().plan().unwrap();
        let deps = dependencies(&plan, false);
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

    #[test]
    fn callbacks_run_beside_the_suites_using_the_primary_until_it_is_removed() {
        let plan_deps = deps_of("plan", false);
        assert!(!plan_deps.contains(&"async".to_owned()), "{plan_deps:?}");
        assert!(plan_deps.contains(&"provision".to_owned()), "{plan_deps:?}");
        assert!(deps_of("deprovision", false).contains(&"async".to_owned()));
        // Without an async plan the async suite judges the primary: no longer beside its changers.
        assert!(deps_of("plan", true).contains(&"async".to_owned()));
    }
}
