//! The reference partner's single sign-on: the form post Heroku's browser hand-off sends, a
//! session cookie, and a dashboard only a session opens.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::State;
use super::behaviour::{
    AttachmentView, Dashboard, Landing, LoginTarget, SsoFlow, Stranger, Strictness, TokenCheck,
    TokenKinds, TokenScope, UserAccess, UserToken,
};
use super::routes::{Step, authorise, constant_eq, error};
use crate::heroku::sso::{TOKEN_FIELDS, now, resource_token, user_scoped_token};

const COOKIE: &str = "conformance_ref_session";
/// Logins older (or newer) than this are refused.
const MAX_SKEW_SECS: i64 = 300;

type S = AxState<Arc<State>>;

fn forbidden(why: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(format!(
            "<!DOCTYPE html><title>Forbidden</title><p>{why}. Open the add-on from the Heroku Dashboard again.</p>"
        )),
    )
        .into_response()
}

/// A token kind of Heroku's login form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    UserScoped,
    Resource,
    /// `token`, signing the provider id in `id`.
    Legacy,
}

fn present(f: &Fields, k: &str) -> bool {
    f.get(k).is_some_and(|v| !v.is_empty())
}

/// The token this partner verifies in a login, if the login carries it.
fn chosen(kinds: TokenKinds, f: &Fields) -> Option<Kind> {
    let (user, res, legacy) = (
        present(f, "user_scoped_resource_token"),
        present(f, "resource_token"),
        present(f, "token"),
    );
    match kinds {
        TokenKinds::Best | TokenKinds::LegacyPairCrashes if user => Some(Kind::UserScoped),
        TokenKinds::Best | TokenKinds::LegacyPairCrashes if res => Some(Kind::Resource),
        TokenKinds::Best | TokenKinds::LegacyPairCrashes | TokenKinds::LegacyPair if legacy => {
            Some(Kind::Legacy)
        }
        TokenKinds::ResourceTokenOnly if res => Some(Kind::Resource),
        TokenKinds::UserScopedOnly if user => Some(Kind::UserScoped),
        _ => None,
    }
}

/// The provider id this partner answered for `uuid`, as text.
fn provider_id_of(state: &State, uuid: &str) -> String {
    let id = state
        .resources
        .lock()
        .ok()
        .and_then(|r| r.get(uuid).map(|x| x.provider_id.clone()));
    match id {
        Some(serde_json::Value::String(s)) => s,
        Some(v @ serde_json::Value::Number(_)) => v.to_string(),
        _ => uuid.to_owned(),
    }
}

/// The uuid of the live resource whose provider id is `id`.
fn uuid_of_provider_id(state: &State, id: &str) -> Option<String> {
    live_resources(state, false)
        .into_iter()
        .find(|u| provider_id_of(state, u) == id)
}

/// True when the token this partner verifies was signed for `uuid`. The user-scoped token is
/// preferred; the legacy `token` signs the provider id.
fn signed_for(state: &State, uuid: &str, f: &Fields, ts: i64) -> bool {
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    let salt = &state.sso_salt;
    let check = state.behaviour.sso.token_check;
    let kind = match chosen(state.behaviour.sso.token_kinds, f) {
        // A partner that ignores the user-scoped token verifies the resource token alone.
        Some(Kind::UserScoped) if state.behaviour.sso.user_token != UserToken::Verified => {
            present(f, "resource_token").then_some(Kind::Resource)
        }
        k => k,
    };
    let (given, expected) = match kind {
        // A partner that skips the comparison for an empty token lets such a login through.
        None => {
            return check == TokenCheck::SkipsEmpty
                && TOKEN_FIELDS
                    .iter()
                    .any(|k| f.get(*k).is_some_and(String::is_empty));
        }
        Some(Kind::Legacy) => (
            field("token"),
            resource_token(&provider_id_of(state, uuid), salt, ts),
        ),
        Some(Kind::UserScoped) => (
            field("user_scoped_resource_token"),
            user_scoped_token(uuid, salt, ts, field("user_id"), field("email")),
        ),
        Some(Kind::Resource) => (field("resource_token"), resource_token(uuid, salt, ts)),
    };
    let exact = constant_eq(given, &expected);
    match check {
        TokenCheck::LengthOnly => !given.is_empty() && given.len() == expected.len(),
        TokenCheck::Exact | TokenCheck::AnyRecentTimestamp => exact,
        TokenCheck::AcceptsZeros => {
            exact || (!given.is_empty() && given.bytes().all(|b| b == b'0'))
        }
        TokenCheck::SkipsEmpty => exact || given.is_empty(),
        TokenCheck::Prefix => !given.is_empty() && expected.starts_with(given),
    }
}

/// The v3 login: a form POST to `/sso/login`.
pub(super) async fn login(AxState(state): S, headers: HeaderMap, body: Bytes) -> Response {
    let f: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    if let Some(uuid) = f.get("resource_id")
        && !attachments_acceptable(&state, uuid).await
    {
        return forbidden("This add-on's attachments look inconsistent");
    }
    sign_in(&state, &headers, f)
}

/// What the attachment faults make of the resource's attachments; true when they allow a login.
async fn attachments_acceptable(state: &State, uuid: &str) -> bool {
    let view = state.behaviour.sso.attachments;
    if view == AttachmentView::Ignored {
        return true;
    }
    let Some(apps) = super::admin::attachment_apps(state, uuid).await else {
        return true;
    };
    match view {
        AttachmentView::Ignored => true,
        AttachmentView::OnePerApp => {
            let mut distinct = apps.clone();
            distinct.sort();
            distinct.dedup();
            distinct.len() == apps.len()
        }
        AttachmentView::NeverFewer => {
            let Ok(mut seen) = state.attachment_counts.lock() else {
                return true;
            };
            let most = seen.entry(uuid.to_owned()).or_insert(0);
            *most = (*most).max(apps.len());
            apps.len() >= *most
        }
    }
}

/// The legacy login (§7.6): a GET to `/heroku/resources/{id}` with the fields in the query.
pub(super) async fn legacy_login(
    AxState(state): S,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let mut f: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    f.remove("resource_id");
    f.insert("resource_id".into(), id);
    if !f.contains_key("token") {
        // A legacy login without its token: mark it so the v3 token fields are not consulted.
        f.insert("token".into(), String::new());
    }
    sign_in(&state, &headers, f)
}

type Fields = HashMap<String, String>;

fn sign_in(state: &Arc<State>, headers: &HeaderMap, f: Fields) -> Response {
    match verify(state, headers, &f) {
        Ok(uuid) => land(state, &f, &uuid),
        Err(refusal) => refusal.into_response(),
    }
}

/// The uuid of the resource a valid login signs in to; otherwise the refusal.
fn verify(state: &State, headers: &HeaderMap, f: &Fields) -> Step<String> {
    let sso = &state.behaviour.sso;
    authorise(state, headers, sso.guard)?;
    let named = match sso.token_kinds {
        TokenKinds::LegacyPair if sso.flow == SsoFlow::V3 => f
            .get("id")
            .filter(|u| !u.is_empty())
            .map(|id| uuid_of_provider_id(state, id).unwrap_or_else(|| id.clone())),
        _ => f.get("resource_id").filter(|u| !u.is_empty()).cloned(),
    };
    let Some(uuid) = named.as_ref() else {
        return Err(error(StatusCode::BAD_REQUEST, "the login names no resource").into());
    };
    if sso.token_kinds == TokenKinds::LegacyPairCrashes
        && chosen(sso.token_kinds, f) == Some(Kind::Legacy)
    {
        return Err(error(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into());
    }
    let ts = match f.get("timestamp").map(|t| t.parse::<i64>()) {
        Some(Ok(ts)) => ts,
        Some(Err(_)) => {
            return Err(error(StatusCode::BAD_REQUEST, "timestamp is not a number").into());
        }
        None => return Err(sso.missing_timestamp.render().into()),
    };
    let no_token = |k: &str| f.get(k).is_none_or(String::is_empty);
    let empty_passes = sso.token_check == TokenCheck::SkipsEmpty
        && TOKEN_FIELDS
            .iter()
            .any(|k| f.get(*k).is_some_and(String::is_empty));
    if no_token("resource_token")
        && no_token("user_scoped_resource_token")
        && no_token("token")
        && !empty_passes
    {
        return Err(forbidden("The login carries no token").into());
    }
    if sso.checks_timestamp && (now() - ts).abs() > MAX_SKEW_SECS {
        return Err(forbidden("This login link has expired").into());
    }
    let known = live_resources(state, sso.removed_resources == Strictness::Tolerate);
    let signed_at = |t: i64| match sso.token_scope {
        TokenScope::AnyResource => known.iter().any(|k| signed_for(state, k, f, t)),
        TokenScope::Resource => signed_for(state, uuid, f, t),
    };
    let valid = signed_at(ts)
        || (sso.token_check == TokenCheck::AnyRecentTimestamp
            && (now() - MAX_SKEW_SECS..=now()).any(signed_at));
    if !valid {
        return Err(forbidden("The login token is not valid").into());
    }
    if sso.foreign_context == Strictness::Refuse
        && f.get("context_app")
            .is_some_and(|c| Some(c) != f.get("app"))
    {
        return Err(forbidden("Open the add-on from the app that owns it").into());
    }
    let uuid = match sso.target {
        LoginTarget::AppsFirstInstall => state.installs.first_of_app(uuid),
        LoginTarget::Named => uuid.clone(),
    };
    if !known.contains(&uuid) {
        return Err(sso.unknown_resource.render().into());
    }
    if sso.users == UserAccess::FirstUser && !first_user(state, &uuid, f) {
        return Err(forbidden("Only the account that created this resource may open it").into());
    }
    Ok(uuid)
}

/// Remembers the first user who signed in to `uuid`; true when this login is that user.
fn first_user(state: &State, uuid: &str, f: &Fields) -> bool {
    let email = f.get("email").cloned().unwrap_or_default();
    let Ok(mut first) = state.first_users.lock() else {
        return false;
    };
    first.entry(uuid.to_owned()).or_insert(email.clone()) == &email
}

/// The resources a login may open: the live ones, and the removed ones with `removed`.
fn live_resources(state: &State, removed: bool) -> Vec<String> {
    state
        .resources
        .lock()
        .map(|r| {
            r.iter()
                .filter(|(_, x)| removed || !x.removed)
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The redirect to the dashboard, with a new session.
fn land(state: &State, f: &Fields, uuid: &str) -> Response {
    let sso = &state.behaviour.sso;
    let location = match sso.landing {
        Landing::Session => "/heroku/dashboard".to_owned(),
        Landing::FromContextApp => {
            let from = f
                .get("context_app")
                .or(f.get("app"))
                .cloned()
                .unwrap_or_default();
            let from: String = url::form_urlencoded::byte_serialize(from.as_bytes()).collect();
            format!("/heroku/dashboard/{uuid}/from/{from}")
        }
        Landing::Resource => format!("/heroku/dashboard/{uuid}"),
    };
    if !sso.session {
        return (sso.redirect, [(header::LOCATION, location)]).into_response();
    }
    let session = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(mut s) = state.sessions.lock() {
        s.insert(session.clone(), uuid.to_owned());
    }
    let cookie = format!("{COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax");
    (
        sso.redirect,
        [(header::LOCATION, location), (header::SET_COOKIE, cookie)],
    )
        .into_response()
}

fn session_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// The dashboard at a path that also names the app the user came from.
pub(super) async fn context_dashboard(
    state: S,
    Path((uuid, _from)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    dashboard(state, Path(uuid), headers).await
}

/// The dashboard at one fixed path: the session says which resource it shows.
pub(super) async fn session_dashboard(state: S, headers: HeaderMap) -> Response {
    let owner = session_of(&headers).and_then(|s| state.sessions.lock().ok()?.get(&s).cloned());
    match owner {
        Some(uuid) => dashboard(state, Path(uuid), headers).await,
        None => forbidden("Sign in through the Heroku Dashboard"),
    }
}

pub(super) async fn dashboard(
    AxState(state): S,
    Path(uuid): Path<String>,
    headers: HeaderMap,
) -> Response {
    let signed_in = session_of(&headers)
        .and_then(|s| state.sessions.lock().ok()?.get(&s).cloned())
        .is_some_and(|owner| owner == uuid);
    let sso = &state.behaviour.sso;
    if signed_in || sso.dashboard == Dashboard::Open {
        return Html(format!(
            "<!DOCTYPE html><title>Dashboard</title><h1>Resource {uuid}</h1><p>Signed in through Heroku.</p>"
        ))
        .into_response();
    }
    match sso.stranger {
        Stranger::RedirectToLogin => {
            (StatusCode::FOUND, [(header::LOCATION, "/login")]).into_response()
        }
        Stranger::Forbidden => forbidden("Sign in through the Heroku Dashboard"),
    }
}
