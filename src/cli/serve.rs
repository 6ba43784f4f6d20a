//! `serve-reference` (the reference partner alone) and `platform` (the fake platform alone).

use std::net::{Ipv4Addr, SocketAddr};

use super::args::{PlatformArgs, ServeArgs};
use super::say;
use crate::config::Config;
use crate::config::env::Environment;
use crate::error::{HarnessError, exit};
use crate::manifest::Manifest;
use crate::reference::{FaultSet, ReferencePartner};

pub(super) async fn platform(args: PlatformArgs) -> Result<u8, HarnessError> {
    use crate::platform::{Platform, PlatformSettings, ServiceInfo};
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let env = Environment::read();
    let manifest = args.manifest.as_deref().map(Manifest::load).transpose()?;
    let service = manifest
        .as_ref()
        .map_or_else(ServiceInfo::standalone, ServiceInfo::from_manifest);
    let p = &config.platform;
    let client_secret = env.oauth_client_secret.or_else(|| p.client_secret.clone());
    let has_secret = client_secret.is_some();
    let platform = Platform::start(
        PlatformSettings {
            bind: args.bind,
            url: args.url.as_ref().map(ToString::to_string),
            client_secret,
            token_ttl: p.token_ttl,
            grant_ttl: p.grant_ttl,
            max_body_bytes: p.max_body_bytes,
            admin: true,
        },
        service,
        std::sync::Arc::new(crate::redact::Redactor::new()),
    )
    .await?;
    let origin = platform.origin().to_owned();
    say(&format!(
        "platform (fake Heroku Identity and Platform API) listening on {origin}"
    ));
    say(&format!("  token endpoint  POST {origin}/oauth/token"));
    say(&format!(
        "  new grant       curl -sS -X POST {origin}/conformance/grants -H 'Authorization: Bearer {}' -d '{{\"uuid\": \"<resource uuid>\"}}'",
        platform.admin_token().unwrap_or_default()
    ));
    if !has_secret {
        say(
            "  warning: no client secret (set ADDON_OAUTH_CLIENT_SECRET or [platform] client_secret): token requests are refused",
        );
    }
    let mut seen = 0;
    let mut arrivals = platform.journal().subscribe();
    let printer = async {
        loop {
            arrivals.borrow_and_update();
            let all = platform.journal().all();
            for call in &all[seen.min(all.len())..] {
                say(&format!("#{} {}", call.seq, call.summary()));
            }
            seen = all.len();
            if arrivals.changed().await.is_err() {
                break;
            }
        }
    };
    tokio::select! {
        _ = printer => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    platform.stop().await;
    Ok(exit::PASS)
}

pub(super) async fn serve(args: ServeArgs) -> Result<u8, HarnessError> {
    let faults = FaultSet::parse(&args.faults)?;
    let heroku = if args.hardcoded_heroku_hosts {
        Some(crate::reference::HerokuReach::from_env()?)
    } else {
        None
    };
    let bind = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let secrets = match (&args.password, &args.sso_salt, &args.client_secret) {
        (Some(password), Some(sso_salt), Some(client_secret)) => {
            Some(crate::reference::ReferenceSecrets {
                password: password.clone(),
                sso_salt: sso_salt.clone(),
                client_secret: client_secret.clone(),
            })
        }
        (None, None, None) => None,
        _ => {
            return Err(HarnessError::usage(
                "give all of REFERENCE_PASSWORD, REFERENCE_SSO_SALT and REFERENCE_CLIENT_SECRET, or none",
                "set the three variables, or unset them for random secrets",
            ));
        }
    };
    let options = crate::reference::ReferenceOptions {
        heroku,
        secrets,
        ..crate::reference::ReferenceOptions::default()
    };
    let partner = ReferencePartner::start_with(faults, bind, options).await?;
    for (path, text) in [
        (&args.write_manifest, partner.manifest_text()),
        (&args.write_config, partner.config_text()),
    ] {
        if let Some(path) = path {
            std::fs::write(path, text).map_err(|source| HarnessError::Io {
                action: "write",
                path: path.clone(),
                source,
            })?;
            say(&format!("wrote {}", path.display()));
        }
    }
    say(&format!("base_url {}", partner.base_url()));
    say(&format!("sso_url  {}", partner.sso_url()));
    say("press Ctrl-C to stop");
    // Last line: scripts wait for it.
    say(&format!(
        "reference partner listening on http://{}",
        partner.addr
    ));
    let _ = tokio::signal::ctrl_c().await;
    partner.stop().await;
    Ok(exit::PASS)
}
