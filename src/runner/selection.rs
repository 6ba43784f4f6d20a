//! Which suites and checks a run executes (`--suite`, `--check`, `--skip`).

use crate::checks::{self, Check};
use crate::error::HarnessError;
use crate::suite::{self, Suite};

#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub suites: Vec<String>,
    /// Check IDs or requirement IDs (`AUTH-02` selects every `AUTH-02.*` check).
    pub checks: Vec<String>,
    pub skip: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PlannedSuite {
    pub suite: &'static Suite,
    pub checks: Vec<PlannedCheck>,
}

#[derive(Debug, Clone)]
pub struct PlannedCheck {
    pub check: &'static Check,
    pub params: toml::Table,
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
            for sc in &suite.checks {
                let check = checks::find(&sc.id).ok_or_else(|| {
                    HarnessError::Internal(format!(
                        "suite {} names check {} that is not registered",
                        suite.name, sc.id
                    ))
                })?;
                let wanted =
                    self.checks.is_empty() || self.checks.iter().any(|p| matches(p, check));
                let skipped = self.skip.iter().any(|p| matches(p, check));
                if wanted && !skipped {
                    planned.push(PlannedCheck {
                        check,
                        params: sc.params.clone(),
                    });
                }
            }
            if !planned.is_empty() {
                plan.push(PlannedSuite {
                    suite,
                    checks: planned,
                });
            }
        }
        Ok(plan)
    }
}

fn unknown(kind: &str, name: &str, known: &[&str]) -> HarnessError {
    let fix = match suggest(name, known) {
        Some(s) => format!("did you mean `{s}`? `addon-conformance list` shows every {kind}"),
        None => format!("`addon-conformance list` shows every {kind}"),
    };
    HarnessError::usage(format!("unknown {kind} `{name}`"), fix)
}

/// The closest known name within a small edit distance.
pub fn suggest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let name = name.to_ascii_uppercase();
    known
        .iter()
        .map(|k| (edit_distance(&name, &k.to_ascii_uppercase()), *k))
        .filter(|(d, _)| *d <= 2.max(name.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("PROV-2", &["PROV-02", "MAN-01"]), Some("PROV-02"));
        assert_eq!(
            suggest("provison", &["provision", "auth"]),
            Some("provision")
        );
        assert_eq!(suggest("zzzzzz", &["auth"]), None);
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
