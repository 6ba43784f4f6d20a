//! Interception and the add-on's own process, as resolved settings: `--intercept` and its
//! options over `[platform] intercept`; `--partner-cmd` over `[partner] command`, with
//! `[partner] env` values that are `$VARIABLE` references read from the harness's environment.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::Overrides;
use crate::error::HarnessError;

/// Interception of Heroku's hosts, when the run asks for it.
#[derive(Debug, Clone)]
pub struct InterceptConfig {
    pub proxy: SocketAddr,
    pub direct: Option<SocketAddr>,
    pub pass: Vec<String>,
    pub dir: PathBuf,
    /// Make a Java trust store (runs keytool).
    pub java: bool,
}

/// The add-on's own process, when the harness starts it.
#[derive(Debug, Clone)]
pub struct LaunchConfig {
    /// Run with `sh -c`.
    pub command: String,
    pub ready_timeout: Duration,
    /// Plain variables.
    pub env: BTreeMap<String, String>,
    /// Variables whose values came from `$NAME` references: secret.
    pub secret_env: BTreeMap<String, String>,
}

/// Where the CA is kept unless `--intercept-dir` says otherwise (shared with `intercept-env`).
pub const DEFAULT_INTERCEPT_DIR: &str = crate::intercept::command::DEFAULT_DIR;

pub(super) fn intercept(
    overrides: &Overrides,
    from_file: bool,
    file_url: bool,
    source: &str,
) -> Result<Option<InterceptConfig>, HarnessError> {
    if !(overrides.intercept || from_file) {
        let stray = [
            (!overrides.intercept_pass.is_empty(), "--intercept-pass"),
            (overrides.intercept_listen.is_some(), "--intercept-listen"),
            (overrides.intercept_proxy.is_some(), "--intercept-proxy"),
        ];
        if let Some((_, flag)) = stray.iter().find(|(given, _)| *given) {
            return Err(HarnessError::usage(
                format!("{flag} needs interception"),
                "add --intercept (or [platform] intercept = true in the config)",
            ));
        }
        return Ok(None);
    }
    if overrides.platform_url.is_some() {
        return Err(HarnessError::usage(
            "--platform-url and --intercept cannot be used together: with interception \
             callback_url is Heroku's own https://api.heroku.com/addons/{uuid}",
            "drop --platform-url, or drop --intercept",
        ));
    }
    if file_url {
        return Err(HarnessError::input(
            source,
            "platform.url",
            "set while intercepting: callback_url is then Heroku's own https://api.heroku.com/addons/{uuid}",
            "remove [platform] url, or turn interception off",
        ));
    }
    let proxy = overrides
        .intercept_proxy
        .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    if !proxy.ip().is_loopback() {
        return Err(HarnessError::usage(
            format!("--intercept-proxy {proxy} is not a loopback address"),
            "the proxy listens on loopback only, e.g. 127.0.0.1:8089",
        ));
    }
    Ok(Some(InterceptConfig {
        proxy,
        direct: overrides.intercept_listen,
        pass: overrides.intercept_pass.clone(),
        dir: overrides
            .intercept_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_INTERCEPT_DIR)),
        java: !overrides.intercept_no_java,
    }))
}

pub(super) fn launch(
    overrides: &Overrides,
    partner: &super::PartnerSection,
    source: &str,
) -> Result<Option<LaunchConfig>, HarnessError> {
    let Some(command) = overrides.partner_cmd.clone().or(partner.command.clone()) else {
        return Ok(None);
    };
    if command.trim().is_empty() {
        return Err(HarnessError::input(
            source,
            "partner.command",
            "empty",
            "give the command that starts your add-on, e.g. \"bundle exec rails server -p 3000\"",
        ));
    }
    let mut env = BTreeMap::new();
    let mut secret_env = BTreeMap::new();
    for (name, value) in &partner.env {
        let key = format!("partner.env.{name}");
        if !super::env::is_variable_name(name) {
            return Err(HarnessError::input(
                source,
                key,
                "not a variable name",
                "use letters, digits and _ (not starting with a digit)",
            ));
        }
        match super::env::env_value(value) {
            super::env::EnvValue::Reference(var) => {
                let Some(resolved) = super::env::variable(var) else {
                    return Err(HarnessError::input(
                        source,
                        key,
                        format!("${var} is not set in the harness's environment"),
                        format!("export {var} before the run, or remove the entry"),
                    ));
                };
                secret_env.insert(name.clone(), resolved);
            }
            super::env::EnvValue::Malformed => {
                return Err(HarnessError::input(
                    source,
                    key,
                    format!("`{value}` is not a $VARIABLE reference"),
                    "write \"$NAME\" or \"${NAME}\" to read NAME from the harness's environment",
                ));
            }
            super::env::EnvValue::Plain => {
                env.insert(name.clone(), value.clone());
            }
        }
    }
    Ok(Some(LaunchConfig {
        command,
        ready_timeout: partner.ready_timeout,
        env,
        secret_env,
    }))
}
