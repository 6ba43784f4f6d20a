//! The harness config file (TOML) and the effective settings of a run: command line over config
//! file over manifest.

mod duration;
pub mod env;
mod errors;
mod launch;
mod scenario;
mod sections;
mod settings;
mod values;

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use duration::{ConfigDuration, DURATION_FORM, format_duration, parse_duration};
pub use errors::INIT_FIX;
pub use sections::*;
pub use settings::{
    DEFAULT_INTERCEPT_DIR, InterceptConfig, LaunchConfig, Overrides, PlatformConfig, Settings,
};
pub use values::{HttpUrl, parse_socket_addr};

use crate::error::HarnessError;

pub use crate::heroku::DEFAULT_REGION;

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
    pub deprovision: DeprovisionSection,
    #[serde(default)]
    pub sso: SsoSection,
    #[serde(default)]
    pub run: RunSection,
}

pub use crate::partner::PathId;
pub use crate::partner::sso::SsoSection;

impl Config {
    pub fn load(path: &Path) -> Result<Self, HarnessError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            HarnessError::input(
                path.display().to_string(),
                "(file)",
                format!("cannot read the config: {e}"),
                format!("pass an existing file with --config, or leave --config out; {INIT_FIX}"),
            )
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, source: &str) -> Result<Self, HarnessError> {
        let config: Config =
            toml::from_str(text).map_err(|e| errors::describe(&e, text, source))?;
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
            ("timeouts.deprovision_action", t.deprovision_action, day),
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
        for (field, template) in [
            ("hooks.rotate", &self.hooks.rotate),
            ("hooks.verify_credentials", &self.hooks.verify_credentials),
            ("hooks.write_log", &self.hooks.write_log),
        ] {
            if let Some(t) = template
                && let Err(e) = crate::hooks::validate_template(t)
            {
                return Err(HarnessError::input(
                    source,
                    field,
                    e,
                    "write a shell command; {resource_uuid}, {provider_id}, {app}, {app_id}, {heroku_id} and {plan} are filled in",
                ));
            }
        }
        for (field, value) in [
            ("hooks.timeout", self.hooks.timeout),
            ("hooks.rotation_timeout", self.hooks.rotation_timeout),
        ] {
            if value.is_some_and(|t| t.is_zero()) {
                return Err(HarnessError::input(
                    source,
                    field,
                    "is zero",
                    "give a positive duration such as 30s",
                ));
            }
        }
        for (field, name) in [
            ("sharing.attach_as", &self.sharing.attach_as),
            ("sharing.attach_again_as", &self.sharing.attach_again_as),
        ] {
            if let Some(name) = name
                && !crate::heroku::naming::is_valid(name)
            {
                return Err(HarnessError::input(
                    source,
                    field,
                    format!("`{name}` is not a valid attachment name"),
                    "use A-Z, 0-9 and _, starting with a letter (e.g. BALLOON)",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        let e = Config::parse(text, "c.toml").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        e.to_string()
    }

    #[test]
    fn a_typo_names_the_key_and_the_closest_one_and_points_to_init() {
        let s = error("[plans]\ndefualt = \"basic\"\n");
        assert!(s.contains("plans.defualt"), "{s}");
        assert!(s.contains("did you mean `default`?"), "{s}");
        assert!(s.contains("addon-conformance init"), "{s}");
        let s = error("[timeout]\nrequest = \"1s\"\n");
        assert!(s.contains("did you mean `timeouts`?"), "{s}");
    }

    #[test]
    fn a_wrong_type_for_a_duration_shows_the_accepted_form() {
        let s = error("[timeouts]\n\nrequest = true\n");
        assert!(s.contains("timeouts.request (line 3)"), "{s}");
        assert!(s.contains("\"250ms\", \"3s\""), "{s}");
        assert!(!s.contains("untagged"), "{s}");
    }

    #[test]
    fn a_bare_number_is_not_a_duration() {
        let s = error("[timeouts]\nwarn_after = 3\n");
        assert!(
            s.contains("timeouts.warn_after") && s.contains("(e.g. \"3s\")"),
            "{s}"
        );
    }

    #[test]
    fn urls_and_addresses_are_typed_when_read() {
        let s = error("[partner]\nbase_url = \"localhost:3000\"\n");
        assert!(s.contains("partner.base_url"), "{s}");
        let s = error("[platform]\nbind = \"localhost\"\n");
        assert!(
            s.contains("platform.bind") && s.contains("127.0.0.1:0"),
            "{s}"
        );
        let c = Config::parse("[platform]\nbind = \"127.0.0.1:5050\"\n", "c").unwrap();
        assert_eq!(c.platform.bind.map(|b| b.port()), Some(5050));
    }

    #[test]
    fn bad_templates_and_names_are_input_errors() {
        assert!(error("[hooks]\ntimeout = \"0s\"\n").contains("hooks.timeout"));
        assert!(error("[sharing]\nattach_as = \"my-db\"\n").contains("sharing.attach_as"));
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
