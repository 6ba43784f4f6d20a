//! What `run`, `exec` and `sso` read before anything is sent: the manifest and the config (by
//! flag, or `./addon-manifest.json` and `./conformance.toml` as `init` writes them), the
//! environment, and the command-line overrides.

use std::path::{Path, PathBuf};

use super::args::TargetArgs;
use crate::config::env::Environment;
use crate::config::{Config, HttpUrl, Overrides};
use crate::error::HarnessError;
use crate::manifest::Manifest;
use crate::network::Network;

/// Where `init` writes, and where `run` looks when the flags are absent.
pub const DEFAULT_MANIFEST: &str = "addon-manifest.json";
pub const DEFAULT_CONFIG: &str = "conformance.toml";

/// The inputs of a command that talks to the partner.
pub struct Inputs {
    pub manifest: Manifest,
    pub config: Config,
    /// Where the config came from, for messages.
    pub config_source: String,
    pub env: Environment,
    /// "using addon-manifest.json and conformance.toml" when a default file was picked up.
    pub picked_up: Option<String>,
}

/// Reads the manifest (with ADDON_PASSWORD / ADDON_SSO_SALT applied) and the config (or the
/// defaults), picking up the files `init` writes when the flags are absent.
pub fn load(manifest: Option<&Path>, config: Option<&Path>) -> Result<Inputs, HarnessError> {
    let default_manifest = Path::new(DEFAULT_MANIFEST);
    let default_config = Path::new(DEFAULT_CONFIG);
    let manifest_path: PathBuf = match manifest {
        Some(p) => p.to_owned(),
        None if default_manifest.is_file() => default_manifest.to_owned(),
        None => {
            return Err(HarnessError::usage(
                format!("no --manifest given and no ./{DEFAULT_MANIFEST} here"),
                "pass --manifest PATH (or set ADDON_MANIFEST), or run in the directory that holds addon-manifest.json",
            ));
        }
    };
    let config_path = match config {
        Some(p) => Some(p.to_owned()),
        None => default_config.is_file().then(|| default_config.to_owned()),
    };
    let picked_up =
        (manifest.is_none() || (config.is_none() && config_path.is_some())).then(|| {
            let config = config_path.as_ref().map_or_else(
                || "no config (defaults)".to_owned(),
                |p| p.display().to_string(),
            );
            format!("using {} and {config}", manifest_path.display())
        });
    let env = Environment::read();
    let mut manifest = Manifest::load(&manifest_path)?;
    env.apply_secrets(&mut manifest);
    let (config, config_source) = match &config_path {
        Some(path) => (Config::load(path)?, path.display().to_string()),
        None => (
            Config::default(),
            format!("(no --config given and no ./{DEFAULT_CONFIG})"),
        ),
    };
    Ok(Inputs {
        manifest,
        config,
        config_source,
        env,
        picked_up,
    })
}

impl TargetArgs {
    /// The command-line overrides of the config file.
    pub(super) fn overrides(
        &self,
        sso_url: Option<HttpUrl>,
        env: &Environment,
    ) -> Result<Overrides, HarnessError> {
        let n = &self.network;
        Ok(Overrides {
            base_url: self.base_url.clone(),
            sso_url,
            plan: self.plan.clone(),
            connect_timeout: n.connect_timeout,
            request_timeout: n.request_timeout,
            callback_timeout: n.callback_timeout,
            network: Network::load(n.cacert.as_deref(), n.insecure)?,
            platform_bind: self.platform_bind,
            platform_url: self.platform_url.clone(),
            client_secret: env.oauth_client_secret.clone(),
            intercept: self.launch.intercept,
            intercept_pass: self.launch.intercept_pass.clone(),
            intercept_listen: self.launch.intercept_listen,
            intercept_proxy: self.launch.intercept_proxy,
            intercept_dir: self.launch.intercept_dir.clone(),
            partner_cmd: self.launch.partner_cmd.clone(),
            intercept_no_java: false,
        })
    }
}
