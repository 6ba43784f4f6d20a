//! The environment variables the harness reads, read in one place. (Flags' environment twins,
//! such as `ADDON_MANIFEST`, are clap's; hooks pass on the variables their templates name.)

use std::path::PathBuf;

use crate::manifest::Manifest;

/// The manifest's password, replacing `api.password` (for CI secrets).
pub const PASSWORD: &str = "ADDON_PASSWORD";
/// The manifest's SSO salt, replacing `api.sso_salt`.
pub const SSO_SALT: &str = "ADDON_SSO_SALT";
/// The partner's OAuth client secret, replacing `[platform] client_secret`.
pub const OAUTH_CLIENT_SECRET: &str = "ADDON_OAUTH_CLIENT_SECRET";

/// What the environment says, read once at start.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub password: Option<String>,
    pub sso_salt: Option<String>,
    pub oauth_client_secret: Option<String>,
    /// `NO_COLOR` is set (any value).
    pub no_color: bool,
    /// Running as a GitHub Actions step (`GITHUB_ACTIONS`).
    pub github_actions: bool,
    /// `GITHUB_STEP_SUMMARY`: the file the step summary is appended to.
    pub github_step_summary: Option<PathBuf>,
    /// `PATH`, where hook programs are looked up before a run.
    pub path: Option<String>,
}

impl Environment {
    pub fn read() -> Self {
        let text = |name: &str| std::env::var(name).ok();
        Self {
            password: text(PASSWORD),
            sso_salt: text(SSO_SALT),
            oauth_client_secret: text(OAUTH_CLIENT_SECRET),
            no_color: std::env::var_os("NO_COLOR").is_some(),
            github_actions: std::env::var_os("GITHUB_ACTIONS").is_some(),
            github_step_summary: std::env::var_os("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            path: text("PATH"),
        }
    }

    /// Replaces the manifest's secrets with ADDON_PASSWORD / ADDON_SSO_SALT when they are set.
    pub fn apply_secrets(&self, manifest: &mut Manifest) {
        for (value, key) in [(&self.password, "password"), (&self.sso_salt, "sso_salt")] {
            let Some(value) = value else { continue };
            manifest.raw["api"][key] = serde_json::Value::String(value.clone());
            match key {
                "password" => manifest.password = Some(value.clone()),
                _ => manifest.sso_salt = Some(value.clone()),
            }
        }
    }
}

/// The interception variables, as an add-on reads them (the reference partner in its
/// hardcoded-hosts mode).
#[derive(Debug, Clone, Default)]
pub struct ProxyEnvironment {
    /// `HTTPS_PROXY`, else `https_proxy`.
    pub https_proxy: Option<String>,
    /// `SSL_CERT_FILE`.
    pub ssl_cert_file: Option<PathBuf>,
}

impl ProxyEnvironment {
    pub fn read() -> Self {
        Self {
            https_proxy: std::env::var("HTTPS_PROXY")
                .or_else(|_| std::env::var("https_proxy"))
                .ok()
                .filter(|p| !p.is_empty()),
            ssl_cert_file: std::env::var_os("SSL_CERT_FILE").map(PathBuf::from),
        }
    }
}

/// A variable of the harness's environment that `[partner] env` names by `$NAME`.
pub fn variable(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a `[partner] env` value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvValue<'a> {
    /// Taken as it is.
    Plain,
    /// `$NAME` or `${NAME}`: read NAME from the harness's environment.
    Reference(&'a str),
    /// Starts with `$` but names no variable.
    Malformed,
}

pub fn env_value(value: &str) -> EnvValue<'_> {
    let Some(rest) = value.strip_prefix('$') else {
        return EnvValue::Plain;
    };
    let name = rest
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(rest);
    if is_variable_name(name) {
        EnvValue::Reference(name)
    } else {
        EnvValue::Malformed
    }
}
