//! The runner: decides which checks run, runs them in suite order, turns verdicts into results,
//! cleans up, and emits events. It never prints.

pub mod cleanup;
pub mod control;
pub mod preflight;
mod result;
pub mod schedule;
pub mod selection;
mod stream;
mod suites;
pub mod target;
#[cfg(test)]
mod tests;
mod traffic;

use std::time::Instant;

use crate::check::Blocker;
pub use crate::check::RunCtx;
use crate::check::{CheckCtx, Ownership, Stop};
pub use control::{Interrupt, RunControls};
pub use selection::{Partition, PlannedCheck, PlannedSuite, Selection, billable_estimate};

use crate::catalogue::Catalogue;

use crate::config::Settings;
use crate::error::{HarnessError, exit};
use crate::record::events::{Event, EventSink};
use crate::record::ledger::{Entry, Ledger, RunInfo};
use crate::record::outcome::{CheckResult, Outcome, RootCause, Summary};
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
    /// When each result was judged (ms on the run clock), beside `results`: with `--jobs` the
    /// judging order differs from the report order.
    pub judged_ms: Vec<u64>,
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
    if let Some(problem) = preflight::problems(
        &plan,
        &inputs.manifest,
        &settings,
        &inputs.config_source,
        None,
    )
    .into_iter()
    .next()
    {
        return Err(problem);
    }
    let ledger = match &inputs.controls.ledger_file {
        Some(path) => Arc::new(open_ledger(path, &inputs.manifest, &settings)?),
        None => Arc::default(),
    };
    let ctx = RunCtx::start_with_target(inputs.manifest, settings, ledger).await?;
    let report = execute(&ctx, &plan, &inputs.controls, sink).await;
    if report.leftovers.is_empty() {
        discard_ledger(&ctx.ledger);
    }
    ctx.stop().await;
    Ok(report)
}

/// Nothing may remain: the ledger has done its job; its file goes (and its default directory,
/// if empty).
pub fn discard_ledger(ledger: &Ledger) {
    let Some(path) = ledger.path() else {
        return;
    };
    let _ = std::fs::remove_file(&path);
    if let Some(dir) = path
        .parent()
        .filter(|d| d.file_name().is_some_and(|n| n == LEDGER_DIR))
    {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Creates the run's ledger file; a run that cannot keep one does not start.
pub fn open_ledger(
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
    // Every wait of the run (callbacks, deadlines, hooks) ends when the interrupt triggers.
    ctx.watch_interrupt(controls.interrupt.cancel());
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
    let stream = stream::Stream::new(sink, plan.len());
    let stop = suites::StopFlag::default();
    let exit_noted = std::sync::atomic::AtomicBool::new(false);
    let jobs = jobs(ctx, controls);
    let per_suite = run_suites(
        &suites::SuiteRun {
            ctx,
            catalogue,
            controls,
            stream: &stream,
            stop: &stop,
            exit_noted: &exit_noted,
            ownership: Ownership::of_jobs(jobs),
        },
        plan,
        jobs,
    )
    .await;
    let (results, judged_ms): (Vec<CheckResult>, Vec<u64>) =
        per_suite.into_iter().flatten().unzip();
    let mut summary = Summary::default();
    for r in &results {
        summary.add(r.outcome);
    }
    let stopped = stop.get();
    if let Some(reason) = &stopped {
        stream.emit_run(&Event::Stopped {
            reason: reason.clone(),
        });
    }
    let sink = stream.into_sink();
    let mark = traffic::Mark::now(ctx);
    let budget = if controls.interrupt.is_triggered() {
        cleanup::INTERRUPTED_BUDGET
    } else {
        cleanup::RUN_BUDGET
    };
    let leftovers = cleanup::after_run(ctx, budget, &controls.interrupt).await;
    if let Some(traffic) = mark.cleanup_traffic(ctx) {
        sink.emit(&traffic);
    }
    let billable_provisions = ctx.ledger.billable_count();
    if let Some(note) = target::exit_note(ctx, &exit_noted) {
        sink.emit(&Event::Note { text: note });
    }
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
    let exit_code = target::exit_code(ctx, exit_code(&summary, &leftovers, controls, interrupted));
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
        judged_ms,
    }
}

/// How many suites run at once: `--jobs`, else `[run] jobs`, else the measured default.
/// `--fail-fast` runs serially: the first failure is then the same in every run.
fn jobs(ctx: &RunCtx, controls: &RunControls) -> usize {
    schedule::jobs(controls.jobs, ctx.settings.run.jobs, controls.fail_fast)
}

/// Runs the suites, up to `jobs` at once, each as soon as the earlier suites it conflicts with
/// have finished (`schedule`). All run in this task: no suite outlives the run. Returns the
/// results suite by suite, in plan order.
async fn run_suites(
    run: &suites::SuiteRun<'_, '_>,
    plan: &[PlannedSuite],
    jobs: usize,
) -> Vec<Vec<(CheckResult, u64)>> {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;
    type Running<'f> = Pin<Box<dyn Future<Output = Vec<(CheckResult, u64)>> + Send + 'f>>;
    let deps = schedule::dependencies(
        plan,
        run.ctx.settings.plans.async_plan.is_none(),
        run.ownership,
    );
    let mut done = vec![false; plan.len()];
    let mut started = vec![false; plan.len()];
    let mut results: Vec<Vec<(CheckResult, u64)>> = vec![Vec::new(); plan.len()];
    let mut running: Vec<(usize, Running<'_>)> = Vec::new();
    loop {
        if !run.stop.stopping(run.controls) {
            for i in 0..plan.len() {
                if running.len() >= jobs {
                    break;
                }
                if !started[i] && deps[i].iter().all(|&d| done[d]) {
                    started[i] = true;
                    running.push((i, Box::pin(run.run(i, &plan[i]))));
                }
            }
        }
        if running.is_empty() {
            break;
        }
        let (slot, out) = std::future::poll_fn(|cx| {
            for (slot, (_, fut)) in running.iter_mut().enumerate() {
                if let Poll::Ready(out) = fut.as_mut().poll(cx) {
                    return Poll::Ready((slot, out));
                }
            }
            Poll::Pending
        })
        .await;
        let (i, _) = running.swap_remove(slot);
        done[i] = true;
        results[i] = out;
        run.stream.finish(i);
    }
    // Suites that never started (the run stopped) let the buffered events of later ones out.
    for (i, _) in started.iter().enumerate().filter(|(_, s)| !**s) {
        run.stream.finish(i);
    }
    results
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
    if let Some(t) = &ctx.target {
        notes.extend(t.notes().iter().cloned());
    }
    notes
}

pub(super) fn suite_skip_reason(ctx: &RunCtx, suite: &PlannedSuite) -> Option<String> {
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

pub(super) fn blocked_reason(ctx: &RunCtx, suite: &PlannedSuite) -> Option<Blocker> {
    if let Some(why) = target::exited_reason(ctx) {
        return Some(target::exit_blocker(why.clone(), why));
    }
    suite
        .suite
        .blocked_by
        .iter()
        .find_map(|id| match ctx.outcome_of(id) {
            Some(o @ (Outcome::Fail | Outcome::Blocked | Outcome::Error)) => {
                let why = format!(
                    "prerequisite {id} did not pass ({})",
                    o.label().to_lowercase()
                );
                Some(Blocker {
                    cause: Some(RootCause::new(id.clone(), why.clone())),
                    why,
                })
            }
            _ => None,
        })
}

pub(super) async fn run_one(
    ctx: &RunCtx,
    catalogue: Option<&Catalogue>,
    suite: &PlannedSuite,
    planned: &PlannedCheck,
    interrupt: &Interrupt,
    scope: crate::check::Scope,
) -> CheckResult {
    let first_seq = ctx.journal.next_seq();
    let started = Instant::now();
    let from = ctx.journal.clock().started().elapsed();
    let cx = CheckCtx::in_scope(ctx, scope);
    // The check's exchanges are told apart from those of checks running beside it.
    let id = planned.check.id;
    let check = target::guard(
        ctx,
        first_seq,
        crate::record::journal::as_check(id, (planned.check.run)(&cx)),
    );
    let verdict = tokio::select! {
        v = check => v,
        // A wait ends at once on the interrupt (as interrupted); anything else the check does
        // gets a moment's grace, so a request in flight to a responsive partner gets its answer
        // and the ledger knows what exists. Then it is cut short; cleanup follows.
        () = async {
            interrupt.triggered().await;
            tokio::time::sleep(INTERRUPT_GRACE).await;
        } => Err(Stop::Blocked(Blocker::from(INTERRUPTED.to_owned()))),
    };
    // What the partner's answers (or silence) say beyond this check: reviewed in this check's
    // exchanges only.
    let made = ctx.journal.since_for(first_seq, id);
    let verdict = ctx.contact.review_in(&ctx.journal, id, &made, verdict);
    let path_id = ctx.settings.provision.path_id;
    let verdict = ctx
        .own_ids
        .review(id, &made, &ctx.partner, path_id, verdict);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut result = result::finish(ctx, catalogue, suite, planned, verdict, first_seq, ms);
    result.partner_log = target::log_since(ctx, from);
    result
}
