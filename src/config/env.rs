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
