//! What a run rejects before anything is sent, as a list (a real run stops at the first; a dry
//! run shows them all), and which planned checks will skip and why, from the settings alone.

use super::PlannedSuite;
use crate::config::Settings;
use crate::error::HarnessError;
use crate::manifest::Manifest;

/// Every input problem that makes this run impossible, in the order a run would meet them.
/// (A manifest no request can authenticate with is the CLI's to refuse: `demo` judges such
/// manifests on purpose.)
/// Hook programs are looked up on `path_var` (the `PATH`); None leaves them unchecked.
pub fn problems(
    plan: &[PlannedSuite],
    manifest: &Manifest,
    settings: &Settings,
    config_source: &str,
    path_var: Option<&str>,
) -> Vec<HarnessError> {
    let mut out = Vec::new();
    if plan.is_empty() {
        out.push(HarnessError::usage(
            "the selection matches no check",
            "check --suite, --check and --skip; `addon-conformance list` shows what exists",
        ));
    }
    let network = plan.iter().any(|s| s.suite.network);
    if network && settings.base_url.is_none() {
        out.push(HarnessError::input(
            &manifest.source,
            "api.production.base_url",
            "missing, and no override given",
            "set it in the manifest, or pass --base-url (or [partner] base_url in the config) for a local run",
        ));
    }
    if plan.iter().any(|s| !s.suite.resources.is_empty()) && settings.default_plan().is_none() {
        out.push(HarnessError::input(
            config_source,
            "plans.default",
            "missing: the harness does not guess plan names",
            "set [plans] default = \"<your cheapest plan>\" in the config, or pass --plan",
        ));
    }
    let hooks = [
        ("hooks.rotate", &settings.hooks.rotate),
        (
            "hooks.verify_credentials",
            &settings.hooks.verify_credentials,
        ),
    ];
    for (key, template) in hooks.into_iter().filter(|_| path_var.is_some()) {
        if let Some(problem) = template
            .as_deref()
            .and_then(|t| crate::hooks::program_problem(t, path_var))
        {
            out.push(HarnessError::input(
                config_source,
                key,
                problem,
                "install the program, or give its full path in the hook",
            ));
        }
    }
    out
}

/// A check that will skip (or may skip, depending on the partner's answers) and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExpectedSkip {
    pub check: String,
    /// False when it depends on how the partner answers (e.g. a synchronous answer).
    pub certain: bool,
    pub reason: String,
}

/// The skips a run of `plan` will show, known from the manifest and the settings alone. The
/// reasons say the same as the checks' own skip messages.
pub fn expected_skips(
    plan: &[PlannedSuite],
    manifest: &Manifest,
    settings: &Settings,
) -> Vec<ExpectedSkip> {
    let mut out = Vec::new();
    for suite in plan {
        let missing: Vec<&str> = suite
            .suite
            .requires
            .iter()
            .filter(|f| !manifest.requires(f))
            .map(String::as_str)
            .collect();
        for planned in &suite.checks {
            let id = planned.check.id;
            let skip = if missing.is_empty() {
                check_skip(id, &suite.suite.name, manifest, settings)
            } else {
                Some((
                    true,
                    format!(
                        "the manifest does not declare {} in api.requires",
                        missing.join(", ")
                    ),
                ))
            };
            if let Some((certain, reason)) = skip {
                out.push(ExpectedSkip {
                    check: id.to_owned(),
                    certain,
                    reason,
                });
            }
        }
    }
    out
}

/// Token lifetimes at or below this exercise refresh (as OAUTH-03 judges).
const REFRESH_TTL: std::time::Duration = std::time::Duration::from_secs(90);

fn check_skip(id: &str, suite: &str, manifest: &Manifest, s: &Settings) -> Option<(bool, String)> {
    let sure = |text: &str| Some((true, text.to_owned()));
    let no_secret =
        "no client secret configured: set [platform] client_secret or ADDON_OAUTH_CLIENT_SECRET";
    match id {
        "PLAN-02" if s.plans.upgrade.is_none() => {
            sure("no upgrade plan: set [plans] upgrade in the config")
        }
        "PLAN-02.downgrade" if s.plans.downgrade.is_none() => {
            sure("no downgrade plan: set [plans] downgrade in the config")
        }
        "PLAN-03.forbidden" if s.plans.forbidden_transitions.is_empty() => {
            sure("no forbidden plan changes: list them in [plans] forbidden_transitions")
        }
        "ROTATE-02" if s.hooks.verify_credentials.is_none() => sure(
            "no verification hook: set [hooks] verify_credentials to a command that exits 0 when the credentials in its environment work",
        ),
        "OAUTH-01" | "OAUTH-05" if s.platform.client_secret.is_none() => sure(no_secret),
        "OAUTH-03" if s.platform.token_ttl > REFRESH_TTL => Some((
            true,
            format!(
                "tokens live {}: set [platform] token_ttl at or below your refresh margin (e.g. \"60s\") to exercise refresh",
                crate::config::format_duration(s.platform.token_ttl)
            ),
        )),
        "IDEM-02.concurrent" if s.idempotency.concurrent_deliveries < 2 => {
            sure("[idempotency] concurrent_deliveries is below 2")
        }
        "REGION-05" if s.plans.private_space_unavailable.is_empty() => sure(
            "no plan is marked unavailable in Private Spaces: list them in [plans] private_space_unavailable",
        ),
        "REGION-08" if s.regions.private_space.is_empty() => {
            sure("no Private Space region: set [regions] private_space")
        }
        "PROV-06" if !manifest.requires("syslog_drain") => {
            sure("the manifest does not require syslog_drain")
        }
        _ if suite == "rotation" && s.hooks.rotate.is_none() => sure(
            "no rotation hook: set [hooks] rotate to a command that makes your add-on rotate the credentials of {resource_uuid}",
        ),
        _ if suite == "async" && s.plans.async_plan.is_none() => Some((
            false,
            "no [plans] async: skips unless the default plan is provisioned asynchronously (202); set [plans] async to a plan that is"
                .to_owned(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::runner::Selection;

    fn manifest(requires: &str) -> Manifest {
        Manifest::parse(
            &format!(
                r#"{{"id":"myaddon","api":{{"password":"p","sso_salt":"s","regions":["us"],"requires":[{requires}],"version":"3","production":{{"base_url":"https://x.example/heroku/resources","sso_url":"https://x.example/sso"}},"config_vars":["MYADDON_URL"]}}}}"#
            ),
            "m.json",
        )
        .unwrap()
    }

    #[test]
    fn skips_follow_the_settings_and_the_manifest_flags() {
        let plan = Selection::default().plan().unwrap();
        let m = manifest("");
        let s = Settings::resolve(&m, Config::default(), &Overrides::default(), "c.toml").unwrap();
        let skips = expected_skips(&plan, &m, &s);
        let reason = |id: &str| {
            skips
                .iter()
                .find(|x| x.check == id)
                .map(|x| x.reason.clone())
        };
        assert!(reason("PLAN-02").unwrap().contains("[plans] upgrade"));
        assert!(reason("ROTATE-02").unwrap().contains("verify_credentials"));
        assert!(reason("ROTATE-04").unwrap().contains("[hooks] rotate"));
        assert!(reason("OAUTH-03").unwrap().contains("token_ttl"));
        let sharing = plan.iter().find(|p| p.suite.name == "sharing").unwrap();
        for c in &sharing.checks {
            assert!(
                reason(c.check.id).unwrap().contains("attachable"),
                "{}",
                c.check.id
            );
        }
        let asynchronous = skips.iter().find(|x| x.check == "ASYNC-03").unwrap();
        assert!(!asynchronous.certain);
        // Without plans nothing can be provisioned: a problem, not a skip.
        let problems = problems(&plan, &m, &s, "c.toml", None);
        assert!(
            problems
                .iter()
                .any(|p| p.to_string().contains("plans.default")),
            "{problems:?}"
        );
    }
}
