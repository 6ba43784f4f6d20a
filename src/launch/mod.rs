//! The add-on's process, run by the harness: `sh -c CMD` in its own process group, with the
//! interception environment and the configured variables (secrets reach it as environment
//! variables, never in the command text; the harness's own secrets are withheld unless the config
//! names them). We wait until its port accepts connections, capture its output (see [`log`]),
//! notice when it exits, and stop it at the end: SIGTERM to the group, SIGKILL after a grace
//! period.

pub mod log;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::error::HarnessError;
use crate::hooks::HARNESS_SECRET_ENV;
use crate::redact::Redactor;
pub use log::{LogLimits, LogLine, PartnerLog, Stream};

/// How to start the add-on.
#[derive(Debug, Clone)]
pub struct LaunchSpec {
    /// Run with `sh -c`; holds no secret (it names `$VARIABLES`).
    pub command: String,
    /// Variables set as they are (the interception environment, ports, …).
    pub env: BTreeMap<String, String>,
    /// Variables whose values are secret: set, and registered with the redactor.
    pub secret_env: BTreeMap<String, String>,
    /// The harness's own secrets (`ADDON_PASSWORD`, …) the config lets through from our
    /// environment; every other one is withheld.
    pub pass_harness_secrets: Vec<String>,
    /// The working directory (ours when `None`).
    pub dir: Option<std::path::PathBuf>,
    /// How long to wait for the port to accept connections.
    pub ready_timeout: Duration,
    /// How long SIGTERM has before SIGKILL.
    pub grace: Duration,
    pub limits: LogLimits,
}

impl LaunchSpec {
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            env: BTreeMap::new(),
            secret_env: BTreeMap::new(),
            pass_harness_secrets: Vec::new(),
            dir: None,
            ready_timeout: Duration::from_secs(60),
            grace: Duration::from_secs(5),
            limits: LogLimits::default(),
        }
    }
}

impl LaunchSpec {
    /// Adds the interception environment (proxy variables and CA files) to the variables.
    pub fn intercepted(mut self, env: &crate::intercept::env::InterceptEnv) -> Self {
        self.env.extend(env.map());
        self
    }
}

/// How the process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitInfo {
    pub status: Option<i32>,
    pub signal: Option<i32>,
    /// On the run's clock.
    pub at: Duration,
}

impl ExitInfo {
    /// `exited with status 1`, `was killed by signal 9`.
    pub fn describe(&self) -> String {
        match (self.status, self.signal) {
            (Some(code), _) => format!("exited with status {code}"),
            (None, Some(sig)) => format!("was killed by signal {sig}"),
            (None, None) => "ended".to_owned(),
        }
    }
}

/// Why the add-on did not become ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// It exited first.
    Exited { exit: ExitInfo, last: Vec<LogLine> },
    /// Its port did not accept a connection in time.
    Timeout {
        waited: Duration,
        last: Vec<LogLine>,
    },
}

impl NotReady {
    pub fn message(&self, addr: SocketAddr) -> String {
        match self {
            Self::Exited { exit, .. } => format!(
                "your add-on {} before it accepted connections on {addr}",
                exit.describe()
            ),
            Self::Timeout { waited, .. } => format!(
                "your add-on did not accept connections on {addr} within {}s",
                waited.as_secs_f32()
            ),
        }
    }

    pub fn last_lines(&self) -> &[LogLine] {
        match self {
            Self::Exited { last, .. } | Self::Timeout { last, .. } => last,
        }
    }
}

/// Lines shown with an exit or a readiness failure.
pub const LAST_LINES: usize = 20;

/// The running add-on.
pub struct PartnerProcess {
    pgid: Option<u32>,
    shown: String,
    log: Arc<PartnerLog>,
    exit: watch::Receiver<Option<ExitInfo>>,
    /// True once both output pipes reached their end.
    drained: watch::Receiver<bool>,
    clock: Instant,
    grace: Duration,
    ready_timeout: Duration,
    stopped: bool,
}

/// How long output may still be read once the group is gone.
const DRAIN_GRACE: Duration = Duration::from_secs(1);

/// Signals the add-on's whole process group with the shell's own `kill` (a builtin in every
/// POSIX shell, so no `kill` binary is needed on the machine). `signal` is `TERM` or `KILL`.
fn signal_group(pgid: u32, signal: &str) {
    // A group that is already gone makes `kill` fail: nothing left to stop.
    let _ = std::process::Command::new("sh")
        .args([
            "-c",
            r#"kill -s "$1" -- "-$2""#,
            "sh",
            signal,
            &pgid.to_string(),
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

fn command(spec: &LaunchSpec) -> tokio::process::Command {
    let mut child = tokio::process::Command::new("sh");
    for name in HARNESS_SECRET_ENV {
        if !spec.pass_harness_secrets.iter().any(|p| p == name) {
            child.env_remove(name);
        }
    }
    child
        .arg("-c")
        .arg(&spec.command)
        .envs(&spec.env)
        .envs(&spec.secret_env)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    if let Some(dir) = &spec.dir {
        child.current_dir(dir);
    }
    #[cfg(unix)]
    child.process_group(0);
    child
}

fn exit_info(status: std::process::ExitStatus, clock: Instant) -> ExitInfo {
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&status);
    #[cfg(not(unix))]
    let signal = None;
    ExitInfo {
        status: status.code(),
        signal,
        at: clock.elapsed(),
    }
}

impl PartnerProcess {
    /// Starts the add-on; `clock` is the run's clock its log lines are stamped on.
    pub fn start(
        spec: &LaunchSpec,
        clock: Instant,
        redactor: Arc<Redactor>,
    ) -> Result<Self, HarnessError> {
        for value in spec.secret_env.values() {
            redactor.add("partner env", value);
        }
        for name in &spec.pass_harness_secrets {
            if let Ok(value) = std::env::var(name) {
                redactor.add("partner env", &value);
            }
        }
        let shown = crate::hooks::mask_credentials(&redactor.text(&spec.command));
        let mut child = command(spec).spawn().map_err(|e| {
            HarnessError::usage(
                format!("cannot start your add-on (`{shown}`): {e}"),
                "check the command; it is run with sh -c",
            )
        })?;
        let log = Arc::new(PartnerLog::new(clock, spec.limits, redactor));
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let (drained_tx, drained) = watch::channel(false);
        tokio::spawn({
            let log = log.clone();
            async move {
                let out = async {
                    if let Some(s) = stdout {
                        log::capture(s, Stream::Stdout, log.clone()).await;
                    }
                };
                let err = async {
                    if let Some(s) = stderr {
                        log::capture(s, Stream::Stderr, log.clone()).await;
                    }
                };
                tokio::join!(out, err);
                let _ = drained_tx.send(true);
            }
        });
        let pgid = child.id();
        let (tx, exit) = watch::channel(None);
        tokio::spawn(async move {
            let info = match child.wait().await {
                Ok(status) => exit_info(status, clock),
                Err(_) => ExitInfo {
                    status: None,
                    signal: None,
                    at: clock.elapsed(),
                },
            };
            let _ = tx.send(Some(info));
        });
        Ok(Self {
            pgid,
            shown,
            log,
            exit,
            drained,
            clock,
            grace: spec.grace,
            ready_timeout: spec.ready_timeout,
            stopped: false,
        })
    }

    /// The command as shown in reports (redacted).
    pub fn command(&self) -> &str {
        &self.shown
    }

    pub fn log(&self) -> &Arc<PartnerLog> {
        &self.log
    }

    /// The exit, once it happened.
    pub fn exited(&self) -> Option<ExitInfo> {
        *self.exit.borrow()
    }

    /// A receiver that changes when the process exits (for a run that watches it).
    pub fn exit_watch(&self) -> watch::Receiver<Option<ExitInfo>> {
        self.exit.clone()
    }

    /// Time on the run's clock.
    pub fn now(&self) -> Duration {
        self.clock.elapsed()
    }

    /// Waits until `addr` accepts a TCP connection: attempts with a growing pause (5 ms up to
    /// 250 ms), giving up at the ready timeout or as soon as the process exits.
    pub async fn wait_ready(&self, addr: SocketAddr) -> Result<Duration, NotReady> {
        let started = Instant::now();
        let give_up = tokio::time::Instant::now() + self.ready_timeout;
        let mut exit = self.exit.clone();
        let mut pause = Duration::from_millis(5);
        loop {
            if let Some(info) = *exit.borrow_and_update() {
                return Err(self.exited_early(info).await);
            }
            let attempt = tokio::time::timeout_at(give_up, tokio::net::TcpStream::connect(addr));
            tokio::select! {
                connected = attempt => match connected {
                    Ok(Ok(_)) => return Ok(started.elapsed()),
                    Ok(Err(_)) => {}
                    Err(_) => return Err(self.timed_out(started)),
                },
                _ = exit.changed() => continue,
            }
            tokio::select! {
                _ = tokio::time::sleep_until(give_up.min(tokio::time::Instant::now() + pause)) => {}
                _ = exit.changed() => continue,
            }
            if tokio::time::Instant::now() >= give_up {
                return Err(self.timed_out(started));
            }
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }

    async fn exited_early(&self, exit: ExitInfo) -> NotReady {
        // Its last words may still be in the pipes.
        self.drain().await;
        NotReady::Exited {
            exit,
            last: self.log.last(LAST_LINES),
        }
    }

    fn timed_out(&self, started: Instant) -> NotReady {
        NotReady::Timeout {
            waited: started.elapsed(),
            last: self.log.last(LAST_LINES),
        }
    }

    /// Waits (briefly) for the output readers to reach the end of the pipes.
    async fn drain(&self) {
        let mut drained = self.drained.clone();
        let _ = tokio::time::timeout(DRAIN_GRACE, drained.wait_for(|d| *d)).await;
    }

    /// Waits for the exit; `None` if it has not happened within `limit`.
    pub async fn wait_exit(&self, limit: Duration) -> Option<ExitInfo> {
        let mut exit = self.exit.clone();
        tokio::time::timeout(limit, exit.wait_for(Option::is_some))
            .await
            .ok()
            .and_then(|r| r.ok().and_then(|v| *v))
    }

    /// Stops the add-on: SIGTERM to its group, SIGKILL after the grace period; returns how it
    /// ended and lets the output readers finish.
    pub async fn stop(mut self) -> Option<ExitInfo> {
        self.stopped = true;
        let Some(pgid) = self.pgid else {
            return self.exited();
        };
        if self.exited().is_none() {
            signal_group(pgid, "TERM");
        }
        let mut info = self.wait_exit(self.grace).await;
        // Also after a clean exit: children it left in its group go too.
        signal_group(pgid, "KILL");
        if info.is_none() {
            info = self.wait_exit(self.grace).await;
        }
        self.drain().await;
        info
    }
}

impl Drop for PartnerProcess {
    fn drop(&mut self) {
        if !self.stopped
            && let Some(pgid) = self.pgid
        {
            signal_group(pgid, "KILL");
        }
    }
}

#[cfg(test)]
mod tests;
