//! The add-on as a run reaches it, when the settings ask for more than a URL: the interception
//! of Heroku's hosts (`--intercept`) and the add-on's own process (`--partner-cmd`). The run
//! starts them after the platform, takes each check's log lines from here, asks whether the
//! process has exited, and stops both after the cleanup.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Settings;
use crate::error::HarnessError;
use crate::intercept::{InterceptSettings, Interceptor, Upstream};
use crate::launch::{ExitInfo, LaunchSpec, LogLine, PartnerProcess};
use crate::platform::Platform;
use crate::redact::Redactor;

/// How long a check that saw a transport failure waits for the add-on's exit to be noticed.
pub const EXIT_SETTLE: Duration = Duration::from_secs(1);

/// Log lines shown with the add-on's exit.
pub const EXIT_LINES: usize = 10;

/// What the run started besides the platform.
pub struct Target {
    interceptor: Option<Interceptor>,
    process: Option<PartnerProcess>,
    notes: Vec<String>,
}

impl Target {
    /// Starts the interception and the add-on's process as the settings say; `None` when they
    /// ask for neither. With a process, waits until base_url's port accepts connections.
    pub async fn start(
        settings: &Settings,
        platform: &Platform,
        redactor: Arc<Redactor>,
        clock: Instant,
    ) -> Result<Option<Self>, HarnessError> {
        if settings.intercept.is_none() && settings.launch.is_none() {
            return Ok(None);
        }
        let mut target = Self {
            interceptor: None,
            process: None,
            notes: Vec::new(),
        };
        if let Some(i) = &settings.intercept {
            let mut s = InterceptSettings::new(i.dir.clone());
            s.proxy = i.proxy;
            s.direct = i.direct;
            s.pass.clone_from(&i.pass);
            if !i.java {
                s.java = crate::intercept::env::Java::Skip;
            }
            let interceptor = Interceptor::start(s, Upstream::platform(platform)).await?;
            target.notes.push(interceptor.note());
            target.notes.push(format!(
                "the environment your add-on needs for interception{}: {}",
                if settings.launch.is_some() {
                    " (given to --partner-cmd)"
                } else {
                    ""
                },
                interceptor
                    .env()
                    .vars
                    .iter()
                    .map(|(k, v)| format!("{k}={}", crate::intercept::env::quote(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            target.notes.extend(interceptor.env().notes.iter().cloned());
            target.interceptor = Some(interceptor);
        }
        if let Some(launch) = &settings.launch {
            let mut spec = LaunchSpec::new(launch.command.clone());
            if let Some(i) = &target.interceptor {
                spec = spec.intercepted(i.env());
            }
            spec.env.extend(launch.env.clone());
            spec.secret_env.clone_from(&launch.secret_env);
            spec.ready_timeout = launch.ready_timeout;
            let process = PartnerProcess::start(&spec, clock, redactor)?;
            let addr = ready_addr(settings).await?;
            if let Err(not_ready) = process.wait_ready(addr).await {
                let last = lines(not_ready.last_lines());
                let _ = process.stop().await;
                target.stop().await;
                return Err(HarnessError::usage(
                    format!("{}{last}", not_ready.message(addr)),
                    "check [partner] command (or --partner-cmd) and base_url's port; raise \
                     [partner] ready_timeout if it starts slowly",
                ));
            }
            target.notes.push(format!(
                "started your add-on (`{}`); it accepts connections on {addr}",
                process.command()
            ));
            target.process = Some(process);
        }
        Ok(Some(target))
    }

    /// The run's notes about the interception and the process.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// What the add-on printed from `from` until `to` (the run's clock).
    pub fn log_between(&self, from: Duration, to: Duration) -> Vec<LogLine> {
        self.process
            .as_ref()
            .map(|p| p.log().between(from, to))
            .unwrap_or_default()
    }

    /// The process's exit, once it happened.
    pub fn exit(&self) -> Option<ExitInfo> {
        self.process.as_ref().and_then(PartnerProcess::exited)
    }

    /// Resolves when the process exits (never without one).
    pub async fn exited(&self) {
        match &self.process {
            Some(p) => {
                let mut exit = p.exit_watch();
                if exit.wait_for(Option::is_some).await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending().await,
        }
    }

    /// The last `n` lines of the add-on's log.
    pub fn last_lines(&self, n: usize) -> Vec<LogLine> {
        self.process
            .as_ref()
            .map(|p| p.log().last(n))
            .unwrap_or_default()
    }

    /// Stops the process (SIGTERM, then SIGKILL), then the interception.
    pub async fn stop(mut self) {
        if let Some(p) = self.process.take() {
            let _ = p.stop().await;
        }
        if let Some(i) = self.interceptor.take() {
            i.stop().await;
        }
    }
}

/// `\n  | line` per line, for an error message.
pub fn lines(last: &[LogLine]) -> String {
    if last.is_empty() {
        return "\n  (it printed nothing)".to_owned();
    }
    last.iter()
        .map(|l| format!("\n  {}", l.display()))
        .collect()
}

/// The address base_url names, which the started add-on must accept connections on.
async fn ready_addr(settings: &Settings) -> Result<SocketAddr, HarnessError> {
    let missing = || {
        HarnessError::usage(
            "--partner-cmd needs base_url with a host and port to wait for",
            "pass --base-url (or [partner] base_url), e.g. http://127.0.0.1:3000/heroku/resources",
        )
    };
    let base = settings.base_url.as_ref().ok_or_else(missing)?;
    let url = url::Url::parse(base.as_str()).map_err(|_| missing())?;
    let host = url.host_str().ok_or_else(missing)?;
    let port = url.port_or_known_default().ok_or_else(missing)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    // `localhost` may resolve to ::1 first while the add-on listens on 127.0.0.1 only.
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map(Iterator::collect)
        .unwrap_or_default();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| {
            HarnessError::usage(
                format!("base_url's host {host} does not resolve"),
                "give base_url a host this machine resolves, such as 127.0.0.1",
            )
        })
}

/// `your add-on exited with status 1 after #11 (provision primary)`: the exit, named by the
/// last exchange sent before it.
pub fn exit_message(exit: &ExitInfo, journal: &crate::record::journal::Journal) -> String {
    let at = exit.at.as_millis() as u64;
    let before = journal.all().into_iter().rev().find(|x| x.started_ms <= at);
    match before {
        Some(x) => format!(
            "your add-on {} after #{} ({})",
            exit.describe(),
            x.seq,
            x.label
        ),
        None => format!("your add-on {} before the first request", exit.describe()),
    }
}
