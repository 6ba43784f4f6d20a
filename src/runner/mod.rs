//! The runner: decides which checks run, runs them in suite order, turns verdicts into results,
//! cleans up, and emits events. It never prints.

pub mod control;
mod result;
pub mod selection;
#[cfg(test)]
mod tests;
mod traffic;

use std::time::Instant;

pub use crate::check::RunCtx;
use crate::check::{Blocker, CheckCtx, Stop};
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
    let ctx = RunCtx::start(inputs.manifest, settings).await?;
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
                // Nothing answers: the checks that talk to the partner are not run.
                (None, None) if suite.suite.network && ctx.contact.unreachable().is_some() => {
                    let cause = ctx.contact.unreachable();
                    let why = format!(
                        "not run: {}",
                        cause.as_ref().map(|c| c.text.as_str()).unwrap_or_default()
                    );
                    result::finish(
                        ctx,
                        catalogue,
                        suite,
                        planned,
                        Err(Stop::Blocked(Blocker { why, cause })),
                        0,
                        0.0,
                    )
                }
                (Some(why), _) => result::finish(
                    ctx,
                    catalogue,
                    suite,
                    planned,
                    Err(Stop::Skip(why.clone())),
                    0,
                    0.0,
                ),
                (None, Some(blocker)) => result::finish(
                    ctx,
                    catalogue,
                    suite,
                    planned,
                    Err(Stop::Blocked(blocker)),
                    0,
                    0.0,
                ),
                (None, None) => {
                    let check = run_one(ctx, catalogue, suite, planned);
                    traffic::waiting(check, planned.check.id, sink).await
                }
            };
            ctx.record_outcome(&result.id, result.outcome);
            summary.add(result.outcome);
            sink.emit(&Event::CheckFinished {
                result: Box::new(result.clone()),
            });
            // What the check found out about the partner, said once, after the check's line.
            let notes = ctx.contact.take_notes().into_iter();
            for text in notes.chain(ctx.own_ids.take_notes()) {
                sink.emit(&Event::Note { text });
            }
            let failed = result.outcome == Outcome::Fail
                || (controls.strict && result.outcome == Outcome::Warn);
            let id = result.id.clone();
            if let Some(traffic) = mark.traffic(ctx, Some(id.clone())) {
                sink.emit(&traffic);
            }
            results.push(result);
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
    let leftovers = cleanup(ctx).await;
    if let Some(traffic) = mark.traffic(ctx, None) {
        sink.emit(&traffic);
    }
    let billable_provisions = ctx.ledger.billable_count();
    sink.emit(&Event::Cleanup {
        billable_provisions,
        leftovers: leftovers.clone(),
    });
    let exit_code = exit_code(&summary, &leftovers, controls, stopped.is_some());
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

fn blocked_reason(ctx: &RunCtx, suite: &PlannedSuite) -> Option<Blocker> {
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
    let made = ctx.journal.since(first_seq);
    let id = planned.check.id;
    let verdict = ctx.contact.review(id, &made, verdict);
    let path_id = ctx.settings.provision.path_id;
    let verdict = ctx
        .own_ids
        .review(id, &made, &ctx.partner, path_id, verdict);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    result::finish(ctx, catalogue, suite, planned, verdict, first_seq, ms)
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
