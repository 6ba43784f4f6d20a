//! The effective settings of a run, resolved once: command line over config file over manifest
//! (and the environment for the OAuth client secret). Nothing is written back into the file's
//! [`Config`]; every value a run uses is a typed field here.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

pub use super::launch::{DEFAULT_INTERCEPT_DIR, InterceptConfig, LaunchConfig};
use super::launch::{intercept, launch};
use super::values::HttpUrl;
use super::{
    Config, DeprovisionSection, HooksSection, IdempotencySection, Limits, ManifestSection, Plans,
    ProvisionSection, RegionsSection, RunSection, SharingSection, Timeouts,
};
use crate::error::HarnessError;
use crate::manifest::Manifest;
use crate::network::Network;

/// Command-line values that override the config file, already typed by clap.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<HttpUrl>,
    pub sso_url: Option<HttpUrl>,
    pub plan: Option<String>,
    pub connect_timeout: Option<Duration>,
    pub request_timeout: Option<Duration>,
    pub callback_timeout: Option<Duration>,
    pub network: Network,
    pub platform_bind: Option<SocketAddr>,
    pub platform_url: Option<HttpUrl>,
    /// ADDON_OAUTH_CLIENT_SECRET (read by `config::env`).
    pub client_secret: Option<String>,
    /// `--intercept`.
    pub intercept: bool,
    /// `--intercept-pass HOST` (repeatable).
    pub intercept_pass: Vec<String>,
    /// `--intercept-listen ADDR`.
    pub intercept_listen: Option<SocketAddr>,
    /// `--intercept-proxy ADDR`: where the proxy listens (default: a free loopback port).
    pub intercept_proxy: Option<SocketAddr>,
    /// `--intercept-dir DIR`: where the run's CA is kept.
    pub intercept_dir: Option<PathBuf>,
    /// `--partner-cmd CMD`.
    pub partner_cmd: Option<String>,
    /// Do not make the Java trust store (`demo` and tests, which start no Java add-on).
    pub intercept_no_java: bool,
}

/// The fake platform's effective settings.
#[derive(Debug, Clone)]
pub struct PlatformConfig {
    /// Where it listens (default 127.0.0.1 with a free port).
    pub bind: SocketAddr,
    /// Its public URL when the partner reaches it through a tunnel.
    pub url: Option<HttpUrl>,
    pub client_secret: Option<String>,
    pub token_ttl: Duration,
    pub grant_ttl: Duration,
    pub max_body_bytes: usize,
}

/// What a run uses, after the command line, the config file and the manifest are merged.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where provisioning requests go.
    pub base_url: Option<HttpUrl>,
    /// True when `base_url` does not come from the manifest.
    pub base_url_overridden: bool,
    pub sso_url: Option<HttpUrl>,
    pub sso_url_overridden: bool,
    /// `plans.default` is `--plan` when given.
    pub plans: Plans,
    pub provision: ProvisionSection,
    /// With `--connect-timeout`, `--request-timeout` and `--callback-timeout` applied.
    pub timeouts: Timeouts,
    pub limits: Limits,
    pub manifest: ManifestSection,
    pub regions: RegionsSection,
    pub idempotency: IdempotencySection,
    pub platform: PlatformConfig,
    pub hooks: HooksSection,
    pub sharing: SharingSection,
    /// `[deprovision]`: whether a 202 to a DELETE is the async deprovisioning beta.
    pub deprovision: DeprovisionSection,
    /// `[run]`: suites at once.
    pub run: RunSection,
    /// `[sso]`: further hosts SSO redirects may be followed to.
    pub sso: crate::partner::sso::SsoSection,
    pub network: Network,
    /// Interception of Heroku's hosts (`--intercept`, `[platform] intercept`).
    pub intercept: Option<InterceptConfig>,
    /// The add-on's process (`--partner-cmd`, `[partner] command`).
    pub launch: Option<LaunchConfig>,
}

impl Settings {
    /// How the partner client reaches the partner at `base_url` with `manifest`'s credentials.
    pub fn client_settings(
        &self,
        manifest: &crate::manifest::Manifest,
        base_url: Option<String>,
    ) -> crate::partner::client::ClientSettings {
        crate::partner::client::ClientSettings {
            base_url,
            username: manifest.username().to_owned(),
            password: manifest.password.clone().unwrap_or_default(),
            request_timeout: self.timeouts.request,
            connect_timeout: self.timeouts.connect,
            max_body_bytes: self.limits.max_body_bytes,
            network: self.network.clone(),
        }
    }

    pub fn resolve(
        manifest: &Manifest,
        config: Config,
        overrides: &Overrides,
        config_source: &str,
    ) -> Result<Self, HarnessError> {
        let manifest_url = |field: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|u| {
                    u.parse::<HttpUrl>()
                        .map_err(|e| HarnessError::input(&manifest.source, field, e, fix_url()))
                })
                .transpose()
        };
        let man_base = manifest_url("api.production.base_url", &manifest.base_url);
        let man_sso = manifest_url("api.production.sso_url", &manifest.sso_url);
        let pick = |cli: &Option<HttpUrl>,
                    file: &Option<HttpUrl>,
                    man: Result<Option<HttpUrl>, HarnessError>| {
            match cli.as_ref().or(file.as_ref()) {
                Some(u) => Ok((Some(u.clone()), Some(u.as_str()) != man_text(&man))),
                None => man.map(|m| (m, false)),
            }
        };
        let (base_url, base_url_overridden) =
            pick(&overrides.base_url, &config.partner.base_url, man_base)?;
        let (sso_url, sso_url_overridden) =
            pick(&overrides.sso_url, &config.partner.sso_url, man_sso)?;
        let mut plans = config.plans;
        if let Some(plan) = &overrides.plan {
            plans.default = Some(plan.clone());
        }
        let mut timeouts = config.timeouts;
        timeouts.connect = overrides.connect_timeout.unwrap_or(timeouts.connect);
        timeouts.request = overrides.request_timeout.unwrap_or(timeouts.request);
        timeouts.callback = overrides.callback_timeout.unwrap_or(timeouts.callback);
        let p = config.platform;
        let intercept = intercept(overrides, p.intercept, p.url.is_some(), config_source)?;
        let launch = launch(overrides, &config.partner, config_source)?;
        let platform = PlatformConfig {
            bind: overrides
                .platform_bind
                .or(p.bind)
                .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
            url: match &intercept {
                // callback_url takes Heroku's own form: https://api.heroku.com/addons/{uuid}.
                Some(_) => crate::intercept::HEROKU_API_ORIGIN.parse().ok(),
                None => overrides.platform_url.clone().or(p.url),
            },
            client_secret: overrides.client_secret.clone().or(p.client_secret),
            token_ttl: p.token_ttl,
            grant_ttl: p.grant_ttl,
            max_body_bytes: p.max_body_bytes,
        };
        Ok(Self {
            base_url,
            base_url_overridden,
            sso_url,
            sso_url_overridden,
            plans,
            provision: config.provision,
            timeouts,
            limits: config.limits,
            manifest: config.manifest,
            regions: config.regions,
            idempotency: config.idempotency,
            platform,
            hooks: config.hooks,
            sharing: config.sharing,
            deprovision: config.deprovision,
            run: config.run,
            sso: config.sso,
            network: overrides.network.clone(),
            intercept,
            launch,
        })
    }

    /// The plan shared resources are provisioned on.
    pub fn default_plan(&self) -> Option<&str> {
        self.plans.default.as_deref()
    }
}

/// The manifest's URL as text, for "is the override different": an invalid one differs.
fn man_text(man: &Result<Option<HttpUrl>, HarnessError>) -> Option<&str> {
    match man {
        Ok(Some(u)) => Some(u.as_str()),
        Ok(None) | Err(_) => None,
    }
}

fn fix_url() -> &'static str {
    "give an absolute URL such as https://example.com/heroku/resources"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"{"id":"a","api":{"password":"p","production":{"base_url":"https://a.example/heroku/resources","sso_url":"https://a.example/sso"}}}"#,
            "m.json",
        )
        .unwrap()
    }

    #[test]
    fn the_command_line_beats_the_file_which_beats_the_manifest() {
        let config = Config::parse(
            "[partner]\nsso_url = \"http://127.0.0.1:1/sso\"\n[plans]\ndefault = \"basic\"\n[timeouts]\nrequest = \"9s\"\n[platform]\nbind = \"127.0.0.1:5050\"\nclient_secret = \"from-file\"\n",
            "c.toml",
        )
        .unwrap();
        let overrides = Overrides {
            base_url: "http://127.0.0.1:2/heroku/resources".parse().ok(),
            plan: Some("premium".into()),
            request_timeout: Some(Duration::from_secs(3)),
            platform_bind: "127.0.0.1:0".parse().ok(),
            client_secret: Some("from-env".into()),
            ..Overrides::default()
        };
        let s = Settings::resolve(&manifest(), config.clone(), &overrides, "c.toml").unwrap();
        assert_eq!(
            s.base_url.as_deref(),
            Some("http://127.0.0.1:2/heroku/resources")
        );
        assert!(s.base_url_overridden && s.sso_url_overridden);
        assert_eq!(s.sso_url.as_deref(), Some("http://127.0.0.1:1/sso"));
        assert_eq!(s.default_plan(), Some("premium"));
        assert_eq!(s.timeouts.request, Duration::from_secs(3));
        assert_eq!(s.platform.bind.port(), 0);
        assert_eq!(s.platform.client_secret.as_deref(), Some("from-env"));
        // The file's values are left as they were read.
        assert_eq!(config.plans.default.as_deref(), Some("basic"));
        assert_eq!(config.timeouts.request, Duration::from_secs(9));

        let s =
            Settings::resolve(&manifest(), Config::default(), &Overrides::default(), "-").unwrap();
        assert!(!s.base_url_overridden && !s.sso_url_overridden);
        assert_eq!(s.sso_url.as_deref(), Some("https://a.example/sso"));
        assert_eq!(s.platform.bind, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        assert_eq!(s.default_plan(), None);
    }

    #[test]
    fn a_manifest_url_that_is_no_url_is_an_input_error_naming_it() {
        let mut m = manifest();
        m.base_url = Some("a.example/heroku".into());
        let e = Settings::resolve(&m, Config::default(), &Overrides::default(), "-").unwrap_err();
        assert!(e.to_string().contains("api.production.base_url"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn interception_sets_herokus_own_origin_and_refuses_a_platform_url() {
        let on = Overrides {
            intercept: true,
            ..Overrides::default()
        };
        let s = Settings::resolve(&manifest(), Config::default(), &on, "c.toml").unwrap();
        assert_eq!(s.platform.url.as_deref(), Some("https://api.heroku.com"));
        let i = s.intercept.unwrap();
        assert!(i.proxy.ip().is_loopback() && i.java);
        assert_eq!(i.dir, PathBuf::from(DEFAULT_INTERCEPT_DIR));

        let both = Overrides {
            platform_url: "https://tunnel.example".parse().ok(),
            ..on.clone()
        };
        let e = Settings::resolve(&manifest(), Config::default(), &both, "c.toml").unwrap_err();
        assert!(e.to_string().contains("--platform-url"), "{e}");
        assert_eq!(e.exit_code(), 2);

        let file = Config::parse(
            "[platform]\nintercept = true\nurl = \"https://tunnel.example\"\n",
            "c.toml",
        )
        .unwrap();
        let e = Settings::resolve(&manifest(), file, &Overrides::default(), "c.toml").unwrap_err();
        assert!(e.to_string().contains("platform.url"), "{e}");

        let stray = Overrides {
            intercept_pass: vec!["api.stripe.com".into()],
            ..Overrides::default()
        };
        let e = Settings::resolve(&manifest(), Config::default(), &stray, "c.toml").unwrap_err();
        assert!(e.to_string().contains("--intercept-pass needs"), "{e}");
    }

    #[test]
    fn partner_env_references_are_read_from_the_environment_and_kept_secret() {
        // PATH is set in every test environment; its value stands in for a secret.
        let path = std::env::var("PATH").unwrap();
        let file = Config::parse(
            "[partner]\ncommand = \"./server\"\nready_timeout = \"5s\"\nenv = { MODE = \"test\", TOKEN = \"$PATH\", OTHER = \"${PATH}\" }\n",
            "c.toml",
        )
        .unwrap();
        let s = Settings::resolve(&manifest(), file, &Overrides::default(), "c.toml").unwrap();
        let launch = s.launch.unwrap();
        assert_eq!(launch.command, "./server");
        assert_eq!(launch.ready_timeout, Duration::from_secs(5));
        assert_eq!(launch.env.get("MODE").map(String::as_str), Some("test"));
        assert_eq!(launch.secret_env.get("TOKEN"), Some(&path));
        assert_eq!(launch.secret_env.get("OTHER"), Some(&path));

        for (value, says) in [
            ("$ADDON_CONFORMANCE_SURELY_UNSET_VARIABLE", "is not set"),
            ("$not a name", "not a $VARIABLE reference"),
        ] {
            let file = Config::parse(
                &format!("[partner]\ncommand = \"x\"\nenv = {{ T = \"{value}\" }}\n"),
                "c.toml",
            )
            .unwrap();
            let e =
                Settings::resolve(&manifest(), file, &Overrides::default(), "c.toml").unwrap_err();
            let text = e.to_string();
            assert!(
                text.contains("partner.env.T") && text.contains(says),
                "{text}"
            );
        }

        let cli = Overrides {
            partner_cmd: Some("./other".into()),
            ..Overrides::default()
        };
        let s = Settings::resolve(&manifest(), Config::default(), &cli, "c.toml").unwrap();
        assert_eq!(s.launch.unwrap().command, "./other");
    }
}
