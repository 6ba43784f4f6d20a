//! `--dry-run` output and `--rerun-failed` input.

use std::path::Path;

use serde_json::Value;

use crate::check::Ownership;
use crate::error::HarnessError;
use crate::runner::{PlannedSuite, billable_estimate};

/// What a run would do: suites, checks, and at most how many billable provisions it would make
/// (`ownership`: whether the changing suites get copies of their own, as with `--jobs` above 1).
pub fn dry_run(plan: &[PlannedSuite], ownership: Ownership) -> String {
    let checks: usize = plan.iter().map(|s| s.checks.len()).sum();
    let mut out = format!(
        "dry run: {} suites, {checks} checks; nothing is sent\n",
        plan.len()
    );
    for suite in plan {
        out.push_str(&format!("\n{} ({})\n", suite.suite.title, suite.suite.name));
        for c in &suite.checks {
            out.push_str(&format!(
                "  {:<20} [{}] {}\n",
                c.check.id, c.check.level, c.check.title
            ));
        }
    }
    out.push_str(&format!(
        "\nbillable provisions: at most {}\n",
        billable_estimate(plan, ownership)
    ));
    out
}

/// IDs of the checks a previous JSON report says failed, warned, errored or were blocked.
pub fn failed_in(path: &Path) -> Result<Vec<String>, HarnessError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        HarnessError::input(
            &file,
            "(file)",
            format!("cannot be read: {e}"),
            "pass the path of a report written by --report-json",
        )
    })?;
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        HarnessError::input(
            &file,
            "(document)",
            format!("not JSON: {e}"),
            "pass a report written by --report-json",
        )
    })?;
    let checks = json
        .get("checks")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            HarnessError::input(
                &file,
                "checks",
                "missing or not an array",
                "pass a report written by --report-json",
            )
        })?;
    let mut ids = Vec::new();
    for c in checks {
        let outcome = c.get("outcome").and_then(Value::as_str).unwrap_or_default();
        if matches!(outcome, "fail" | "warn" | "error" | "blocked")
            && let Some(id) = c.get("id").and_then(Value::as_str)
        {
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Selection;

    #[test]
    fn dry_run_lists_checks_and_the_billable_bound() {
        let plan = Selection::default().plan().unwrap();
        let text = dry_run(&plan, Ownership::Shared);
        assert!(
            text.contains("PROV-14") && text.contains("nothing is sent"),
            "{text}"
        );
        // One per shared resource the suites use, plus what the checks provision themselves.
        let suites = crate::suite::all().unwrap();
        let mut shared: Vec<_> = suites
            .iter()
            .flat_map(|s| s.resources.iter().copied())
            .collect();
        shared.sort_unstable();
        shared.dedup();
        let own: usize = crate::checks::REGISTRY.iter().map(|c| c.provisions).sum();
        let bound = format!("billable provisions: at most {}", shared.len() + own);
        assert!(text.contains(&bound), "{text}");
        // Side by side, each suite owning a resource it uses adds its own copy.
        let copies: usize = suites
            .iter()
            .map(|s| s.owns.iter().filter(|r| s.resources.contains(r)).count())
            .sum();
        assert!(copies > 0);
        let text = dry_run(&plan, Ownership::PerSuite);
        let bound = format!(
            "billable provisions: at most {}",
            shared.len() + own + copies
        );
        assert!(text.contains(&bound), "{text}");
    }

    #[test]
    fn rerun_reads_failed_ids_and_rejects_non_reports() {
        let dir = std::env::temp_dir().join(format!("ac-rerun-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("prev.json");
        std::fs::write(
            &good,
            r#"{"checks":[{"id":"A","outcome":"pass"},{"id":"B","outcome":"fail"},{"id":"C","outcome":"blocked"}]}"#,
        )
        .unwrap();
        assert_eq!(failed_in(&good).unwrap(), ["B", "C"]);
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{}").unwrap();
        let e = failed_in(&bad).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("checks"), "{e}");
    }
}
