//! The harness config file (TOML) and the effective settings of a run: command line over config
//! file over manifest.

mod duration;
mod sections;

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use duration::{format_duration, parse_duration};
pub(crate) use duration::{opt_duration, ser_opt_duration};
pub use sections::*;

use crate::error::HarnessError;
use crate::manifest::Manifest;

/// The Common Runtime US region as Heroku sends it.
pub const DEFAULT_REGION: &str = "amazon-web-services::us-east-1";

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub partner: PartnerSection,
    #[serde(default)]
    pub plans: Plans,
    #[serde(default)]
    pub provision: ProvisionSection,
    #[serde(default)]
    pub timeouts: Timeouts,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub manifest: ManifestSection,
    #[serde(default)]
    pub regions: RegionsSection,
    #[serde(default)]
    pub idempotency: IdempotencySection,
    #[serde(default)]
    pub platform: PlatformSection,
    #[serde(default)]
    pub hooks: HooksSection,
    #[serde(default)]
    pub sharing: SharingSection,
    #[serde(default)]
    pub sso: SsoSection,
}

pub use crate::hooks::{HooksSection, SharingSection};
pub use crate::partner::sso::SsoSection;

impl Config {
    pub fn load(path: &Path) -> Result<Self, HarnessError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            HarnessError::input(
                path.display().to_string(),
                "(file)",
                format!("cannot read the config: {e}"),
                "pass an existing file with --config, or leave --config out",
            )
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, source: &str) -> Result<Self, HarnessError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let field = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}")
                })
                .unwrap_or_else(|| "(document)".to_owned());
            HarnessError::input(
                source,
                field,
                e.message().to_owned(),
                "compare with the commented config that `serve-reference --write-config` writes",
            )
        })?;
        config.validate(source)?;
        Ok(config)
    }

    fn validate(&self, source: &str) -> Result<(), HarnessError> {
        let t = &self.timeouts;
        let day = Duration::from_secs(24 * 3600);
        let bounded = [
            ("timeouts.request", t.request, day),
            ("timeouts.connect", t.connect, day),
            ("timeouts.warn_after", t.warn_after, day),
            ("timeouts.fail_after", t.fail_after, day),
            ("timeouts.callback", t.callback, day),
            ("timeouts.provision_action", t.provision_action, day),
            ("platform.token_ttl", self.platform.token_ttl, 30 * day),
            ("platform.grant_ttl", self.platform.grant_ttl, 30 * day),
        ];
        for (field, value, max) in bounded {
            if value > max {
                return Err(HarnessError::input(
                    source,
                    field,
                    format!(
                        "`{}` is longer than the {} this harness accepts",
                        format_duration(value),
                        format_duration(max)
                    ),
                    "give a shorter duration",
                ));
            }
        }
        if t.warn_after > t.fail_after {
            return Err(HarnessError::input(
                source,
                "timeouts.warn_after",
                "is longer than timeouts.fail_after",
                "the soft budget (warn_after) must not exceed the hard one (fail_after)",
            ));
        }
        if self.idempotency.concurrent_deliveries > 50 {
            return Err(HarnessError::input(
                source,
                "idempotency.concurrent_deliveries",
                "is above 50",
                "a handful (the default is 5) finds races; 0 or 1 skips the check",
            ));
        }
        if t.request.is_zero() || t.connect.is_zero() {
            return Err(HarnessError::input(
                source,
                "timeouts.request / timeouts.connect",
                "is zero",
                "give a positive duration such as 10s",
            ));
        }
        crate::hooks::validate(&self.hooks, &self.sharing, source)?;
        for (field, url) in [
            ("partner.base_url", &self.partner.base_url),
            ("partner.sso_url", &self.partner.sso_url),
        ] {
            if let Some(u) = url {
                check_url(source, field, u)?;
            }
        }
        if let Some(u) = &self.platform.url {
            check_url(source, "platform.url", u)?;
        }
        if let Some(b) = &self.platform.bind {
            parse_bind(source, "platform.bind", b)?;
        }
        Ok(())
    }
}

fn check_url(source: &str, field: &str, url: &str) -> Result<(), HarnessError> {
    match url::Url::parse(url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Ok(()),
        Ok(_) | Err(_) => Err(HarnessError::input(
            source,
            field,
            format!("`{url}` is not an http(s) URL"),
            "give an absolute URL such as http://127.0.0.1:3000/heroku/resources",
        )),
    }
}

/// Parses a listen address such as 127.0.0.1:0.
pub fn parse_bind(
    source: &str,
    field: &str,
    text: &str,
) -> Result<std::net::SocketAddr, HarnessError> {
    text.parse().map_err(|_| {
        HarnessError::input(
            source,
            field,
            format!("`{text}` is not an address such as 127.0.0.1:0"),
            "give an IP address and a port (0 picks a free one)",
        )
    })
}

/// Command-line values that override the config file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub sso_url: Option<String>,
    pub plan: Option<String>,
    pub connect_timeout: Option<Duration>,
    pub request_timeout: Option<Duration>,
    pub callback_timeout: Option<Duration>,
    pub network: crate::network::Network,
    pub platform_bind: Option<String>,
    pub platform_url: Option<String>,
}

/// What a run uses, after the command line, the config file and the manifest are merged.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    /// Where provisioning requests go.
    pub base_url: Option<String>,
    /// True when `base_url` does not come from the manifest.
    pub base_url_overridden: bool,
    pub sso_url: Option<String>,
    pub sso_url_overridden: bool,
    pub default_plan: Option<String>,
    pub network: crate::network::Network,
}

impl Settings {
    pub fn resolve(
        manifest: &Manifest,
        mut config: Config,
        overrides: &Overrides,
        config_source: &str,
    ) -> Result<Self, HarnessError> {
        if let Some(u) = &overrides.base_url {
            check_url("--base-url", "(value)", u)?;
        }
        if let Some(u) = &overrides.sso_url {
            check_url("--sso-url", "(value)", u)?;
        }
        let pick =
            |cli: &Option<String>, file: &Option<String>, man: &Option<String>| match (cli, file) {
                (Some(u), _) | (None, Some(u)) => (Some(u.clone()), Some(u) != man.as_ref()),
                (None, None) => (man.clone(), false),
            };
        let (base_url, base_url_overridden) = pick(
            &overrides.base_url,
            &config.partner.base_url,
            &manifest.base_url,
        );
        let (sso_url, sso_url_overridden) = pick(
            &overrides.sso_url,
            &config.partner.sso_url,
            &manifest.sso_url,
        );
        if let Some(u) = &base_url {
            check_url(&manifest.source, "api.production.base_url", u)?;
        }
        let default_plan = overrides
            .plan
            .clone()
            .or_else(|| config.plans.default.clone());
        if let Some(b) = &overrides.platform_bind {
            parse_bind("--platform-bind", "(value)", b)?;
            config.platform.bind = Some(b.clone());
        }
        if let Some(u) = &overrides.platform_url {
            check_url("--platform-url", "(value)", u)?;
            config.platform.url = Some(u.clone());
        }
        if let Ok(secret) = std::env::var("ADDON_OAUTH_CLIENT_SECRET") {
            config.platform.client_secret = Some(secret);
        }
        if let Some(b) = &config.platform.bind {
            parse_bind(config_source, "platform.bind", b)?;
        }
        if let Some(t) = overrides.connect_timeout {
            config.timeouts.connect = t;
        }
        if let Some(t) = overrides.request_timeout {
            config.timeouts.request = t;
        }
        if let Some(t) = overrides.callback_timeout {
            config.timeouts.callback = t;
        }
        Ok(Self {
            config,
            base_url,
            base_url_overridden,
            sso_url,
            sso_url_overridden,
            default_plan,
            network: overrides.network.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("3s").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("3 fortnights").is_err());
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_secs(3)), "3s");
    }

    #[test]
    fn unknown_field_names_file_line_and_field() {
        let e = Config::parse("[timeouts]\nrequest = \"1s\"\nwarn = \"2s\"\n", "conf.toml")
            .unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("conf.toml") && s.contains("line 3") && s.contains("warn"),
            "{s}"
        );
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn absurd_durations_are_input_errors_not_overflows() {
        assert!(parse_duration("99999999999999999999h").is_err());
        assert!(parse_duration("18446744073709551615h").is_err());
        let e =
            Config::parse("[platform]\ngrant_ttl = 9223372036854775807\n", "c.toml").unwrap_err();
        assert!(e.to_string().contains("platform.grant_ttl"), "{e}");
    }

    #[test]
    fn bad_duration_is_an_input_error() {
        let e = Config::parse("[timeouts]\nrequest = \"soon\"\n", "c.toml").unwrap_err();
        assert!(e.to_string().contains("soon"), "{e}");
    }

    #[test]
    fn warn_must_not_exceed_fail() {
        let e = Config::parse(
            "[timeouts]\nwarn_after = \"5s\"\nfail_after = \"1s\"\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("timeouts.warn_after"), "{e}");
    }
}
