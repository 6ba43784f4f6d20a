//! The runner: decides which checks run, runs them in suite order, turns verdicts into results,
//! cleans up, and emits events. It never prints.

pub mod cleanup;
pub mod control;
mod result;
pub mod selection;
#[cfg(test)]
mod tests;
mod traffic;

use std::time::Instant;

pub use crate::check::RunCtx;
use crate::check::{CheckCtx, Stop};
pub use control::{Interrupt, RunControls};
pub use selection::{Partition, PlannedCheck, PlannedSuite, Selection, billable_estimate};

use crate::catalogue::Catalogue;

use crate::config::Settings;
use crate::error::{HarnessError, exit};
use crate::record::events::{Event, EventSink};
use crate::record::ledger::{Entry, Ledger, RunInfo};
use crate::record::outcome::{CheckResult, Outcome, Summary};
use std::sync::Arc;

/// The directory `run` keeps its ledgers in unless given `--ledger FILE`.
pub const LEDGER_DIR: &str = ".addon-conformance";

/// How long a check may still run after an interrupt before it is cut short.
const INTERRUPT_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// What a check cut short by an interrupt reports.
const INTERRUPTED: &str = "interrupted: the run was stopped while this check was running";

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub results: Vec<CheckResult>,
    pub summary: Summary,
    pub billable_provisions: usize,
    pub leftovers: Vec<Entry>,
    /// Why the run stopped before its last check (interrupt, `--fail-fast`).
    pub stopped: Option<String>,
    pub exit_code: u8,
}

impl RunReport {
    /// IDs of checks with the given outcome, sorted.
    pub fn ids(&self, outcome: Outcome) -> Vec<String> {
        let mut ids: Vec<String> = self
            .results
            .iter()
            .filter(|r| r.outcome == outcome)
            .map(|r| r.id.clone())
            .collect();
        ids.sort();
        ids
    }
}

/// What a run needs, before it is checked and started.
pub struct RunInputs {
    pub manifest: crate::manifest::Manifest,
    pub config: crate::config::Config,
    /// Where the config came from, for messages ("(none)" without a file).
    pub config_source: String,
    pub overrides: crate::config::Overrides,
    pub selection: Selection,
    pub controls: RunControls,
}

/// Validates the inputs against the selected suites and runs them.
pub async fn run(inputs: RunInputs, sink: &mut dyn EventSink) -> Result<RunReport, HarnessError> {
    let plan = inputs.selection.plan()?;
    if plan.is_empty() {
        return Err(HarnessError::usage(
            "the selection matches no check",
            "check --suite, --check and --skip; `addon-conformance list` shows what exists",
        ));
    }
    let settings = Settings::resolve(
        &inputs.manifest,
        inputs.config,
        &inputs.overrides,
        &inputs.config_source,
    )?;
    if plan.iter().any(|s| s.suite.network) && settings.base_url.is_none() {
        return Err(HarnessError::input(
            &inputs.manifest.source,
            "api.production.base_url",
            "missing, and no override given",
            "set it in the manifest, or pass --base-url (or [partner] base_url in the config) for a local run",
        ));
    }
    if plan.iter().any(|s| !s.suite.resources.is_empty()) && settings.default_plan().is_none() {
        return Err(HarnessError::input(
            &inputs.config_source,
            "plans.default",
            "missing: the harness does not guess plan names",
            "set [plans] default = \"<your cheapest plan>\" in the config, or pass --plan",
        ));
    }
    let ledger = match &inputs.controls.ledger_file {
        Some(path) => Arc::new(open_ledger(path, &inputs.manifest, &settings)?),
        None => Arc::default(),
    };
    let ctx = RunCtx::start_with(inputs.manifest, settings, ledger).await?;
    let report = execute(&ctx, &plan, &inputs.controls, sink).await;
    if let (true, Some(path)) = (report.leftovers.is_empty(), ctx.ledger.path()) {
        // Nothing may remain: the ledger has done its job (and its default directory, if empty).
        let _ = std::fs::remove_file(&path);
        if let Some(dir) = path
            .parent()
            .filter(|d| d.file_name().is_some_and(|n| n == LEDGER_DIR))
        {
            let _ = std::fs::remove_dir(dir);
        }
    }
    ctx.stop().await;
    Ok(report)
}

/// Creates the run's ledger file; a run that cannot keep one does not start.
fn open_ledger(
    path: &std::path::Path,
    manifest: &crate::manifest::Manifest,
    settings: &Settings,
) -> Result<Ledger, HarnessError> {
    let run = RunInfo {
        run: path
            .file_stem()
            .map(|s| s.to_string_lossy().trim_start_matches("ledger-").to_owned())
            .unwrap_or_default(),
        addon: manifest.id.clone().unwrap_or_default(),
        base_url: settings
            .base_url
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        started_unix_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
    };
    Ledger::on_disk(path, &run).map_err(|source| HarnessError::Io {
        action: "create the ledger",
        path: path.to_path_buf(),
        source,
    })
}

/// Runs the planned suites against the partner.
pub async fn execute(
    ctx: &RunCtx,
    plan: &[PlannedSuite],
    controls: &RunControls,
    sink: &mut dyn EventSink,
) -> RunReport {
    let catalogue = Catalogue::get().ok();
    let checks: usize = plan.iter().map(|s| s.checks.len()).sum();
    sink.emit(&Event::RunStarted {
        started_unix_ms: ctx.journal.clock().started_unix_ms(),
        addon: ctx.manifest.id.clone().unwrap_or_default(),
        target: ctx
            .settings
            .base_url
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        platform: Some(ctx.platform.origin().to_owned()),
        suites: plan.len(),
        checks,
    });
    for note in run_notes(ctx) {
        sink.emit(&Event::Note { text: note });
    }
    let mut results = Vec::new();
    let mut summary = Summary::default();
    let mut stopped = None;
    'suites: for suite in plan {
        if controls.interrupt.is_triggered() {
            stopped = Some("interrupted".to_owned());
            break;
        }
        sink.emit(&Event::SuiteStarted {
            name: suite.suite.name.clone(),
            title: suite.suite.title.clone(),
        });
        let skip = suite_skip_reason(ctx, suite);
        for planned in &suite.checks {
            if controls.interrupt.is_triggered() {
                stopped = Some("interrupted".to_owned());
                break 'suites;
            }
            sink.emit(&Event::CheckStarted {
                id: planned.check.id.to_owned(),
                suite: suite.suite.name.clone(),
                title: planned.check.title.to_owned(),
            });
            // A trigger from the sink (a test) or a signal during the event stops before the check.
            if controls.interrupt.is_triggered() {
                stopped = Some("interrupted".to_owned());
                break 'suites;
            }
            let mark = traffic::Mark::now(ctx);
            let result = match (&skip, blocked_reason(ctx, suite)) {
                (Some(why), _) => result::finish(
                    ctx,
                    catalogue,
                    suite,
                    planned,
                    Err(Stop::Skip(why.clone())),
                    0,
                    0.0,
                ),
                (None, Some(why)) => result::finish(
                    ctx,
                    catalogue,
                    suite,
                    planned,
                    Err(Stop::Blocked(why)),
                    0,
                    0.0,
                ),
                (None, None) => {
                    let check = run_one(ctx, catalogue, suite, planned);
                    let started = Instant::now();
                    let first_seq = ctx.journal.peek_next();
                    tokio::select! {
                        r = traffic::waiting(check, planned.check.id, sink) => r,
                        // The first signal cuts the check short after a moment's grace (a
                        // request in flight to a responsive partner gets its answer, so the
                        // ledger knows what exists); whatever it had sent is in the ledger, and
                        // cleanup follows.
                        () = async {
                            controls.interrupt.triggered().await;
                            tokio::time::sleep(INTERRUPT_GRACE).await;
                        } => result::finish(
                            ctx,
                            catalogue,
                            suite,
                            planned,
                            Err(Stop::Skip(INTERRUPTED.to_owned())),
                            first_seq,
                            started.elapsed().as_secs_f64() * 1000.0,
                        ),
                    }
                }
            };
            ctx.record_outcome(&result.id, result.outcome);
            summary.add(result.outcome);
            sink.emit(&Event::CheckFinished {
                result: Box::new(result.clone()),
            });
            let failed = result.outcome == Outcome::Fail
                || (controls.strict && result.outcome == Outcome::Warn);
            let id = result.id.clone();
            if let Some(traffic) = mark.traffic(ctx, Some(id.clone())) {
                sink.emit(&traffic);
            }
            results.push(result);
            if controls.interrupt.is_triggered() {
                stopped = Some("interrupted".to_owned());
                break 'suites;
            }
            if controls.fail_fast && failed {
                stopped = Some(format!("--fail-fast: stopped after {id}"));
                break 'suites;
            }
        }
    }
    if let Some(reason) = &stopped {
        sink.emit(&Event::Stopped {
            reason: reason.clone(),
        });
    }
    let mark = traffic::Mark::now(ctx);
    let budget = if controls.interrupt.is_triggered() {
        cleanup::INTERRUPTED_BUDGET
    } else {
        cleanup::RUN_BUDGET
    };
    let leftovers =
        cleanup::run_until(&ctx.partner, &ctx.ledger, budget, Some(&controls.interrupt)).await;
    if let Some(traffic) = mark.traffic(ctx, None) {
        sink.emit(&traffic);
    }
    let billable_provisions = ctx.ledger.billable_count();
    if let (false, Some(path)) = (leftovers.is_empty(), ctx.ledger.path()) {
        sink.emit(&Event::Note {
            text: format!(
                "the ledger {} lists what may remain: `addon-conformance cleanup --ledger {}` retries",
                path.display(),
                path.display()
            ),
        });
    }
    sink.emit(&Event::Cleanup {
        billable_provisions,
        leftovers: leftovers.clone(),
    });
    // An interrupt during the cleanup ends the run as interrupted too.
    let interrupted = stopped.is_some() || controls.interrupt.is_triggered();
    let exit_code = exit_code(&summary, &leftovers, controls, interrupted);
    sink.emit(&Event::RunFinished {
        summary: summary.clone(),
        exit_code,
    });
    RunReport {
        results,
        summary,
        billable_provisions,
        leftovers,
        stopped,
        exit_code,
    }
}

fn exit_code(summary: &Summary, leftovers: &[Entry], controls: &RunControls, stopped: bool) -> u8 {
    if stopped && controls.interrupt.is_triggered() {
        exit::INTERRUPTED
    } else if summary.failed > 0 || (controls.strict && summary.warned > 0) {
        exit::PARTNER_FAILED
    } else if summary.errors > 0 {
        exit::HARNESS
    } else if summary.executed() == 0 {
        exit::INPUT
    } else if !leftovers.is_empty() {
        exit::PARTNER_FAILED
    } else {
        exit::PASS
    }
}

fn run_notes(ctx: &RunCtx) -> Vec<String> {
    let s = &ctx.settings;
    let mut notes = Vec::new();
    if s.network.insecure {
        notes.push(crate::network::INSECURE_WARNING.to_owned());
    }
    {
        let p = &ctx.platform;
        notes.push(format!(
            "platform (fake Heroku Identity and API) at {}: callback_url is {}/addons/{{uuid}}{}",
            p.origin(),
            p.origin(),
            if p.has_client_secret() {
                ""
            } else {
                "; no OAuth client secret configured"
            }
        ));
    }
    if s.base_url_overridden {
        notes.push(format!(
            "provisioning requests go to the override {} instead of the manifest's production base_url",
            s.base_url.as_deref().unwrap_or_default()
        ));
    }
    if s.sso_url_overridden {
        notes.push(format!(
            "SSO requests go to the override {} instead of the manifest's production sso_url",
            s.sso_url.as_deref().unwrap_or_default()
        ));
    }
    notes
}

fn suite_skip_reason(ctx: &RunCtx, suite: &PlannedSuite) -> Option<String> {
    let missing: Vec<&str> = suite
        .suite
        .requires
        .iter()
        .filter(|f| !ctx.manifest.requires(f))
        .map(String::as_str)
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "the manifest does not declare {} in api.requires",
            missing.join(", ")
        )
    })
}

fn blocked_reason(ctx: &RunCtx, suite: &PlannedSuite) -> Option<String> {
    suite
        .suite
        .blocked_by
        .iter()
        .find_map(|id| match ctx.outcome_of(id) {
            Some(o @ (Outcome::Fail | Outcome::Blocked | Outcome::Error)) => Some(format!(
                "prerequisite {id} did not pass ({})",
                o.label().to_lowercase()
            )),
            _ => None,
        })
}

async fn run_one(
    ctx: &RunCtx,
    catalogue: Option<&Catalogue>,
    suite: &PlannedSuite,
    planned: &PlannedCheck,
) -> CheckResult {
    let first_seq = ctx.journal.next_seq();
    let started = Instant::now();
    let cx = CheckCtx::new(ctx);
    let verdict = (planned.check.run)(&cx).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    result::finish(ctx, catalogue, suite, planned, verdict, first_seq, ms)
}
