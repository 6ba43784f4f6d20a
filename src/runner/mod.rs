//! The runner: decides which checks run, runs them in suite order, turns verdicts into results,
//! cleans up, and emits events. It never prints.

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
use crate::check::CheckCtx;
pub use crate::check::RunCtx;
pub use control::{Interrupt, RunControls};
pub use selection::{Partition, PlannedCheck, PlannedSuite, Selection, billable_estimate};

use crate::catalogue::Catalogue;

use crate::config::Settings;
use crate::error::{HarnessError, exit};
use crate::partner::Credentials;
use crate::record::events::{Event, EventSink};
use crate::record::ledger::Entry;
use crate::record::outcome::{CheckResult, Outcome, RootCause, Summary};

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
    let ctx = RunCtx::start_with_target(inputs.manifest, settings).await?;
    let report = execute(&ctx, &plan, &inputs.controls, sink).await;
    ctx.stop().await;
    Ok(report)
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
    let per_suite = run_suites(
        &suites::SuiteRun {
            ctx,
            catalogue,
            controls,
            stream: &stream,
            stop: &stop,
            exit_noted: &exit_noted,
        },
        plan,
        jobs(ctx, controls),
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
    let leftovers = cleanup(ctx).await;
    if let Some(traffic) = mark.cleanup_traffic(ctx) {
        sink.emit(&traffic);
    }
    let billable_provisions = ctx.ledger.billable_count();
    if let Some(note) = target::exit_note(ctx, &exit_noted) {
        sink.emit(&Event::Note { text: note });
    }
    sink.emit(&Event::Cleanup {
        billable_provisions,
        leftovers: leftovers.clone(),
    });
    let exit_code = target::exit_code(
        ctx,
        exit_code(&summary, &leftovers, controls, stopped.is_some()),
    );
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
    if controls.fail_fast {
        return 1;
    }
    controls
        .jobs
        .or(ctx.settings.run.jobs)
        .unwrap_or(schedule::DEFAULT_JOBS)
        .max(1)
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
    let deps = schedule::dependencies(plan, run.ctx.settings.plans.async_plan.is_none());
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
) -> CheckResult {
    let first_seq = ctx.journal.next_seq();
    let started = Instant::now();
    let from = ctx.journal.clock().started().elapsed();
    let cx = CheckCtx::new(ctx);
    // The check's exchanges are told apart from those of checks running beside it.
    let id = planned.check.id;
    let verdict = target::guard(
        ctx,
        first_seq,
        crate::record::journal::as_check(id, (planned.check.run)(&cx)),
    )
    .await;
    // What the partner's answers (or silence) say beyond this check: reviewed in this check's
    // exchanges only.
    let made = ctx.journal.since_for(first_seq, id);
    let verdict = ctx.contact.review(id, &made, verdict);
    let path_id = ctx.settings.provision.path_id;
    let verdict = ctx
        .own_ids
        .review(id, &made, &ctx.partner, path_id, verdict);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut result = result::finish(ctx, catalogue, suite, planned, verdict, first_seq, ms);
    result.partner_log = target::log_since(ctx, from);
    result
}

/// Attempts per resource at cleanup: Heroku retries failed deliveries too.
const CLEANUP_ATTEMPTS: usize = 3;

/// Deprovisions everything the ledger says may still exist, retrying 5xx answers and transport
/// failures. Returns what could not be removed.
async fn cleanup(ctx: &RunCtx) -> Vec<Entry> {
    for entry in ctx.ledger.outstanding() {
        for attempt in 1..=CLEANUP_ATTEMPTS {
            let label = format!("cleanup (attempt {attempt})");
            let reply = ctx
                .deprovision(&entry.uuid, Credentials::Manifest, &label)
                .await;
            if !matches!(reply.status, None | Some(500..)) {
                break;
            }
        }
    }
    ctx.ledger.outstanding()
}
