//! The command line as clap sees it.

use std::path::PathBuf;

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{HttpUrl, parse_duration, parse_socket_addr};
use crate::runner::{Partition, Selection};

/// `--version`: the crate's version, the git commit it was built from, and the catalogue's
/// version, so a report names exactly what judged it.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("ADDON_CONFORMANCE_GIT_COMMIT"),
    ", catalogue ",
    env!("ADDON_CONFORMANCE_CATALOGUE_VERSION"),
    ")"
);

#[derive(Parser)]
#[command(
    name = "addon-conformance",
    version = LONG_VERSION,
    about = "Plays Heroku against your add-on and reports every broken Partner API requirement."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the suites against your add-on.
    Run(Box<RunArgs>),
    /// Provision one resource, run a command with its app-side config vars, then deprovision.
    Exec(Box<ExecArgs>),
    /// Remove what a previous run left behind, from its ledger (idempotent).
    Cleanup(Box<CleanupArgs>),
    /// Run every suite against the built-in reference partner.
    Demo(DemoArgs),
    /// Run the reference partner alone (a conformant example, and a target for `run`).
    ServeReference(ServeArgs),
    /// Run the fake platform alone, printing each inbound call.
    Platform(PlatformArgs),
    /// Write a commented config for your manifest.
    Init(InitArgs),
    /// List suites, checks, requirement IDs and levels.
    List(ListArgs),
    /// Explain a requirement or check: what it asks, why, doc link, common causes.
    Explain { id: String },
    /// Open the partner's dashboard for a resource in your browser via a signed SSO login.
    Sso(super::sso::SsoArgs),
    /// Make the interception CA and print the environment an add-on you start yourself needs.
    InterceptEnv(crate::intercept::command::InterceptEnvArgs),
    /// Print a shell completion script (e.g. `addon-conformance completions bash > …`).
    Completions(super::completions::CompletionsArgs),
    /// Print the man page (roff) on standard output.
    Man,
}

/// What `run` and `exec` are pointed at: the partner's manifest, our config, and overrides.
#[derive(Args)]
pub struct TargetArgs {
    /// Your addon-manifest.json (default: ./addon-manifest.json when it exists).
    #[arg(long, env = "ADDON_MANIFEST")]
    pub manifest: Option<PathBuf>,
    /// Harness config (TOML): plans, overrides, timeouts (default: ./conformance.toml when it
    /// exists).
    #[arg(long, env = "ADDON_CONFIG")]
    pub config: Option<PathBuf>,
    /// Send provisioning requests here instead of api.production.base_url.
    #[arg(long, env = "ADDON_BASE_URL", value_parser = clap::value_parser!(HttpUrl))]
    pub base_url: Option<HttpUrl>,
    /// Provision on this plan (overrides [plans] default).
    #[arg(long, env = "ADDON_PLAN")]
    pub plan: Option<String>,
    /// Where the fake platform listens (default 127.0.0.1:0).
    #[arg(long, env = "ADDON_PLATFORM_BIND", value_parser = parse_socket_addr)]
    pub platform_bind: Option<SocketAddr>,
    /// The platform's public URL, when the partner reaches it through a tunnel.
    #[arg(long, env = "ADDON_PLATFORM_URL", value_parser = clap::value_parser!(HttpUrl))]
    pub platform_url: Option<HttpUrl>,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub launch: LaunchArgs,
}

/// Interception of Heroku's hosts, and the add-on's process run by the harness.
#[derive(Args)]
pub struct LaunchArgs {
    /// Intercept your add-on's calls to https://id.heroku.com and https://api.heroku.com (a
    /// local proxy with a CA made for the run); callback_url takes Heroku's own form.
    #[arg(long, env = "ADDON_INTERCEPT")]
    pub intercept: bool,
    /// Let your add-on reach HOST through the proxy: this sends its traffic to that host
    /// (repeatable; every other host is refused).
    #[arg(long = "intercept-pass", value_name = "HOST")]
    pub intercept_pass: Vec<String>,
    /// Also serve the intercepted hosts' TLS directly on ADDR, for runtimes that ignore proxy
    /// variables (map both host names to it).
    #[arg(long, value_name = "ADDR", value_parser = parse_socket_addr)]
    pub intercept_listen: Option<SocketAddr>,
    /// Where the proxy listens (default: a free loopback port); as given to `intercept-env`.
    #[arg(long, env = "ADDON_INTERCEPT_PROXY", value_name = "ADDR", value_parser = parse_socket_addr)]
    pub intercept_proxy: Option<SocketAddr>,
    /// The directory holding the run's CA (made when missing), as given to `intercept-env`.
    #[arg(long, env = "ADDON_INTERCEPT_DIR", value_name = "DIR")]
    pub intercept_dir: Option<PathBuf>,
    /// Start your add-on with `sh -c 'CMD'` for the run and stop it afterwards (overrides
    /// [partner] command). Secrets belong in [partner] env as $VARIABLE references.
    #[arg(long, value_name = "CMD")]
    pub partner_cmd: Option<String>,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Send SSO logins here instead of api.production.sso_url.
    #[arg(long, env = "ADDON_SSO_URL", value_parser = clap::value_parser!(HttpUrl))]
    pub sso_url: Option<HttpUrl>,
    /// Keep the cleanup ledger in this file (default: .addon-conformance/ledger-<run>.jsonl, removed
    /// again when the run leaves nothing behind).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct CleanupArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The ledger of the run to clean up after (default: every ledger in .addon-conformance/).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

#[derive(Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Attach under this name (as `heroku addons:create --as NAME`); otherwise Heroku's heuristic.
    #[arg(long = "as")]
    pub as_name: Option<String>,
    /// Leave the resource in place afterwards (prints the command that removes it), e.g. for
    /// `addon-conformance sso --resource UUID`.
    #[arg(long)]
    pub keep: bool,
    /// Attach the resource to the same app once more under this name (as
    /// `heroku addons:attach --as NAME`), so the command sees both sets of vars (repeatable).
    #[arg(long = "attach-again", value_parser = attachment_name)]
    pub attach_again: Vec<String>,
    /// Keep the cleanup ledger in this file (default: .addon-conformance/ledger-<run>.jsonl,
    /// removed again when the resource is proven gone); `cleanup --ledger FILE` reads it.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// An attachment name: `^[A-Z][A-Z0-9_]*$`.
fn attachment_name(s: &str) -> Result<String, String> {
    if crate::heroku::naming::is_valid(s) {
        Ok(s.to_owned())
    } else {
        Err("use A-Z, 0-9 and _, starting with a letter (e.g. REPLICA)".into())
    }
}

#[derive(Args)]
pub struct DemoArgs {
    /// Run the reference partner with this fault (repeatable).
    #[arg(long = "fault")]
    pub faults: Vec<String>,
    /// Print the faults and exit.
    #[arg(long)]
    pub list_faults: bool,
    /// The reference partner calls https://id.heroku.com and https://api.heroku.com directly,
    /// as real add-ons do, and the run intercepts them (`run --intercept`).
    #[arg(long)]
    pub hardcoded_heroku_hosts: bool,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    #[arg(long = "fault")]
    pub faults: Vec<String>,
    /// Call https://id.heroku.com and https://api.heroku.com directly, as real add-ons do,
    /// through the interception proxy in HTTPS_PROXY, trusting SSL_CERT_FILE (for
    /// `run --intercept --partner-cmd`).
    #[arg(long)]
    pub hardcoded_heroku_hosts: bool,
    /// Its manifest password, instead of a random one (all three secrets or none).
    #[arg(long, env = "REFERENCE_PASSWORD", hide_env_values = true, hide = true)]
    pub password: Option<String>,
    /// Its SSO salt, instead of a random one.
    #[arg(long, env = "REFERENCE_SSO_SALT", hide_env_values = true, hide = true)]
    pub sso_salt: Option<String>,
    /// Its OAuth client secret, instead of a random one.
    #[arg(
        long,
        env = "REFERENCE_CLIENT_SECRET",
        hide_env_values = true,
        hide = true
    )]
    pub client_secret: Option<String>,
    /// Write the reference add-on's manifest here (after binding).
    #[arg(long)]
    pub write_manifest: Option<PathBuf>,
    /// Write a config pointing `run` at this partner here (after binding).
    #[arg(long)]
    pub write_config: Option<PathBuf>,
}

#[derive(Args)]
pub struct PlatformArgs {
    /// Where to listen.
    #[arg(long, env = "ADDON_PLATFORM_BIND", default_value = "127.0.0.1:5050", value_parser = parse_socket_addr)]
    pub bind: SocketAddr,
    /// Public URL, when the partner reaches the platform through a tunnel.
    #[arg(long, env = "ADDON_PLATFORM_URL", value_parser = clap::value_parser!(HttpUrl))]
    pub url: Option<HttpUrl>,
    /// Validate config var names against this manifest (otherwise any name is accepted).
    #[arg(long, env = "ADDON_MANIFEST")]
    pub manifest: Option<PathBuf>,
    /// Take [platform] settings (client secret, token lifetimes) from this config.
    #[arg(long, env = "ADDON_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Args)]
pub struct InitArgs {
    /// The manifest to write a config for.
    #[arg(long, env = "ADDON_MANIFEST", default_value = super::inputs::DEFAULT_MANIFEST)]
    pub manifest: PathBuf,
    /// Where to write the config.
    #[arg(long, default_value = super::inputs::DEFAULT_CONFIG)]
    pub output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// TLS, proxy and timeout options for staging add-ons.
#[derive(Args)]
pub struct NetworkArgs {
    /// Trust this PEM CA certificate (a private CA) besides the system roots.
    #[arg(long)]
    pub cacert: Option<PathBuf>,
    /// Accept any TLS certificate. Every report then carries a warning.
    #[arg(long)]
    pub insecure: bool,
    /// Connect timeout (overrides [timeouts] connect), e.g. `5s`.
    #[arg(long, value_parser = parse_duration)]
    pub connect_timeout: Option<Duration>,
    /// Per-request timeout (overrides [timeouts] request), e.g. `35s`.
    #[arg(long, value_parser = parse_duration)]
    pub request_timeout: Option<Duration>,
    /// How long to wait for a callback the partner owes (overrides [timeouts] callback).
    #[arg(long, value_parser = parse_duration)]
    pub callback_timeout: Option<Duration>,
}

#[derive(Args)]
pub struct SelectionArgs {
    /// Run only this suite (repeatable).
    #[arg(long = "suite")]
    pub suites: Vec<String>,
    /// Run only this check, or every check of a requirement ID (repeatable).
    #[arg(long = "check")]
    pub checks: Vec<String>,
    /// Do not run this check or requirement (repeatable).
    #[arg(long = "skip")]
    pub skip: Vec<String>,
    /// Run only share K of N of the selected suites (a CI matrix job), e.g. `2/3`.
    #[arg(long, value_parser = parse_partition)]
    pub partition: Option<Partition>,
    /// Run only the checks that failed, warned, errored or were blocked in this JSON report.
    #[arg(long, value_name = "PREV.json")]
    pub rerun_failed: Option<PathBuf>,
    /// Stop after the first failing check (cleanup still runs).
    #[arg(long)]
    pub fail_fast: bool,
    /// SHOULD violations (warnings) fail the run too.
    #[arg(long)]
    pub strict: bool,
    /// Suites run at once (independent ones side by side; reports keep the serial order).
    /// Above 1 the suites changing a shared resource get copies of their own (more billable
    /// provisions); 1 is the serial run, the cheapest (and so is every --fail-fast run).
    /// Default: `[run] jobs`, else 8.
    #[arg(long, env = "ADDON_JOBS", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
    /// Preflight: check every input a run would reject (exit 2), list the planned suites and
    /// checks with the ones that will skip and why, and the billable bound; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Format of the `--dry-run` output.
    #[arg(long, value_enum, default_value_t = DryRunFormat::Human, requires = "dry_run")]
    pub format: DryRunFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DryRunFormat {
    Human,
    Json,
}

fn parse_partition(text: &str) -> Result<Partition, String> {
    Partition::parse(text)
}

#[derive(Args)]
pub struct OutputArgs {
    /// Also write the JSON report here (`-`: standard output; the terminal report then goes to
    /// standard error).
    #[arg(long)]
    pub report_json: Option<PathBuf>,
    /// Also write a JUnit XML report here (`-`: standard output).
    #[arg(long)]
    pub report_junit: Option<PathBuf>,
    /// Also write a HAR 1.2 file of every exchange here (`-`: standard output).
    #[arg(long)]
    pub report_har: Option<PathBuf>,
    /// Also write a self-contained HTML report here (`-`: standard output).
    #[arg(long)]
    pub report_html: Option<PathBuf>,
    /// Stream every event as one JSON object per line here, as it happens (`-`: standard
    /// output), for tools that follow a run.
    #[arg(long, value_name = "PATH")]
    pub report_events: Option<PathBuf>,
    /// Only failures, warnings and the summary on the terminal.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// More on the terminal: `-v` each exchange as it happens (method, URL, status, time),
    /// `-vv` with its redacted bodies too.
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Colour on the terminal (NO_COLOR is honoured by auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl OutputArgs {
    /// Each `--report-*` flag given, with its path.
    pub fn report_paths(&self) -> Vec<(&'static str, &std::path::Path)> {
        [
            ("--report-json", &self.report_json),
            ("--report-junit", &self.report_junit),
            ("--report-har", &self.report_har),
            ("--report-html", &self.report_html),
            ("--report-events", &self.report_events),
        ]
        .into_iter()
        .filter_map(|(flag, p)| p.as_deref().map(|p| (flag, p)))
        .collect()
    }

    /// True when some report goes to standard output (the terminal report moves to stderr).
    pub fn stdout_taken(&self) -> bool {
        self.report_paths()
            .iter()
            .any(|(_, p)| *p == std::path::Path::new("-"))
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    Md,
}

impl SelectionArgs {
    /// The selection, without `--rerun-failed` (the CLI reads that file).
    pub fn selection(&self) -> Selection {
        Selection {
            suites: self.suites.clone(),
            checks: self.checks.clone(),
            skip: self.skip.clone(),
            partition: self.partition,
        }
    }
}
