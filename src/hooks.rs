//! Hooks: shell commands from the config (`[hooks]`) that make the partner do what only it can
//! start, such as rotating a resource's credentials, or that prove something only the partner
//! knows, such as whether old credentials still work. A hook is a template (`{resource_uuid}`,
//! `{app}`, …) run with `sh -c` and a timeout; secrets reach it through environment variables,
//! never through its arguments, and its output is redacted before it becomes evidence.
//! Also the `[sharing]` section (the name of the attachment to a second app).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::redact::Redactor;

/// `[hooks]` in the config.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HooksSection {
    /// Makes the partner rotate the credentials of `{resource_uuid}` (it PATCHes the config).
    pub rotate: Option<String>,
    /// Exits 0 when the credentials in its environment (the manifest's config var names) work.
    pub verify_credentials: Option<String>,
    /// How long a hook may run (default 30s).
    #[serde(
        default,
        deserialize_with = "crate::config::opt_duration",
        serialize_with = "crate::config::ser_opt_duration"
    )]
    pub timeout: Option<Duration>,
}

/// `[sharing]` in the config.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SharingSection {
    /// The name the attachment to a second app is given, as a user would with `--as`.
    /// Without it Heroku's heuristic picks one.
    pub attach_as: Option<String>,
}

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

/// Checks the templates' placeholders and the attachment name when the config is read.
pub fn validate(
    hooks: &HooksSection,
    sharing: &SharingSection,
    source: &str,
) -> Result<(), crate::error::HarnessError> {
    let sample: BTreeMap<&str, String> = PLACEHOLDERS.iter().map(|p| (*p, "x".into())).collect();
    for (field, template) in [
        ("hooks.rotate", &hooks.rotate),
        ("hooks.verify_credentials", &hooks.verify_credentials),
    ] {
        if let Some(t) = template
            && let Err(e) = render(t, &sample)
        {
            return Err(crate::error::HarnessError::input(
                source,
                field,
                e,
                "write a shell command; {resource_uuid}, {provider_id}, {app}, {app_id}, {heroku_id} and {plan} are filled in",
            ));
        }
    }
    if hooks.timeout.is_some_and(|t| t.is_zero()) {
        return Err(crate::error::HarnessError::input(
            source,
            "hooks.timeout",
            "is zero",
            "give a positive duration such as 30s",
        ));
    }
    if let Some(name) = &sharing.attach_as
        && !crate::platform::naming::is_valid(name)
    {
        return Err(crate::error::HarnessError::input(
            source,
            "sharing.attach_as",
            format!("`{name}` is not a valid attachment name"),
            "use A-Z, 0-9 and _, starting with a letter (e.g. BALLOON)",
        ));
    }
    Ok(())
}

/// A placeholder value must be plain (no shell syntax): ids, names, slugs.
fn plain(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@:-".contains(c))
}

/// Fills `{name}` placeholders. Unknown placeholders and values that are not plain are errors.
pub fn render(template: &str, vars: &BTreeMap<&str, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(format!("an unclosed `{{` in `{template}`"));
        };
        let name = &after[..end];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder `{{{name}}}`; known: {}",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let value = vars
            .get(name)
            .ok_or_else(|| format!("no value for `{{{name}}}` here"))?;
        if !plain(value) {
            return Err(format!("the value of `{{{name}}}` is not a plain id"));
        }
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Most output kept per stream.
const OUTPUT_BYTES: usize = 2048;

/// Runs `template` with `sh -c`, the placeholders filled from `vars` and `env` added to its
/// environment; kills it after `timeout`.
pub async fn run(
    template: &str,
    vars: &BTreeMap<&str, String>,
    env: &BTreeMap<String, String>,
    timeout: Duration,
    redactor: &Redactor,
) -> HookRun {
    let started = Instant::now();
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
    let shown = redactor.text(&command);
    let mut child = tokio::process::Command::new("sh");
    for name in HARNESS_SECRET_ENV {
        child.env_remove(name);
    }
    let child = child
        .arg("-c")
        .arg(&command)
        .envs(env)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => return failed(shown, e.to_string()),
    };
    let clean = |bytes: &[u8]| {
        redactor.text(&crate::partner::client::cut(
            String::from_utf8_lossy(bytes).into_owned(),
            OUTPUT_BYTES,
        ))
    };
    match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Ok(Ok(out)) => HookRun {
            command: shown,
            status: out.status.code(),
            timed_out: false,
            error: None,
            stdout: clean(&out.stdout),
            stderr: clean(&out.stderr),
            elapsed: started.elapsed(),
        },
        Ok(Err(e)) => failed(shown, e.to_string()),
        // Dropping the future drops the child, which kills it.
        Err(_) => HookRun {
            command: shown,
            status: None,
            timed_out: true,
            error: None,
            stdout: String::new(),
            stderr: String::new(),
            elapsed: started.elapsed(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("resource_uuid", "0f5e-11".to_owned()),
            ("app", "my-app".to_owned()),
        ])
    }

    #[test]
    fn renders_known_placeholders_and_refuses_the_rest() {
        assert_eq!(
            render("rotate {resource_uuid} --app {app}", &vars()).unwrap(),
            "rotate 0f5e-11 --app my-app"
        );
        assert!(render("x {nope}", &vars()).unwrap_err().contains("unknown"));
        assert!(
            render("x {plan}", &vars())
                .unwrap_err()
                .contains("no value")
        );
        assert!(render("x {app", &vars()).unwrap_err().contains("unclosed"));
        let evil = BTreeMap::from([("app", "a; rm -rf /".to_owned())]);
        assert!(render("x {app}", &evil).unwrap_err().contains("plain"));
    }

    #[test]
    fn bad_templates_and_names_are_input_errors() {
        let hooks = HooksSection {
            rotate: Some("rotate {uuid}".into()),
            ..HooksSection::default()
        };
        let e = validate(&hooks, &SharingSection::default(), "c.toml").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("hooks.rotate"), "{e}");
        let sharing = SharingSection {
            attach_as: Some("my-db".into()),
        };
        let e = validate(&HooksSection::default(), &sharing, "c.toml").unwrap_err();
        assert!(e.to_string().contains("sharing.attach_as"), "{e}");
    }

    #[tokio::test]
    async fn runs_with_secrets_in_the_environment_redacted_from_output() {
        let r = Redactor::new();
        r.add("config", "sekrit-value-123");
        let env = BTreeMap::from([("HOOK_SECRET".to_owned(), "sekrit-value-123".to_owned())]);
        let run = run(
            "echo $HOOK_SECRET {app}; exit 3",
            &vars(),
            &env,
            Duration::from_secs(5),
            &r,
        )
        .await;
        assert_eq!(run.status, Some(3));
        assert!(run.stdout.contains("my-app"), "{run:?}");
        assert!(!run.stdout.contains("sekrit"), "{run:?}");
        assert!(!run.summary().contains("sekrit"));
    }

    #[tokio::test]
    async fn a_hanging_hook_times_out() {
        let run = run(
            "sleep 5",
            &vars(),
            &BTreeMap::new(),
            Duration::from_millis(100),
            &Redactor::new(),
        )
        .await;
        assert!(run.timed_out && !run.succeeded(), "{run:?}");
    }
}
