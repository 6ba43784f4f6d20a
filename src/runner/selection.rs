//! Which suites and checks a run executes (`--suite`, `--check`, `--skip`, `--partition`).

use crate::check::{Check, Holder, Ownership, Resource};
use crate::checks;
use crate::error::HarnessError;
use crate::suite::{self, Suite};

#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub suites: Vec<String>,
    /// Check IDs or requirement IDs (`AUTH-02` selects every `AUTH-02.*` check).
    pub checks: Vec<String>,
    pub skip: Vec<String>,
    /// Only this share of the selected suites (a CI matrix job).
    pub partition: Option<Partition>,
}

/// Share `index` of `count` (1-based), as `--partition 2/3` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub index: usize,
    pub count: usize,
}

impl Partition {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not K/N with 1 <= K <= N (e.g. 2/3)");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// Keeps this partition's suites. Whole suites are shared out (their checks share resources
    /// and prerequisites), balanced by check count: the largest suite goes to the emptiest share,
    /// ties to the lower share. Every job of the matrix computes the same split.
    /// Suites marked `every_partition` (timing: it judges the traffic of the job it runs in) go to
    /// every share and do not count towards the balance.
    pub fn apply(self, plan: Vec<PlannedSuite>) -> Vec<PlannedSuite> {
        let mut order: Vec<usize> = (0..plan.len())
            .filter(|&i| !plan[i].suite.every_partition)
            .collect();
        order.sort_by_key(|&i| std::cmp::Reverse(plan[i].checks.len()));
        let mut load = vec![0usize; self.count];
        let mut owner = vec![0usize; plan.len()];
        for i in order {
            let share = (0..self.count).min_by_key(|&p| (load[p], p)).unwrap_or(0);
            load[share] += plan[i].checks.len();
            owner[i] = share;
        }
        plan.into_iter()
            .enumerate()
            .filter(|(i, s)| s.suite.every_partition || owner[*i] + 1 == self.index)
            .map(|(_, s)| s)
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct PlannedSuite {
    pub suite: &'static Suite,
    pub checks: Vec<PlannedCheck>,
}

#[derive(Debug, Clone)]
pub struct PlannedCheck {
    pub check: &'static Check,
}

fn matches(pattern: &str, check: &Check) -> bool {
    pattern.eq_ignore_ascii_case(check.id) || pattern.eq_ignore_ascii_case(check.requirement)
}

impl Selection {
    /// The suites and checks to run, in order. Unknown names are usage errors with suggestions.
    pub fn plan(&self) -> Result<Vec<PlannedSuite>, HarnessError> {
        let suites = suite::all()?;
        let suite_names: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
        for name in &self.suites {
            if !suite_names.contains(&name.as_str()) {
                return Err(unknown("suite", name, &suite_names));
            }
        }
        let all_ids: Vec<&str> = checks::REGISTRY
            .iter()
            .flat_map(|c| [c.id, c.requirement])
            .collect();
        for id in self.checks.iter().chain(&self.skip) {
            if !checks::REGISTRY.iter().any(|c| matches(id, c)) {
                return Err(unknown("check", id, &all_ids));
            }
        }
        let mut plan = Vec::new();
        for suite in suites {
            if !self.suites.is_empty() && !self.suites.contains(&suite.name) {
                continue;
            }
            let mut planned = Vec::new();
            for &check in suite.checks {
                let wanted =
                    self.checks.is_empty() || self.checks.iter().any(|p| matches(p, check));
                let skipped = self.skip.iter().any(|p| matches(p, check));
                if wanted && !skipped {
                    planned.push(PlannedCheck { check });
                }
            }
            if !planned.is_empty() {
                plan.push(PlannedSuite {
                    suite,
                    checks: planned,
                });
            }
        }
        Ok(match self.partition {
            Some(p) => p.apply(plan),
            None => plan,
        })
    }
}

/// The most billable provisions a plan can make: one per copy of a shared resource its suites
/// use (the run's, and under `Ownership::PerSuite` each owning suite's own), plus what its
/// checks provision themselves (fewer when suites are skipped or blocked).
pub fn billable_estimate(plan: &[PlannedSuite], ownership: Ownership) -> usize {
    let mut shared: Vec<(Resource, Holder)> = plan
        .iter()
        .flat_map(|s| {
            let scope = s.suite.scope(ownership);
            s.suite
                .resources
                .iter()
                .map(move |&r| (r, scope.holder_of(r)))
        })
        .collect();
    shared.sort_unstable();
    shared.dedup();
    let own: usize = plan
        .iter()
        .flat_map(|s| &s.checks)
        .map(|c| c.check.provisions)
        .sum();
    shared.len() + own
}

fn unknown(kind: &str, name: &str, known: &[&str]) -> HarnessError {
    let fix = match suggest(name, known) {
        Some(s) => format!("did you mean `{s}`? `addon-conformance list` shows every {kind}"),
        None => format!("`addon-conformance list` shows every {kind}"),
    };
    HarnessError::usage(format!("unknown {kind} `{name}`"), fix)
}

pub use crate::text::suggest;

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(plan: &[PlannedSuite]) -> Vec<&'static str> {
        plan.iter()
            .flat_map(|s| s.checks.iter().map(|c| c.check.id))
            .collect()
    }

    #[test]
    fn partitions_hold_every_check_exactly_once() {
        let plan = Selection::default().plan().unwrap();
        let shared: Vec<&str> = plan
            .iter()
            .filter(|s| s.suite.every_partition)
            .flat_map(|s| s.checks.iter().map(|c| c.check.id))
            .collect();
        assert!(!shared.is_empty(), "timing goes to every partition");
        let all: Vec<&str> = ids(&plan)
            .into_iter()
            .filter(|id| !shared.contains(id))
            .collect();
        for count in 1..=8 {
            let mut seen: Vec<&str> = Vec::new();
            for index in 1..=count {
                let sel = Selection {
                    partition: Some(Partition { index, count }),
                    ..Selection::default()
                };
                let share = ids(&sel.plan().unwrap());
                for id in &shared {
                    assert!(share.contains(id), "{id} missing from {index}/{count}");
                }
                seen.extend(share.into_iter().filter(|id| !shared.contains(id)));
            }
            let mut expected = all.clone();
            expected.sort_unstable();
            seen.sort_unstable();
            assert_eq!(seen, expected, "{count} partitions");
        }
    }

    #[test]
    fn partitions_are_balanced_and_keep_suites_whole() {
        let sel = |index| Selection {
            partition: Some(Partition { index, count: 2 }),
            ..Selection::default()
        };
        let (a, b) = (sel(1).plan().unwrap(), sel(2).plan().unwrap());
        assert!(!a.is_empty() && !b.is_empty());
        for s in a.iter().filter(|s| !s.suite.every_partition) {
            assert!(b.iter().all(|t| t.suite.name != s.suite.name));
        }
    }

    #[test]
    fn partition_parsing() {
        assert_eq!(
            Partition::parse("2/3"),
            Ok(Partition { index: 2, count: 3 })
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(Partition::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_check_is_a_usage_error_with_a_suggestion() {
        let sel = Selection {
            checks: vec!["PROV-2".into()],
            ..Selection::default()
        };
        let e = sel.plan().unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("PROV-02"), "{e}");
    }

    #[test]
    fn requirement_id_selects_all_its_checks() {
        let sel = Selection {
            checks: vec!["AUTH-02".into()],
            ..Selection::default()
        };
        let plan = sel.plan().unwrap();
        let ids: Vec<&str> = plan
            .iter()
            .flat_map(|s| s.checks.iter().map(|c| c.check.id))
            .collect();
        assert_eq!(
            ids,
            [
                "AUTH-02.provision",
                "AUTH-02.plan-change",
                "AUTH-02.deprovision"
            ]
        );
    }
}
