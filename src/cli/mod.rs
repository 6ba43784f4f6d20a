//! The command line: parses arguments, wires reporters, and maps results to exit codes.

mod catalogue_view;
mod sso;

use std::io::IsTerminal;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, Overrides};
use crate::error::{HarnessError, exit};
use crate::events::Fanout;
use crate::manifest::Manifest;
use crate::reference::{FaultSet, ReferencePartner, faults};
use crate::report::{JsonReporter, TerminalReporter};
use crate::runner::{RunInputs, RunReport, Selection};

#[derive(Parser)]
#[command(
    name = "addon-conformance",
    version,
    about = "Plays Heroku against your add-on and reports every broken Partner API requirement."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the suites against your add-on.
    Run(RunArgs),
    /// Run every suite against the built-in reference partner.
    Demo(DemoArgs),
    /// Run the reference partner alone (a conformant example, and a target for `run`).
    ServeReference(ServeArgs),
    /// Run the fake platform alone, printing each inbound call.
    Platform(PlatformArgs),
    /// List suites, checks, requirement IDs and levels.
    List(ListArgs),
    /// Explain a requirement or check: what it asks, why, doc link, common causes.
    Explain { id: String },
    /// Open the partner's dashboard for a resource in your browser via a signed SSO login.
    Sso(sso::SsoArgs),
}

#[derive(Args)]
struct RunArgs {
    /// Your addon-manifest.json.
    #[arg(long, env = "ADDON_MANIFEST")]
    manifest: PathBuf,
    /// Harness config (TOML): plans, overrides, timeouts.
    #[arg(long, env = "ADDON_CONFIG")]
    config: Option<PathBuf>,
    /// Send provisioning requests here instead of api.production.base_url.
    #[arg(long, env = "ADDON_BASE_URL")]
    base_url: Option<String>,
    /// Send SSO logins here instead of api.production.sso_url.
    #[arg(long, env = "ADDON_SSO_URL")]
    sso_url: Option<String>,
    /// Provision shared resources on this plan (overrides [plans] default).
    #[arg(long, env = "ADDON_PLAN")]
    plan: Option<String>,
    /// Where the fake platform listens (default 127.0.0.1:0).
    #[arg(long, env = "ADDON_PLATFORM_BIND")]
    platform_bind: Option<String>,
    /// The platform's public URL, when the partner reaches it through a tunnel.
    #[arg(long, env = "ADDON_PLATFORM_URL")]
    platform_url: Option<String>,
    #[command(flatten)]
    selection: SelectionArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
struct DemoArgs {
    /// Run the reference partner with this fault (repeatable).
    #[arg(long = "fault")]
    faults: Vec<String>,
    /// Print the faults and exit.
    #[arg(long)]
    list_faults: bool,
    #[command(flatten)]
    selection: SelectionArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args)]
struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[arg(long = "fault")]
    faults: Vec<String>,
    /// Write the reference add-on's manifest here (after binding).
    #[arg(long)]
    write_manifest: Option<PathBuf>,
    /// Write a config pointing `run` at this partner here (after binding).
    #[arg(long)]
    write_config: Option<PathBuf>,
}

#[derive(Args)]
struct PlatformArgs {
    /// Where to listen.
    #[arg(long, env = "ADDON_PLATFORM_BIND", default_value = "127.0.0.1:5050")]
    bind: String,
    /// Public URL, when the partner reaches the platform through a tunnel.
    #[arg(long, env = "ADDON_PLATFORM_URL")]
    url: Option<String>,
    /// Validate config var names against this manifest (otherwise any name is accepted).
    #[arg(long, env = "ADDON_MANIFEST")]
    manifest: Option<PathBuf>,
    /// Take [platform] settings (client secret, token lifetimes) from this config.
    #[arg(long, env = "ADDON_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct SelectionArgs {
    /// Run only this suite (repeatable).
    #[arg(long = "suite")]
    suites: Vec<String>,
    /// Run only this check, or every check of a requirement ID (repeatable).
    #[arg(long = "check")]
    checks: Vec<String>,
    /// Do not run this check or requirement (repeatable).
    #[arg(long = "skip")]
    skip: Vec<String>,
}

#[derive(Args)]
struct OutputArgs {
    /// Also write the JSON report here.
    #[arg(long)]
    report_json: Option<PathBuf>,
    /// Colour on the terminal (NO_COLOR is honoured by auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct ListArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ListFormat {
    Human,
    Json,
    Md,
}

impl SelectionArgs {
    fn selection(&self) -> Selection {
        Selection {
            suites: self.suites.clone(),
            checks: self.checks.clone(),
            skip: self.skip.clone(),
        }
    }
}

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
        Command::Run(args) => run(args).await,
        Command::Demo(args) => demo(args).await,
        Command::ServeReference(args) => serve(args).await,
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

/// Terminal plus the optional JSON file.
fn sinks(
    output: &OutputArgs,
) -> (
    Fanout,
    Option<std::sync::Arc<std::sync::Mutex<Option<String>>>>,
) {
    let color = match output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let mut fanout = Fanout::default();
    fanout
        .sinks
        .push(Box::new(TerminalReporter::new(std::io::stdout(), color)));
    let mut json_error = None;
    if let Some(path) = &output.report_json {
        let reporter = JsonReporter::new(path.clone());
        json_error = Some(reporter.error.clone());
        fanout.sinks.push(Box::new(reporter));
    }
    (fanout, json_error)
}

fn finish(
    report: RunReport,
    json_error: Option<std::sync::Arc<std::sync::Mutex<Option<String>>>>,
) -> Result<u8, HarnessError> {
    if let Some(Some(e)) = json_error.and_then(|slot| slot.lock().ok().map(|s| s.clone())) {
        return Err(HarnessError::Internal(e));
    }
    Ok(report.exit_code)
}

async fn run(args: RunArgs) -> Result<u8, HarnessError> {
    let mut manifest = Manifest::load(&args.manifest)?;
    apply_secret_env(&mut manifest);
    let (config, config_source) = match &args.config {
        Some(path) => (Config::load(path)?, path.display().to_string()),
        None => (Config::default(), "(no --config given)".to_owned()),
    };
    let (mut sink, json_error) = sinks(&args.output);
    let report = crate::runner::run(
        RunInputs {
            manifest,
            config,
            config_source,
            overrides: Overrides {
                base_url: args.base_url,
                sso_url: args.sso_url,
                plan: args.plan,
                platform_bind: args.platform_bind,
                platform_url: args.platform_url,
            },
            selection: args.selection.selection(),
        },
        &mut sink,
    )
    .await?;
    finish(report, json_error)
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
    let (mut sink, json_error) = sinks(&args.output);
    let outcome = crate::demo::run(faults, args.selection.selection(), &mut sink).await?;
    finish(outcome.report, json_error)
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
        "  new grant       curl -sS -X POST {origin}/conformance/grants -d '{{\"uuid\": \"<resource uuid>\"}}'"
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
