//! The Identity token endpoint: `POST /oauth/token` with `grant_type=authorization_code` or
//! `refresh_token`, parameters as a form body or query string, verified against the partner's
//! client secret.

use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::json;

use super::Shared;
use super::http::{Answer, Call};
use super::state::GrantError;
use crate::record::InboundKind;

fn params(call: &Call) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = url::form_urlencoded::parse(call.query.as_bytes())
        .into_owned()
        .collect();
    out.extend(url::form_urlencoded::parse(&call.body).into_owned());
    out
}

fn grant_error(e: GrantError, kind: InboundKind) -> Answer {
    let message = match e {
        GrantError::Unknown => "the code or refresh token is not known",
        GrantError::Used => "the grant code was already exchanged; codes are single use",
        GrantError::Expired => "the grant code expired; exchange it before oauth_grant.expires_at",
    };
    Answer::error(StatusCode::BAD_REQUEST, "invalid_grant", message, kind)
}

pub(crate) fn token(shared: &Shared, call: &Call) -> Answer {
    let p = params(call);
    let grant_type = p.get("grant_type").map(String::as_str).unwrap_or_default();
    let kind = match grant_type {
        "authorization_code" => InboundKind::TokenExchange,
        "refresh_token" => InboundKind::TokenRefresh,
        _ => InboundKind::TokenRequest,
    };
    let mut model = shared.model();
    let resource = match grant_type {
        "authorization_code" => p.get("code").and_then(|c| model.grant_resource(c)),
        "refresh_token" => p
            .get("refresh_token")
            .and_then(|r| model.refresh_resource(r)),
        _ => None,
    };
    let secret_ok = match (&shared.settings.client_secret, p.get("client_secret")) {
        (Some(expected), Some(given)) => expected == given,
        _ => false,
    };
    if !secret_ok {
        let message = if shared.settings.client_secret.is_none() {
            "the platform has no client secret configured (set [platform] client_secret or ADDON_OAUTH_CLIENT_SECRET)"
        } else {
            "client_secret is missing or wrong"
        };
        return Answer::error(StatusCode::UNAUTHORIZED, "unauthorized", message, kind)
            .about(resource);
    }
    let ttl = shared.settings.token_ttl;
    let result = match grant_type {
        "authorization_code" => match p.get("code") {
            Some(code) => model.exchange(code, ttl),
            None => {
                return Answer::error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "code is required",
                    kind,
                );
            }
        },
        "refresh_token" => match p.get("refresh_token") {
            Some(r) => model.refresh(r, ttl),
            None => {
                return Answer::error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is required",
                    kind,
                );
            }
        },
        _ => {
            return Answer::error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
                kind,
            );
        }
    };
    match result {
        Ok(token) => {
            shared.redactor.add("access_token", &token.access_token);
            shared.redactor.add("refresh_token", &token.refresh_token);
            let scope = Some(token.resource.clone());
            Answer::ok(kind, json!(token))
                .about(scope.clone())
                .scoped(scope)
        }
        Err(e) => grant_error(e, kind).about(resource),
    }
}

/// Standalone mode: mints a grant for a resource a developer provisions by hand.
pub(crate) fn admin_grant(shared: &Shared, call: &Call) -> Answer {
    let uuid = serde_json::from_slice::<serde_json::Value>(&call.body)
        .ok()
        .and_then(|v| v.get("uuid").and_then(|u| u.as_str()).map(str::to_owned))
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let app = crate::heroku::App::random();
    let mut model = shared.model();
    model.add_app(&app.id, &app.name);
    let prefix = model.prefix.clone();
    let short: String = uuid
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    let name = format!("{}-{short}", model.service);
    model.create_addon(
        super::state::AddonRecord {
            uuid: uuid.clone(),
            name,
            plan: "unknown".into(),
            region: crate::heroku::DEFAULT_REGION.into(),
            state: super::state::AddonState::Provisioning,
            provider_id: None,
            config: Default::default(),
            app_id: app.id.clone(),
        },
        &prefix,
    );
    let ttl = shared.settings.grant_ttl;
    let code = model.issue_grant(&uuid, ttl);
    let expires = crate::heroku::heroku_time(std::time::SystemTime::now() + ttl);
    Answer::ok(
        InboundKind::HandMadeGrant,
        json!({
            "uuid": uuid,
            "callback_url": format!("{}/addons/{uuid}", shared.origin),
            "oauth_grant": {"code": code, "expires_at": expires, "type": "authorization_code"},
        }),
    )
    .about(Some(uuid))
}
