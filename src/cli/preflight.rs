//! `--dry-run` as a preflight: everything a real run would reject (listed together, exit 2), the
//! checks that will skip and why, and the billable bound; as text or JSON. Also the report-path
//! check a real run makes before its first request.

use std::path::Path;

use serde_json::json;

use super::args::{DryRunFormat, OutputArgs};
use crate::error::HarnessError;
use crate::runner::preflight::ExpectedSkip;
use crate::runner::{PlannedSuite, billable_estimate};

/// Every `--report-*` path that cannot be written (`-` is standard output and always can).
pub fn report_paths(output: &OutputArgs) -> Vec<HarnessError> {
    let dashes: Vec<&str> = output
        .report_paths()
        .into_iter()
        .filter(|(_, p)| *p == Path::new("-"))
        .map(|(flag, _)| flag)
        .collect();
    let mut out = Vec::new();
    if dashes.len() > 1 {
        out.push(HarnessError::usage(
            format!("{} all write to standard output (`-`)", dashes.join(", ")),
            "send at most one report to `-`; give the others a file",
        ));
    }
    out.extend(
        output
            .report_paths()
            .into_iter()
            .filter_map(|(flag, path)| {
                writable(path).err().map(|problem| {
                    HarnessError::usage(
                        format!("{flag} {}: {problem}", path.display()),
                        "pass a path in a writable directory, or `-` for standard output",
                    )
                })
            }),
    );
    out
}

/// Whether a report can be written at `path`: not a directory, and its directory takes a new file
/// (probed with a file that is removed again, as an atomic write needs one beside the target).
fn writable(path: &Path) -> Result<(), String> {
    if path == Path::new("-") {
        return Ok(());
    }
    if path.is_dir() {
        return Err("is a directory".into());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(format!("directory {} does not exist", dir.display()));
    }
    let probe = dir.join(format!(".addon-conformance-probe-{}", uuid::Uuid::new_v4()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!("directory {} is not writable ({e})", dir.display())),
    }
}

/// What a dry run found.
pub struct DryRun<'a> {
    pub plan: &'a [PlannedSuite],
    /// Whether the changing suites get copies of their own (suites side by side).
    pub ownership: crate::check::Ownership,
    pub skips: Vec<ExpectedSkip>,
    pub problems: Vec<HarnessError>,
}

impl DryRun<'_> {
    pub fn render(&self, format: DryRunFormat) -> String {
        match format {
            DryRunFormat::Human => self.human(),
            DryRunFormat::Json => self.json(),
        }
    }

    fn skip(&self, id: &str) -> Option<&ExpectedSkip> {
        self.skips.iter().find(|s| s.check == id)
    }

    fn human(&self) -> String {
        let checks: usize = self.plan.iter().map(|s| s.checks.len()).sum();
        let skips = self.skips.iter().filter(|s| s.certain).count();
        let mut out = format!(
            "dry run: {} suites, {checks} checks ({skips} will skip); nothing is sent\n",
            self.plan.len()
        );
        for suite in self.plan {
            out.push_str(&format!("\n{} ({})\n", suite.suite.title, suite.suite.name));
            // One reason for the whole suite is said once, under its title.
            let first = suite.checks.first().and_then(|c| self.skip(c.check.id));
            let whole = first.filter(|f| {
                suite.checks.iter().all(|c| {
                    self.skip(c.check.id)
                        .is_some_and(|s| s.reason == f.reason && s.certain == f.certain)
                })
            });
            if let Some(s) = whole {
                let word = if s.certain {
                    "every check will skip"
                } else {
                    "every check may skip"
                };
                out.push_str(&format!("  ({word}: {})\n", s.reason));
            }
            for c in &suite.checks {
                let mark = match self.skip(c.check.id).filter(|_| whole.is_none()) {
                    Some(s) if s.certain => format!("\n      SKIP: {}", s.reason),
                    Some(s) => format!("\n      may skip: {}", s.reason),
                    None => String::new(),
                };
                out.push_str(&format!(
                    "  {:<20} [{}] {}{mark}\n",
                    c.check.id, c.check.level, c.check.title
                ));
            }
        }
        out.push_str(&format!(
            "\nbillable provisions: at most {}\n",
            billable_estimate(self.plan, self.ownership)
        ));
        if self.problems.is_empty() {
            out.push_str("preflight: ok, a run would start\n");
        } else {
            out.push_str(&format!(
                "\npreflight: {} problem(s); a run would stop before sending anything (exit 2):\n",
                self.problems.len()
            ));
            for p in &self.problems {
                out.push_str(&format!("error: {p}\n"));
            }
        }
        out
    }

    fn json(&self) -> String {
        let suites: Vec<_> = self
            .plan
            .iter()
            .map(|s| {
                let checks: Vec<_> = s
                    .checks
                    .iter()
                    .map(|c| {
                        json!({
                            "id": c.check.id,
                            "level": c.check.level,
                            "title": c.check.title,
                            "skip": self.skip(c.check.id),
                        })
                    })
                    .collect();
                json!({"name": s.suite.name, "title": s.suite.title, "checks": checks})
            })
            .collect();
        let problems: Vec<_> = self
            .problems
            .iter()
            .map(|p| json!({"error": p.to_string(), "exit_code": p.exit_code()}))
            .collect();
        let value = json!({
            "ok": self.problems.is_empty(),
            "suites": suites,
            "billable_provisions_at_most": billable_estimate(self.plan, self.ownership),
            "problems": problems,
        });
        format!(
            "{}\n",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )
    }

    /// 2 when a real run would refuse to start, else 0.
    pub fn exit_code(&self) -> u8 {
        self.problems
            .iter()
            .map(HarnessError::exit_code)
            .max()
            .unwrap_or(crate::error::exit::PASS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_shared_by_a_whole_suite_is_said_once() {
        let plan = crate::runner::Selection {
            suites: vec!["rotation".into()],
            ..Default::default()
        }
        .plan()
        .unwrap();
        let skips = plan[0]
            .checks
            .iter()
            .map(|c| ExpectedSkip {
                check: c.check.id.to_owned(),
                certain: true,
                reason: "no rotation hook".into(),
            })
            .collect();
        let text = DryRun {
            plan: &plan,
            ownership: crate::check::Ownership::Shared,
            skips,
            problems: Vec::new(),
        }
        .render(DryRunFormat::Human);
        assert_eq!(text.matches("no rotation hook").count(), 1, "{text}");
        assert!(
            text.contains("(every check will skip: no rotation hook)"),
            "{text}"
        );
    }

    #[test]
    fn unwritable_report_paths_are_named_and_dash_is_stdout() {
        let dir = std::env::temp_dir().join(format!("ac-paths-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(writable(Path::new("-")).is_ok());
        assert!(writable(&dir.join("r.json")).is_ok());
        assert!(writable(&dir).unwrap_err().contains("is a directory"));
        let missing = dir.join("nope/r.json");
        assert!(writable(&missing).unwrap_err().contains("does not exist"));
        // A read-only directory (root can write anywhere; then the probe succeeds and that's fine).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let ro = dir.join("ro");
            std::fs::create_dir_all(&ro).unwrap();
            std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
            let probe = ro.join("x");
            let root = std::fs::write(&probe, "").is_ok();
            if !root {
                assert!(
                    writable(&ro.join("r.json"))
                        .unwrap_err()
                        .contains("not writable")
                );
            }
        }
    }
}
