//! The command line: parses arguments, wires reporters, and maps results to exit codes.

mod args;
mod catalogue_view;
mod exec;
mod init;
mod plan_view;
mod signals;
mod sinks;
mod sso;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, DemoArgs, PlatformArgs, RunArgs, SelectionArgs, ServeArgs};
use sinks::Sinks;

use crate::config::{Config, Overrides};
use crate::error::{HarnessError, exit};
use crate::manifest::Manifest;
use crate::network::Network;
use crate::reference::{FaultSet, ReferencePartner, faults};
use crate::runner::{Interrupt, RunControls, RunInputs, Selection};

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::HARNESS);
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

async fn dispatch(command: Command) -> Result<u8, HarnessError> {
    match command {
        Command::Run(args) => run(*args).await,
        Command::Exec(args) => exec::exec(*args).await,
        Command::Demo(args) => demo(args).await,
        Command::ServeReference(args) => serve(args).await,
        Command::Init(args) => init::write(&args),
        Command::Sso(args) => sso::sso(args).await,
        Command::Platform(args) => platform(args).await,
        Command::List(args) => {
            say(catalogue_view::list(args.format)?.trim_end());
            Ok(exit::PASS)
        }
        Command::Explain { id } => {
            say(catalogue_view::explain(&id)?.trim_end());
            Ok(exit::PASS)
        }
    }
}

/// The selection and controls of a run, or the exit code when there is nothing to send
/// (`--dry-run`, or `--rerun-failed` with nothing to rerun).
fn prepare(args: &SelectionArgs) -> Result<Result<(Selection, RunControls), u8>, HarnessError> {
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
        say(plan_view::dry_run(&selection.plan()?).trim_end());
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
    };
    signals::watch(controls.interrupt.clone());
    Ok(Ok((selection, controls)))
}

async fn run(args: RunArgs) -> Result<u8, HarnessError> {
    let (manifest, config, config_source) =
        load_inputs(&args.target.manifest, args.target.config.as_deref())?;
    let overrides = args.target.overrides(args.sso_url)?;
    let (selection, controls) = match prepare(&args.selection)? {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let mut sinks = Sinks::new(&args.output, controls.strict);
    let report = crate::runner::run(
        RunInputs {
            manifest,
            config,
            config_source,
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

/// The manifest (with ADDON_PASSWORD / ADDON_SSO_SALT applied), the config (or the defaults),
/// and where the config came from.
pub(super) fn load_inputs(
    manifest: &std::path::Path,
    config: Option<&std::path::Path>,
) -> Result<(Manifest, Config, String), HarnessError> {
    let mut manifest = Manifest::load(manifest)?;
    apply_secret_env(&mut manifest);
    let (config, source) = match config {
        Some(path) => (Config::load(path)?, path.display().to_string()),
        None => (Config::default(), "(no --config given)".to_owned()),
    };
    Ok((manifest, config, source))
}

impl args::TargetArgs {
    /// The command-line overrides of the config file.
    pub(super) fn overrides(self, sso_url: Option<String>) -> Result<Overrides, HarnessError> {
        let n = &self.network;
        Ok(Overrides {
            base_url: self.base_url,
            sso_url,
            plan: self.plan,
            connect_timeout: timeout("--connect-timeout", &n.connect_timeout)?,
            request_timeout: timeout("--request-timeout", &n.request_timeout)?,
            callback_timeout: timeout("--callback-timeout", &n.callback_timeout)?,
            network: Network::load(n.cacert.as_deref(), n.insecure)?,
            platform_bind: self.platform_bind,
            platform_url: self.platform_url,
        })
    }
}

fn timeout(
    flag: &str,
    value: &Option<String>,
) -> Result<Option<std::time::Duration>, HarnessError> {
    value
        .as_deref()
        .map(|v| {
            crate::config::parse_duration(v).map_err(|e| {
                HarnessError::usage(
                    format!("{flag} {v}: {e}"),
                    "write a duration such as 500ms, 5s or 2m",
                )
            })
        })
        .transpose()
}

/// ADDON_PASSWORD and ADDON_SSO_SALT replace the manifest's secrets for this run.
fn apply_secret_env(manifest: &mut Manifest) {
    for (var, key) in [
        ("ADDON_PASSWORD", "password"),
        ("ADDON_SSO_SALT", "sso_salt"),
    ] {
        if let Ok(value) = std::env::var(var) {
            manifest.raw["api"][key] = serde_json::Value::String(value.clone());
            match key {
                "password" => manifest.password = Some(value),
                _ => manifest.sso_salt = Some(value),
            }
        }
    }
}

async fn demo(args: DemoArgs) -> Result<u8, HarnessError> {
    if args.list_faults {
        for (_, name, doc) in faults::ALL {
            say(&format!("{name:<32} {doc}"));
        }
        return Ok(exit::PASS);
    }
    let faults = FaultSet::parse(&args.faults)?;
    let (selection, controls) = match prepare(&args.selection)? {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let mut sinks = Sinks::new(&args.output, controls.strict);
    let outcome = crate::demo::run_with(faults, selection, controls, &mut sinks.fanout).await?;
    sinks.check()?;
    Ok(outcome.report.exit_code)
}

async fn platform(args: PlatformArgs) -> Result<u8, HarnessError> {
    use crate::platform::{Platform, PlatformSettings, ServiceInfo};
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Ok(secret) = std::env::var("ADDON_OAUTH_CLIENT_SECRET") {
        config.platform.client_secret = Some(secret);
    }
    let manifest = args.manifest.as_deref().map(Manifest::load).transpose()?;
    let service = match &manifest {
        Some(m) => ServiceInfo {
            slug: m.id.clone().unwrap_or_default(),
            prefix: m.prefix(),
            config_vars: Some(m.config_vars.clone()),
        },
        None => ServiceInfo {
            slug: "addon".into(),
            prefix: "ADDON".into(),
            config_vars: None,
        },
    };
    let p = &config.platform;
    let platform = Platform::start(
        PlatformSettings {
            bind: crate::config::parse_bind("--bind", "(value)", &args.bind)?,
            url: args.url.clone(),
            client_secret: p.client_secret.clone(),
            token_ttl: p.token_ttl,
            grant_ttl: p.grant_ttl,
            max_body_bytes: p.max_body_bytes,
            admin: true,
        },
        service,
        std::sync::Arc::new(crate::redact::Redactor::new()),
    )
    .await?;
    let origin = platform.origin().to_owned();
    say(&format!(
        "platform (fake Heroku Identity and Platform API) listening on {origin}"
    ));
    say(&format!("  token endpoint  POST {origin}/oauth/token"));
    say(&format!(
        "  new grant       curl -sS -X POST {origin}/conformance/grants -H 'Authorization: Bearer {}' -d '{{\"uuid\": \"<resource uuid>\"}}'",
        platform.admin_token().unwrap_or_default()
    ));
    if p.client_secret.is_none() {
        say(
            "  warning: no client secret (set ADDON_OAUTH_CLIENT_SECRET or [platform] client_secret): token requests are refused",
        );
    }
    let mut seen = 0;
    let mut arrivals = platform.journal().subscribe();
    let printer = async {
        loop {
            arrivals.borrow_and_update();
            let all = platform.journal().all();
            for call in &all[seen.min(all.len())..] {
                say(&format!("#{} {}", call.seq, call.summary()));
            }
            seen = all.len();
            if arrivals.changed().await.is_err() {
                break;
            }
        }
    };
    tokio::select! {
        _ = printer => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    platform.stop().await;
    Ok(exit::PASS)
}

/// Prints a line; a closed stdout (the reader went away) is not an error for a server.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

async fn serve(args: ServeArgs) -> Result<u8, HarnessError> {
    let faults = FaultSet::parse(&args.faults)?;
    let partner =
        ReferencePartner::start(faults, SocketAddr::from((Ipv4Addr::LOCALHOST, args.port))).await?;
    for (path, text) in [
        (&args.write_manifest, partner.manifest_text()),
        (&args.write_config, partner.config_text()),
    ] {
        if let Some(path) = path {
            std::fs::write(path, text).map_err(|source| HarnessError::Io {
                action: "write",
                path: path.clone(),
                source,
            })?;
            say(&format!("wrote {}", path.display()));
        }
    }
    say(&format!("base_url {}", partner.base_url()));
    say(&format!("sso_url  {}", partner.sso_url()));
    say("press Ctrl-C to stop");
    // Last line: scripts wait for it.
    say(&format!(
        "reference partner listening on http://{}",
        partner.addr
    ));
    let _ = tokio::signal::ctrl_c().await;
    partner.stop().await;
    Ok(exit::PASS)
}
