//! The runner: decides which checks run, runs them in suite order, turns verdicts into results,
//! cleans up, and emits events. It never prints.

pub mod context;
pub mod selection;

use std::time::Instant;

pub use context::{CheckCtx, Provisioned, RunCtx};
pub use selection::{PlannedCheck, PlannedSuite, Selection};

use crate::catalogue::{Catalogue, Level};
use crate::checks::Check;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use crate::config::Settings;
use crate::error::{HarnessError, exit};
use crate::events::{Event, EventSink};
use crate::outcome::{CheckResult, Evidence, Outcome, Summary, Verdict};
use crate::partner::Credentials;
use crate::partner::ledger::Entry;
use crate::platform::{Platform, PlatformSettings, ServiceInfo};

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub results: Vec<CheckResult>,
    pub summary: Summary,
    pub billable_provisions: usize,
    pub leftovers: Vec<Entry>,
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
    if plan.iter().any(|s| !s.suite.resources.is_empty()) && settings.default_plan.is_none() {
        return Err(HarnessError::input(
            &inputs.config_source,
            "plans.default",
            "missing: the harness does not guess plan names",
            "set [plans] default = \"<your cheapest plan>\" in the config, or pass --plan",
        ));
    }
    let platform = Arc::new(start_platform(&inputs.manifest, &settings, false).await?);
    let ctx = RunCtx::build(inputs.manifest, settings)?.with_platform(platform.clone());
    let report = execute(&ctx, &plan, sink).await;
    drop(ctx);
    if let Ok(p) = Arc::try_unwrap(platform) {
        p.stop().await;
    }
    Ok(report)
}

/// Starts the fake platform for a run (or alone, with `admin`).
pub async fn start_platform(
    manifest: &crate::manifest::Manifest,
    settings: &Settings,
    admin: bool,
) -> Result<Platform, HarnessError> {
    let p = &settings.config.platform;
    let bind = match &p.bind {
        Some(b) => crate::config::parse_bind("[platform] bind", "platform.bind", b)?,
        None => SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    };
    let redactor = Arc::new(crate::redact::Redactor::new());
    Platform::start(
        PlatformSettings {
            bind,
            url: p.url.clone(),
            client_secret: p.client_secret.clone(),
            token_ttl: p.token_ttl,
            grant_ttl: p.grant_ttl,
            max_body_bytes: p.max_body_bytes,
            admin,
        },
        ServiceInfo {
            slug: manifest.id.clone().unwrap_or_default(),
            prefix: manifest.prefix(),
            config_vars: Some(manifest.config_vars.clone()),
        },
        redactor,
    )
    .await
}

/// Runs the planned suites against the partner.
pub async fn execute(ctx: &RunCtx, plan: &[PlannedSuite], sink: &mut dyn EventSink) -> RunReport {
    let catalogue = Catalogue::get().ok();
    let checks: usize = plan.iter().map(|s| s.checks.len()).sum();
    sink.emit(&Event::RunStarted {
        addon: ctx.manifest.id.clone().unwrap_or_default(),
        target: ctx.settings.base_url.clone().unwrap_or_default(),
        suites: plan.len(),
        checks,
    });
    for note in run_notes(ctx) {
        sink.emit(&Event::Note { text: note });
    }
    let mut results = Vec::new();
    let mut summary = Summary::default();
    for suite in plan {
        sink.emit(&Event::SuiteStarted {
            name: suite.suite.name.clone(),
            title: suite.suite.title.clone(),
        });
        let skip = suite_skip_reason(ctx, suite);
        for planned in &suite.checks {
            let result = match (&skip, blocked_reason(ctx, suite)) {
                (Some(why), _) => finish(
                    ctx,
                    catalogue,
                    suite,
                    planned,
                    Verdict::Skip(why.clone()),
                    0,
                    0.0,
                ),
                (None, Some(why)) => finish(
                    ctx,
                    catalogue,
                    suite,
                    planned,
                    Verdict::Blocked(why),
                    0,
                    0.0,
                ),
                (None, None) => run_one(ctx, catalogue, suite, planned).await,
            };
            ctx.record_outcome(&result.id, result.outcome);
            summary.add(result.outcome);
            sink.emit(&Event::CheckFinished {
                result: Box::new(result.clone()),
            });
            results.push(result);
        }
    }
    let leftovers = cleanup(ctx).await;
    let billable_provisions = ctx.ledger.billable_count();
    sink.emit(&Event::Cleanup {
        billable_provisions,
        leftovers: leftovers.clone(),
    });
    let exit_code = exit_code(&summary, &leftovers);
    sink.emit(&Event::RunFinished {
        summary: summary.clone(),
        exit_code,
    });
    RunReport {
        results,
        summary,
        billable_provisions,
        leftovers,
        exit_code,
    }
}

fn exit_code(summary: &Summary, leftovers: &[Entry]) -> u8 {
    if summary.failed > 0 {
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
    if let Some(p) = &ctx.platform {
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
    let cx = CheckCtx {
        run: ctx,
        params: &planned.params,
    };
    let verdict = (planned.check.run)(&cx).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    finish(ctx, catalogue, suite, planned, verdict, first_seq, ms)
}

fn finish(
    ctx: &RunCtx,
    catalogue: Option<&Catalogue>,
    suite: &PlannedSuite,
    planned: &PlannedCheck,
    verdict: Verdict,
    first_seq: u64,
    duration_ms: f64,
) -> CheckResult {
    let check: &Check = planned.check;
    let requirement = catalogue.and_then(|c| c.requirement(check.requirement));
    let red = |s: &str| ctx.redactor.text(s);
    let mut evidence = Evidence::default();
    let (outcome, message) = match verdict {
        Verdict::Pass(note) => (Outcome::Pass, note.unwrap_or_else(|| "ok".to_owned())),
        Verdict::Skip(why) => (Outcome::Skip, why),
        Verdict::Blocked(why) => (Outcome::Blocked, why),
        Verdict::Error(why) => (Outcome::Error, why),
        Verdict::Violated(f) => {
            let level = f.level.unwrap_or(check.level);
            let outcome = match level {
                Level::Must => Outcome::Fail,
                Level::Should => Outcome::Warn,
                Level::May => Outcome::Pass,
            };
            let mut exchanges = f.exchanges.clone();
            if first_seq > 0 {
                for x in ctx.journal.since(first_seq) {
                    if !exchanges.iter().any(|e| e.seq == x.seq) {
                        exchanges.push(x);
                    }
                }
            }
            exchanges.sort_by_key(|x| x.seq);
            evidence = Evidence {
                expected: Some(red(&f.expected)),
                observed: Some(red(&f.observed)),
                location: f.location.as_deref().map(red),
                hint: f.hint.as_deref().map(red),
                curl: exchanges.last().map(|x| red(&x.curl())),
                exchanges,
                inbound: f.inbound.clone(),
            };
            (outcome, f.observed.clone())
        }
    };
    CheckResult {
        id: check.id.to_owned(),
        suite: suite.suite.name.clone(),
        title: check.title.to_owned(),
        requirement: check.requirement.to_owned(),
        requirement_text: requirement.map(|r| r.statement.clone()).unwrap_or_default(),
        level: check.level,
        outcome,
        message: red(&message),
        doc: match (catalogue, requirement) {
            (Some(c), Some(r)) => c.doc_url(r).to_owned(),
            _ => String::new(),
        },
        duration_ms,
        evidence,
    }
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
