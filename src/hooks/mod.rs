//! Hooks: shell commands from the config (`[hooks]`) that make the partner do what only it can
//! start, such as rotating a resource's credentials, or that prove something only the partner
//! knows, such as whether old credentials still work. A hook is a template (`{resource_uuid}`,
//! `{app}`, …) run with `sh -c` and a timeout; secrets reach it through environment variables,
//! never through its arguments, and its output is redacted before it becomes evidence.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::redact::Redactor;

mod mask;
mod program;
pub use mask::{mask_credentials, referenced_env};
pub use program::program_problem;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The harness's own secrets in its environment; never passed on to a hook or an `exec` command.
pub const HARNESS_SECRET_ENV: &[&str] = &[
    "ADDON_PASSWORD",
    "ADDON_SSO_SALT",
    "ADDON_OAUTH_CLIENT_SECRET",
];

/// Placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "resource_uuid",
    "provider_id",
    "app",
    "app_id",
    "heroku_id",
    "plan",
];

/// What a hook run did.
#[derive(Debug, Clone)]
pub struct HookRun {
    /// The command as run (placeholders filled; holds no secret).
    pub command: String,
    /// The exit status, or None when it did not start, was killed or timed out.
    pub status: Option<i32>,
    pub timed_out: bool,
    /// Why it did not start, if it did not.
    pub error: Option<String>,
    /// Output, redacted and cut.
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl HookRun {
    pub fn succeeded(&self) -> bool {
        self.status == Some(0)
    }

    /// The hook failed on the harness's side (it could not be rendered or started, or it ran
    /// out of time), so nothing it was to cause can be judged.
    pub fn failed_here(&self) -> bool {
        self.error.is_some() || self.timed_out
    }

    /// One line for evidence: command, status and the start of its output.
    pub fn summary(&self) -> String {
        let status = match (self.status, self.timed_out, &self.error) {
            (_, _, Some(e)) => format!("did not start: {e}"),
            (_, true, _) => "timed out".to_owned(),
            (Some(s), _, _) => format!("exit {s}"),
            (None, _, _) => "killed by a signal".to_owned(),
        };
        let mut out = format!("`{}` → {status}", self.command);
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let text = text.trim();
            if !text.is_empty() {
                out.push_str(&format!("; {name}: {text}"));
            }
        }
        out
    }
}

/// Checks a template's placeholders when the config is read: every `{name}` must be one of
/// [`PLACEHOLDERS`].
pub fn validate_template(template: &str) -> Result<(), String> {
    let sample: BTreeMap<&str, String> = PLACEHOLDERS.iter().map(|p| (*p, "x".into())).collect();
    render(template, &sample).map(|_| ())
}

/// A placeholder value that needs no shell quoting: ids, names, slugs.
fn plain(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@:-".contains(c))
}

/// A value as one shell word: as is when plain, else single-quoted (`'` becomes `'\''`).
fn shell_word(value: &str) -> String {
    if plain(value) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// Fills `{name}` placeholders (name one of [`PLACEHOLDERS`], not preceded by `$`); `{{` and
/// `}}` are literal braces; every other brace passes through unchanged (`${TOKEN}`,
/// `awk '{print $1}'`, `jq '{id:.id}'`). Values that are not plain ids are single-quoted for the
/// shell. A placeholder without a value here is an error.
pub fn render(template: &str, vars: &BTreeMap<&str, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("{{") || rest.starts_with("}}") {
            out.push(c);
            rest = &rest[2..];
            previous = Some(c);
            continue;
        }
        if c == '{'
            && previous != Some('$')
            && let Some(end) = rest.find('}')
            && PLACEHOLDERS.contains(&&rest[1..end])
        {
            let name = &rest[1..end];
            let value = vars
                .get(name)
                .ok_or_else(|| format!("no value for `{{{name}}}` here"))?;
            out.push_str(&shell_word(value));
            rest = &rest[end + 1..];
            previous = Some('}');
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        previous = Some(c);
    }
    Ok(out)
}

/// Most output kept per stream, after redaction.
const OUTPUT_BYTES: usize = 2048;
/// Most output read per stream (the rest is drained and dropped).
const READ_BYTES: usize = 64 * 1024;
/// How long output may still be read once the hook's process group is gone.
const DRAIN_GRACE: Duration = Duration::from_secs(1);

/// Reads a stream to its end, keeping the first [`READ_BYTES`] in `into`.
async fn read_bounded(
    stream: Option<impl tokio::io::AsyncRead + Unpin>,
    into: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) {
    use tokio::io::AsyncReadExt;
    let Some(mut stream) = stream else { return };
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        if let Ok(mut buf) = into.lock() {
            let room = READ_BYTES.saturating_sub(buf.len());
            buf.extend_from_slice(&chunk[..n.min(room)]);
        }
    }
}

/// Kills every process in the hook's process group (the shell, pipelines, background jobs).
fn kill_group(pgid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// The shell command for a hook: its own process group, without the harness's secrets.
fn shell(command: &str, env: &BTreeMap<String, String>) -> tokio::process::Command {
    let mut child = tokio::process::Command::new("sh");
    for name in HARNESS_SECRET_ENV {
        child.env_remove(name);
    }
    child
        .arg("-c")
        .arg(command)
        .envs(env)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    child.process_group(0);
    child
}

/// Runs `template` with `sh -c`, the placeholders filled from `vars` and `env` added to its
/// environment; kills its whole process group after `timeout`, or once the shell has exited
/// (a hook finishes its work before it exits). Output is redacted whole, then cut: the values
/// in `env`, the harness variables the template names (`$NAME`), bearer/basic credentials and
/// URL passwords are masked.
pub async fn run(
    template: &str,
    vars: &BTreeMap<&str, String>,
    env: &BTreeMap<String, String>,
    timeout: Duration,
    redactor: &Redactor,
) -> HookRun {
    let started = Instant::now();
    for value in env.values() {
        redactor.add("hook env", value);
    }
    for name in referenced_env(template) {
        if let Ok(value) = std::env::var(&name) {
            redactor.add("hook env", &value);
        }
    }
    let failed = |command: String, error: String| HookRun {
        command,
        status: None,
        timed_out: false,
        error: Some(error),
        stdout: String::new(),
        stderr: String::new(),
        elapsed: started.elapsed(),
    };
    let command = match render(template, vars) {
        Ok(c) => c,
        Err(e) => return failed(redactor.text(template), e),
    };
    let shown = mask_credentials(&redactor.text(&command));
    let mut child = match shell(&command, env).spawn() {
        Ok(c) => c,
        Err(e) => return failed(shown, e.to_string()),
    };
    let pgid = child.id();
    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let err = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let readers = tokio::spawn({
        let (out, err) = (out.clone(), err.clone());
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        async move {
            tokio::join!(read_bounded(stdout, out), read_bounded(stderr, err));
        }
    });
    let waited = tokio::time::timeout(timeout, child.wait()).await;
    if let Some(pgid) = pgid {
        kill_group(pgid);
    }
    // Ends at EOF once the group is gone; bounded in case a process left the group.
    let _ = tokio::time::timeout(DRAIN_GRACE, readers).await;
    let clean = |buf: &std::sync::Mutex<Vec<u8>>| {
        let bytes = buf.lock().map(|b| b.clone()).unwrap_or_default();
        let text = mask_credentials(&redactor.text(&String::from_utf8_lossy(&bytes)));
        crate::record::cut(text, OUTPUT_BYTES)
    };
    let (status, timed_out) = match waited {
        Ok(Ok(status)) => (status.code(), false),
        Ok(Err(e)) => return failed(shown, e.to_string()),
        Err(_) => (None, true),
    };
    HookRun {
        command: shown,
        status,
        timed_out,
        error: None,
        stdout: clean(&out),
        stderr: clean(&err),
        elapsed: started.elapsed(),
    }
}

#[cfg(test)]
mod tests;
