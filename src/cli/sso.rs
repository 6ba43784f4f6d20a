//! `addon-conformance sso`: opens the partner's dashboard for one resource in the user's
//! browser through a local auto-submitting form, as `kensa sso` did.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::handoff::{Handoff, LoginRequest, login_page, open_in_browser};
use crate::config::{HttpUrl, Overrides, Settings, parse_duration};
use crate::error::{HarnessError, exit};
use crate::heroku::sso::SsoUser;

#[derive(Args)]
pub(super) struct SsoArgs {
    /// The add-on resource's uuid (from its provision request).
    #[arg(long)]
    resource: String,
    /// The app name sent as `app` and `context_app`.
    #[arg(long, default_value = "conformance-app")]
    app: String,
    /// The user's email.
    #[arg(long, default_value = "user@example.com")]
    email: String,
    /// The user's Heroku id (a random uuid when absent).
    #[arg(long)]
    user_id: Option<String>,
    /// Your add-on's own id for the resource (the `id` of your provision answer), signed into the
    /// legacy `id`/`token` pair of the login; default: the resource's uuid.
    #[arg(long)]
    provider_id: Option<String>,
    /// Your addon-manifest.json (default: ./addon-manifest.json when it exists).
    #[arg(long, env = "ADDON_MANIFEST")]
    manifest: Option<PathBuf>,
    #[arg(long, env = "ADDON_CONFIG")]
    config: Option<PathBuf>,
    /// Post the login here instead of api.production.sso_url.
    #[arg(long, env = "ADDON_SSO_URL", value_parser = clap::value_parser!(HttpUrl))]
    sso_url: Option<HttpUrl>,
    /// Only print the URL; do not try to open a browser.
    #[arg(long)]
    no_browser: bool,
    /// How long to wait for the browser to fetch the page (250ms, 30s, 2m).
    #[arg(long, default_value = "2m", value_parser = parse_duration)]
    wait: Duration,
}

pub(super) async fn sso(args: SsoArgs) -> Result<u8, HarnessError> {
    let inputs = super::inputs::load(args.manifest.as_deref(), args.config.as_deref())?;
    let overrides = Overrides {
        sso_url: args.sso_url,
        ..Overrides::default()
    };
    let manifest = inputs.manifest;
    let settings = Settings::resolve(&manifest, inputs.config, &overrides, &inputs.config_source)?;
    let user = SsoUser {
        id: args
            .user_id
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        email: args.email,
    };
    let req = LoginRequest {
        resource: args.resource,
        provider_id: args.provider_id,
        app: args.app,
        user,
    };
    let (action, page) = login_page(&manifest, &settings, &req)?;
    let handoff = Handoff::start(page).await?;
    let url = handoff.url.clone();
    if !args.no_browser && open_in_browser(&url) {
        super::say(&format!("opened the login to {action} in your browser"));
    } else {
        super::say(&format!(
            "open this URL in your browser (it signs you in to {action}; valid for 5 minutes, once):"
        ));
    }
    // Last line: scripts read it.
    super::say(&url);
    if handoff.finish(args.wait).await {
        super::say("the browser fetched the login page");
        Ok(exit::PASS)
    } else {
        Err(HarnessError::usage(
            format!("nobody opened the login page within {:?}", args.wait),
            "run the command again and open the URL it prints (logins expire after 5 minutes)",
        ))
    }
}
