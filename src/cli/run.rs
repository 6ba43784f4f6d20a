//! `run` (the suites against the partner) and `demo` (against the built-in reference partner),
//! and the selection both share.

use super::args::{DemoArgs, RunArgs, SelectionArgs};
use super::sinks::Sinks;
use super::{inputs, note, plan_view, preflight, say, signals};
use crate::check::Ownership;
use crate::error::{HarnessError, exit};
use crate::reference::{FaultSet, faults};
use crate::runner::{Interrupt, RunControls, RunInputs, Selection, schedule};

pub(super) async fn run(args: RunArgs) -> Result<u8, HarnessError> {
    let inputs = inputs::load(
        args.target.manifest.as_deref(),
        args.target.config.as_deref(),
    )?;
    let overrides = args.target.overrides(args.sso_url.clone(), &inputs.env)?;
    if let Some(line) = &inputs.picked_up {
        note(line);
    }
    if args.selection.dry_run {
        return dry_run(&args, inputs, &overrides);
    }
    let ledger = args
        .ledger
        .clone()
        .unwrap_or_else(super::cleanup::default_ledger);
    let (selection, controls) = match prepare(&args.selection, Some(ledger))? {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    // Everything a run would reject, before the first request (report paths included).
    if let Some(problem) = preflight::report_paths(&args.output).into_iter().next() {
        return Err(problem);
    }
    let settings = crate::config::Settings::resolve(
        &inputs.manifest,
        inputs.config.clone(),
        &overrides,
        &inputs.config_source,
    )?;
    if let Some(problem) = problems(&selection.plan()?, &inputs, &settings)
        .into_iter()
        .next()
    {
        return Err(problem);
    }
    let mut sinks = Sinks::new(&args.output, controls.strict, &inputs.env);
    let report = crate::runner::run(
        RunInputs {
            manifest: inputs.manifest,
            config: inputs.config,
            config_source: inputs.config_source,
            overrides,
            selection,
            controls,
        },
        &mut sinks.fanout,
    )
    .await?;
    sinks.check()?;
    Ok(report.exit_code)
}

/// What makes a run of `plan` impossible: a manifest no request can authenticate with, and the
/// runner's own preflight (plans, base URL, hook programs).
fn problems(
    plan: &[crate::runner::PlannedSuite],
    inputs: &inputs::Inputs,
    settings: &crate::config::Settings,
) -> Vec<HarnessError> {
    let mut out = Vec::new();
    if plan.iter().any(|s| s.suite.network)
        && let Err(e) = inputs.manifest.check_can_authenticate()
    {
        out.push(e);
    }
    out.extend(crate::runner::preflight::problems(
        plan,
        &inputs.manifest,
        settings,
        &inputs.config_source,
        inputs.env.path.as_deref(),
    ));
    out
}

/// `run --dry-run`: the preflight, printed; exit 2 when a real run would refuse to start.
fn dry_run(
    args: &RunArgs,
    inputs: inputs::Inputs,
    overrides: &crate::config::Overrides,
) -> Result<u8, HarnessError> {
    let mut selection = args.selection.selection();
    if let Some(prev) = &args.selection.rerun_failed {
        selection.checks = plan_view::failed_in(prev)?;
    }
    let plan = selection.plan()?;
    let mut problems = preflight::report_paths(&args.output);
    let mut skips = Vec::new();
    let mut config_jobs = None;
    match crate::config::Settings::resolve(
        &inputs.manifest,
        inputs.config.clone(),
        overrides,
        &inputs.config_source,
    ) {
        Ok(settings) => {
            problems.extend(self::problems(&plan, &inputs, &settings));
            skips = crate::runner::preflight::expected_skips(&plan, &inputs.manifest, &settings);
            config_jobs = settings.run.jobs;
        }
        Err(e) => problems.push(e),
    }
    let jobs = schedule::jobs(
        args.selection.jobs.map(usize::from),
        config_jobs,
        args.selection.fail_fast,
    );
    let report = preflight::DryRun {
        plan: &plan,
        ownership: Ownership::of_jobs(jobs),
        skips,
        problems,
    };
    say(report.render(args.selection.format).trim_end());
    Ok(report.exit_code())
}

pub(super) async fn demo(args: DemoArgs) -> Result<u8, HarnessError> {
    if args.list_faults {
        for (_, name, doc) in faults::ALL {
            say(&format!("{name:<32} {doc}"));
        }
        return Ok(exit::PASS);
    }
    let faults = FaultSet::parse(&args.faults)?;
    let (selection, controls) = match prepare(&args.selection, None)? {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    if let Some(problem) = preflight::report_paths(&args.output).into_iter().next() {
        return Err(problem);
    }
    let env = crate::config::env::Environment::read();
    let mut sinks = Sinks::new(&args.output, controls.strict, &env);
    let outcome = if args.hardcoded_heroku_hosts {
        let dir =
            std::env::temp_dir().join(format!("addon-conformance-demo-{}", uuid::Uuid::new_v4()));
        let outcome =
            crate::demo::run_hardcoded(faults, selection, controls, &dir, &mut sinks.fanout).await;
        let _ = std::fs::remove_dir_all(&dir);
        outcome?
    } else {
        crate::demo::run_with(faults, selection, controls, &mut sinks.fanout).await?
    };
    sinks.check()?;
    Ok(outcome.report.exit_code)
}

/// The selection and controls of a run, or the exit code when there is nothing to send
/// (`--dry-run`, or `--rerun-failed` with nothing to rerun).
fn prepare(
    args: &SelectionArgs,
    ledger_file: Option<std::path::PathBuf>,
) -> Result<Result<(Selection, RunControls), u8>, HarnessError> {
    let mut selection = args.selection();
    if let Some(prev) = &args.rerun_failed {
        let ids = plan_view::failed_in(prev)?;
        if ids.is_empty() {
            say(&format!(
                "{}: no check failed, warned, errored or was blocked; nothing to rerun",
                prev.display()
            ));
            return Ok(Err(exit::PASS));
        }
        selection.checks = ids;
    }
    if args.dry_run {
        let jobs = schedule::jobs(args.jobs.map(usize::from), None, args.fail_fast);
        let ownership = Ownership::of_jobs(jobs);
        say(plan_view::dry_run(&selection.plan()?, ownership).trim_end());
        return Ok(Err(exit::PASS));
    }
    let plan = selection.plan()?;
    if plan.is_empty()
        && let Some(p) = selection.partition
    {
        say(&format!(
            "partition {}/{} holds no suite of this selection; nothing to run",
            p.index, p.count
        ));
        return Ok(Err(exit::PASS));
    }
    let controls = RunControls {
        interrupt: Interrupt::new(),
        fail_fast: args.fail_fast,
        strict: args.strict,
        ledger_file,
        jobs: args.jobs.map(usize::from),
    };
    signals::watch(controls.interrupt.clone(), controls.ledger_file.clone());
    Ok(Ok((selection, controls)))
}
