//! `init`: a commented config for the partner's manifest, every key explained.

use std::path::Path;

use super::args::InitArgs;
use crate::error::{HarnessError, exit};
use crate::manifest::Manifest;

pub fn write(args: &InitArgs) -> Result<u8, HarnessError> {
    let manifest = Manifest::load(&args.manifest)?;
    if args.output.exists() && !args.force {
        return Err(HarnessError::usage(
            format!("{} already exists", args.output.display()),
            "pass --force to overwrite it, or --output to write elsewhere",
        ));
    }
    std::fs::write(&args.output, config_for(&manifest, &args.manifest)).map_err(|source| {
        HarnessError::Io {
            action: "write",
            path: args.output.clone(),
            source,
        }
    })?;
    super::say(&format!(
        "wrote {}: set [plans] default in it, then run `addon-conformance run --manifest {} --config {}`",
        args.output.display(),
        args.manifest.display(),
        args.output.display()
    ));
    Ok(exit::PASS)
}

/// The config text. Every line but `[plans] default` is optional and shows the default.
pub fn config_for(manifest: &Manifest, path: &Path) -> String {
    let id = manifest.id.as_deref().unwrap_or("(no id in the manifest)");
    let base = manifest.base_url.as_deref().unwrap_or("(none)");
    let sso = manifest.sso_url.as_deref().unwrap_or("(none)");
    let requires = if manifest.requires.is_empty() {
        "none".to_owned()
    } else {
        manifest.requires.join(", ")
    };
    format!(
        r#"# addon-conformance config for `{id}` ({path}).
# Written by `addon-conformance init`. Only [plans] default is required; every other key shows
# its default (or, commented out, an example) and may be deleted. `addon-conformance run` picks
# this file up from the current directory as conformance.toml. Secrets do not belong here: the manifest holds them, and
# ADDON_PASSWORD / ADDON_SSO_SALT replace them in CI.

[partner]
# Overrides of the manifest's production URLs, for a local or staging run. The manifest's own
# URLs ({base} and {sso}) are still what the manifest suite checks.
# base_url = "http://localhost:3000/heroku/resources"
# sso_url = "http://localhost:3000/sso/login"
# Start your add-on for the run (with sh -c, in its own process group; also --partner-cmd). The
# run waits until base_url's port accepts connections, shows the add-on's log lines beside each
# finding, and stops it at the end. Secrets go in `env` as $VARIABLE references, read from the
# harness's environment, never in the command text.
# command = "bundle exec rails server -p 3000"
# How long it may take to accept connections.
ready_timeout = "60s"
# Variables for its environment: plain values, or "$NAME" read from the harness's environment.
# env = {{ RAILS_ENV = "test", HEROKU_OAUTH_SECRET = "$ADDON_OAUTH_CLIENT_SECRET" }}

[plans]
# REQUIRED. The plan every shared resource is provisioned on; each provision may be billed, so
# pick your cheapest (free) plan. The harness never guesses plan names: uncomment and set it
# (or pass --plan); until then `run` stops before sending anything and says so.
# default = "your-cheapest-plan"
# The plan the upgrade check moves to (the check is skipped without it).
# upgrade = "premium"
# The plan the downgrade check moves to.
# downgrade = "basic"
# A plan your add-on provisions asynchronously (answers 202 and calls actions/provision later);
# the async suite provisions one resource on it. Without it the async suite judges the shared
# resource, and skips when that one was provisioned synchronously.
# async = "deferred-plan"
# Plans your add-on refuses in Private Space regions.
# private_space_unavailable = []
# Plan changes your add-on must refuse with 422, as [from, to] pairs.
# forbidden_transitions = [["premium", "basic"]]

[provision]
# The region sent with provisions. The manifest declares: {regions}.
region = "amazon-web-services::us-east-1"
# Options sent with every provision (`heroku addons:create … -- --key value`), as strings.
options = {{}}
# Send the legacy heroku_id field alongside the v3 fields.
send_heroku_id = true
# The id in PUT/DELETE {{base_url}}/{{id}}: "uuid" (what Heroku v3 sends) or "provider" (the id
# your add-on answered at provision; for add-ons that still key resources by it).
path_id = "uuid"

[regions]
# Heroku does not publish the region string of a Private Space provision. The default is the AWS
# form of the oregon space, which no Common Runtime region shares; list the strings your add-on
# treats as Private Space. Refused plans are probed in each, available plans in the first.
private_space = ["amazon-web-services::us-west-2"]
# A region no add-on knows: it must get 422 with a message, or success, never a 5xx.
unknown = "amazon-web-services::xx-conformance-1"

[idempotency]
# Identical provisions sent at once (Heroku delivers at least once); 0 or 1 skips the check.
concurrent_deliveries = 5

[timeouts]
# Per-request limit; a call still running then is a transport failure.
request = "35s"
# TCP and TLS connect limit.
connect = "10s"
# Answers slower than this warn (TIME-01), slower than fail_after fail (TIME-02).
warn_after = "3s"
fail_after = "30s"
# How long to wait for a callback your add-on owes the platform (grant exchange, provision
# action of an async provision).
callback = "60s"
# How long an asynchronous provision may take to call actions/provision (Heroku allows 12 hours;
# set it to what your provisioning takes).
provision_action = "10m"
# How long an asynchronous deprovision ([deprovision] async) may take to call
# actions/deprovision.
deprovision_action = "10m"

[platform]
# The fake Heroku your add-on calls back during the run (OAuth token endpoint, Platform API).
# Your add-on's OAuth client secret; better in CI: the ADDON_OAUTH_CLIENT_SECRET variable.
# client_secret = "..."
# Where the platform listens, and its public URL when your add-on reaches it through a tunnel.
# bind = "127.0.0.1:5050"
# url = "https://my-tunnel.example"
# Lifetime of the access tokens it issues; shorten it (e.g. "60s") so the refresh check
# (OAUTH-03) runs within the run.
token_ttl = "8h"
# Lifetime of grant codes (Heroku: about 5 minutes).
grant_ttl = "5m"
# Larger callback bodies get 413.
max_body_bytes = 1048576
# Intercept your add-on's own calls to https://id.heroku.com and https://api.heroku.com through
# a local proxy with a CA made for the run (also --intercept): for add-ons that hardcode them.
# callback_url then takes Heroku's own form, so url must stay unset.
intercept = false

[hooks]
# Commands (run with sh -c) that make your add-on act. Without them the rotation suite skips.
# Placeholders: {{resource_uuid}}, {{provider_id}}, {{app}}, {{app_id}}, {{heroku_id}}, {{plan}}.
# rotate: make your add-on rotate the resource's credentials (it must PATCH the config).
# rotate = "curl -fsS -X POST https://admin.example/rotate/{{resource_uuid}}"
# verify_credentials: exit 0 when the credentials in the environment (your config var names)
# work; after a rotation it gets the OLD values, which must still work for a while.
# verify_credentials = "./check-credentials.sh"
# write_log: make your add-on write a line to the resource's log input (log_input_url), when it
# does not write one on its own after provisioning (LOG-02, with log_input in api.requires).
# write_log = "curl -fsS -X POST https://admin.example/log/{{resource_uuid}}"
# timeout = "30s"
# How long to wait for the config PATCH after the rotate hook (default: timeouts.callback).
# rotation_timeout = "30s"

[deprovision]
# Set when your add-on is enrolled in Heroku's asynchronous deprovisioning beta: it may answer a
# DELETE with 202 and call POST /addons/{{uuid}}/actions/deprovision when done. Without it, a 202
# to a DELETE fails DEPROV-02.
# async = true

[sharing]
# The name the shared resource gets when attached to a second app (as `--as NAME` would).
# attach_as = "ATTACHED"
# The name of a second attachment of the shared resource to its own app (default: Heroku's
# heuristic, which adds a colour).
# attach_again_as = "REPLICA"

[sso]
# SSO redirects are followed only to your add-on's own hosts (sso_url, base_url); list other
# hosts of yours the login goes through (bare names, *.example.com for subdomains).
# follow_hosts = ["login.example.com"]

[run]
# Suites run at once: independent suites side by side, reports in the serial order (`--jobs`
# overrides it). Above 1, the suites that change a shared resource get copies of their own (a
# few more billable provisions); 1 is the serial run and the cheapest. The default is 8.
# jobs = 8

[limits]
# Response bodies beyond this many bytes are not read further.
max_body_bytes = 1048576

[manifest]
# Region names to accept besides the built-in list (Heroku adds regions over time).
extra_regions = []

# Suites that need manifest `requires` flags run only when declared; yours: {requires}.
"#,
        path = path.display(),
        regions = if manifest.regions.is_empty() {
            "none".to_owned()
        } else {
            manifest.regions.join(", ")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_written_config_parses_and_names_the_plan_to_set() {
        let manifest = Manifest::parse(
            r#"{"id":"my-addon","api":{"password":"p","sso_salt":"s","regions":["us"],"requires":[],"production":{"base_url":"https://x.example/heroku/resources","sso_url":"https://x.example/sso"},"config_vars":["MY_ADDON_URL"],"version":"3"}}"#,
            "m.json",
        )
        .unwrap();
        let text = config_for(&manifest, Path::new("m.json"));
        let config = Config::parse(&text, "init output").unwrap();
        assert_eq!(
            config.plans.default, None,
            "the plan is the partner's to choose"
        );
        assert!(
            text.contains("`my-addon`") && text.contains("REQUIRED"),
            "{text}"
        );
        assert_eq!(config.idempotency.concurrent_deliveries, 5);
        assert_eq!(
            config.regions.private_space,
            ["amazon-web-services::us-west-2"]
        );
    }

    /// The keys serde knows at a path, from the error an unknown key gets (`expected one of …`).
    fn known_keys(section: Option<&str>) -> Vec<String> {
        let text = match section {
            Some(s) => format!("[{s}]\nno_such_key_here = 1\n"),
            None => "no_such_key_here = 1\n".to_owned(),
        };
        let e = toml::from_str::<Config>(&text).unwrap_err();
        let message = e.message();
        // serde: "expected one of `a`, `b`" or, for a single field, "expected `a`".
        let (_, list) = message.split_once("expected").unwrap();
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_template_writes_every_key_of_every_section() {
        let manifest = Manifest::parse(r#"{"id":"a","api":{}}"#, "m.json").unwrap();
        let text = config_for(&manifest, Path::new("m.json"));
        let sections = known_keys(None);
        assert!(sections.len() >= 11, "{sections:?}");
        for section in &sections {
            let header = format!("\n[{section}]\n");
            let start = text
                .find(&header)
                .unwrap_or_else(|| panic!("no [{section}] in the template"));
            let body = &text[start + header.len()..];
            let body = &body[..body.find("\n[").unwrap_or(body.len())];
            for key in known_keys(Some(section)) {
                let written = body.lines().any(|l| {
                    let l = l.trim_start_matches('#').trim_start();
                    l.starts_with(&format!("{key} ="))
                });
                assert!(
                    written,
                    "[{section}] {key} is missing from the init template"
                );
            }
        }
    }
}
