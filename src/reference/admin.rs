//! The reference partner's admin endpoints, what a partner's dashboard "rotate" button or
//! support tooling would call: rotate a resource's credentials (through the Platform API, with
//! the token kept from the grant exchange) and verify a credential. The config that
//! `serve-reference --write-config` writes points `[hooks]` at them. Loopback only, like the
//! rest of the reference partner.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::behaviour::RotationPatch;
use super::sharing::Authorization;
use super::{ADDON_ID, PREFIX, State};

/// How long a rotation waits for the token of a grant exchange that is still finishing.
const TOKEN_WAIT: Duration = Duration::from_millis(250);
/// How long a lookup through the Platform API waits for a fresh install's token.
const GRANT_WAIT: Duration = Duration::from_secs(5);

/// Tokens expiring within this many seconds are refreshed before use.
const REFRESH_MARGIN: Duration = Duration::from_secs(90);

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/admin/rotate/{uuid}", post(rotate))
        .route("/admin/verify/{uuid}", get(verify))
        .route("/admin/log/{uuid}", post(write_log))
        .route("/admin/resources", get(resources))
        .with_state(state)
}

fn answer(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

/// A usable access token for `uuid`, refreshed when close to expiry.
async fn access(state: &State, uuid: &str) -> Option<Authorization> {
    fresh(state, uuid, state.installs.token(uuid)).await
}

/// `access`, waiting up to `GRANT_WAIT` for the grant exchange of a fresh install it holds to
/// keep its token (a lookup the answer to a Heroku request depends on); no wait for a resource
/// it does not hold.
async fn access_soon(state: &State, uuid: &str) -> Option<Authorization> {
    let holds = state
        .resources
        .lock()
        .is_ok_and(|r| r.get(uuid).is_some_and(|x| !x.removed));
    if !holds {
        return access(state, uuid).await;
    }
    let kept = state.installs.token_within(uuid, GRANT_WAIT).await;
    fresh(state, uuid, kept).await
}

/// `auth`, refreshed when close to expiry.
pub(crate) async fn fresh(
    state: &State,
    uuid: &str,
    auth: Option<Authorization>,
) -> Option<Authorization> {
    let mut auth = auth?;
    if auth.expires > Instant::now() + REFRESH_MARGIN {
        return Some(auth);
    }
    let renewed: Value = state
        .http
        .post(format!("{}/oauth/token", auth.identity))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", auth.refresh.as_str()),
            ("client_secret", state.client_secret.as_str()),
        ])
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let token = renewed.get("access_token").and_then(Value::as_str)?;
    if let Ok(mut seen) = state.received_secrets.lock() {
        seen.push(token.to_owned());
    }
    auth.access = token.to_owned();
    let ttl = renewed
        .get("expires_in")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    auth.expires = Instant::now() + Duration::from_secs(ttl.min(86_400));
    state.installs.keep_token(uuid, auth.clone());
    Some(auth)
}

pub(crate) fn api(
    state: &State,
    auth: &Authorization,
    method: reqwest::Method,
    path: &str,
) -> reqwest::RequestBuilder {
    state
        .http
        .request(method, format!("{}{path}", auth.origin))
        .bearer_auth(&auth.access)
        .header("Accept", "application/vnd.heroku+json; version=3")
}

/// The names of the resource's attachments, from the Platform API.
pub(crate) async fn attachment_names(state: &State, uuid: &str) -> Option<Vec<String>> {
    attachments(state, uuid, "name").await
}

/// The apps (by id) the resource's attachments are on, one entry per attachment.
pub(crate) async fn attachment_apps(state: &State, uuid: &str) -> Option<Vec<String>> {
    attachments(state, uuid, "app").await
}

/// One field of each of the resource's attachments (`app` gives the app's id).
async fn attachments(state: &State, uuid: &str, field: &str) -> Option<Vec<String>> {
    let auth = access_soon(state, uuid).await?;
    let list: Value = api(
        state,
        &auth,
        reqwest::Method::GET,
        &format!("/addons/{uuid}/addon-attachments"),
    )
    .send()
    .await
    .ok()?
    .json()
    .await
    .ok()?;
    Some(
        list.as_array()?
            .iter()
            .filter_map(|a| {
                let v = a.get(field)?;
                v.get("id").unwrap_or(v).as_str().map(str::to_owned)
            })
            .collect(),
    )
}

/// True when the login's user (its `user_id`, or its `email` in a login without one) is among
/// the collaborators of the app it comes from (`context_app`, else `app`), as the Platform API
/// lists them to the token of `uuid`. False when that cannot be learnt: access fails closed.
pub(crate) async fn has_access(
    state: &State,
    uuid: &str,
    login: &std::collections::HashMap<String, String>,
) -> bool {
    let field = |k: &str| login.get(k).filter(|v| !v.is_empty());
    let (Some(app), Some(auth)) = (
        field("context_app").or(field("app")),
        access_soon(state, uuid).await,
    ) else {
        return false;
    };
    let path = format!("/apps/{app}/collaborators");
    let listed = match api(state, &auth, reqwest::Method::GET, &path).send().await {
        Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
        _ => None,
    };
    let users = listed
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let user_of = |c: &Value, k: &str| c.get("user")?.get(k)?.as_str().map(str::to_owned);
    let (key, given) = match (field("user_id"), field("email")) {
        (Some(id), _) => ("id", id),
        (None, Some(email)) => ("email", email),
        (None, None) => return false,
    };
    users
        .into_iter()
        .any(|c| user_of(c, key).as_deref() == Some(given.as_str()))
}

/// What the partner holds: the uuids of its resources that were not removed (tests ask this after
/// a run and its cleanup).
async fn resources(AxState(state): AxState<Arc<State>>) -> Response {
    let live: Vec<String> = state
        .resources
        .lock()
        .map(|r| {
            r.iter()
                .filter(|(_, x)| !x.removed)
                .map(|(uuid, _)| uuid.clone())
                .collect()
        })
        .unwrap_or_default();
    (StatusCode::OK, axum::Json(json!({ "live": live }))).into_response()
}

async fn rotate(AxState(state): AxState<Arc<State>>, Path(uuid): Path<String>) -> Response {
    let r = &state.behaviour.rotation;
    let current = state
        .resources
        .lock()
        .ok()
        .and_then(|res| res.get(&uuid).filter(|x| !x.removed).cloned());
    let Some(current) = current else {
        return answer(StatusCode::NOT_FOUND, "no such resource");
    };
    // An exchange just answered may not be kept yet: a moment for it (`TOKEN_WAIT`).
    let kept = state.installs.token_within(&uuid, TOKEN_WAIT).await;
    let Some(auth) = fresh(&state, &uuid, kept).await else {
        return answer(
            StatusCode::CONFLICT,
            "no Platform API authorization for this resource",
        );
    };
    let config = replace_credentials(&state, &uuid, &current.config);
    let prefix = match r.patch {
        RotationPatch::None => return answer(StatusCode::OK, "rotated"),
        RotationPatch::AppInfo => {
            return app_info_update(&state, &auth.origin, &uuid, &config).await;
        }
        RotationPatch::AttachmentNames => attachment_names(&state, &uuid)
            .await
            .and_then(|n| n.last().cloned())
            .unwrap_or_else(|| format!("{PREFIX}_ATTACHED")),
        RotationPatch::ManifestNames => PREFIX.to_owned(),
    };
    let entries: Vec<Value> = config
        .iter()
        .map(|(k, v)| json!({"name": k.replacen(PREFIX, &prefix, 1), "value": v}))
        .collect();
    let sent = api(
        &state,
        &auth,
        reqwest::Method::PATCH,
        &format!("/addons/{uuid}/config"),
    )
    .json(&json!({ "config": entries }))
    .send()
    .await;
    rotated(sent, "the config update")
}

/// Writes a line to the resource's log (what `[hooks] write_log` calls).
async fn write_log(AxState(state): AxState<Arc<State>>, Path(uuid): Path<String>) -> Response {
    let url = state
        .log_inputs
        .lock()
        .ok()
        .and_then(|l| l.get(&uuid).cloned());
    let Some(url) = url else {
        return answer(StatusCode::NOT_FOUND, "no log input for this resource");
    };
    super::callbacks::write_log(state.clone(), url, format!("hello from {uuid}")).await;
    answer(StatusCode::OK, "written")
}

/// The v1 way to update config: `PUT /vendor/apps/{uuid}` with the manifest's Basic auth and
/// `{"config": {NAME: value}}`.
async fn app_info_update(
    state: &State,
    origin: &str,
    uuid: &str,
    config: &Map<String, Value>,
) -> Response {
    let sent = state
        .http
        .put(format!("{origin}/vendor/apps/{uuid}"))
        .basic_auth(ADDON_ID, Some(&state.password))
        .json(&json!({ "config": config }))
        .send()
        .await;
    rotated(sent, "the App Info update")
}

/// The admin answer to a rotation: what Heroku answered `update` (the config sent either way).
fn rotated(sent: Result<reqwest::Response, reqwest::Error>, update: &str) -> Response {
    match sent {
        Ok(r) if r.status().is_success() => answer(StatusCode::OK, "rotated"),
        Ok(r) => answer(
            StatusCode::BAD_GATEWAY,
            &format!("{update} got {}", r.status()),
        ),
        Err(_) => answer(StatusCode::BAD_GATEWAY, &format!("{update} failed")),
    }
}

/// Stores new credentials for `uuid` (keeping the old ones valid for the grace window) and
/// returns its new config.
fn replace_credentials(state: &State, uuid: &str, old: &Map<String, Value>) -> Map<String, Value> {
    let r = &state.behaviour.rotation;
    let mut config = old.clone();
    if r.new_values {
        let secret = uuid::Uuid::new_v4().simple().to_string();
        config.insert(
            format!("{PREFIX}_URL"),
            json!(format!(
                "postgres://u{}:{secret}@db.{ADDON_ID}.invalid:5432/{uuid}",
                &secret[..6]
            )),
        );
        config.insert(
            format!("{PREFIX}_API_KEY"),
            json!(uuid::Uuid::new_v4().simple().to_string()),
        );
    }
    if r.grace {
        let previous = old
            .values()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        state.installs.keep_previous(uuid, previous);
    }
    if let Ok(mut res) = state.resources.lock()
        && let Some(res) = res.get_mut(uuid)
    {
        res.config = config.clone();
    }
    config
}

/// 200 when the Bearer credential is the resource's API key, current or superseded within the
/// grace window; 401 otherwise.
async fn verify(
    AxState(state): AxState<Arc<State>>,
    Path(uuid): Path<String>,
    headers: HeaderMap,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let current = state.resources.lock().ok().and_then(|r| {
        r.get(&uuid)
            .filter(|x| !x.removed)
            .and_then(|x| x.config.get(&format!("{PREFIX}_API_KEY")).cloned())
    });
    let ok = !given.is_empty()
        && (current.as_ref().and_then(Value::as_str) == Some(given.as_str())
            || state.installs.is_previous(&uuid, &given));
    if ok {
        answer(StatusCode::OK, "valid")
    } else {
        answer(StatusCode::UNAUTHORIZED, "invalid credentials")
    }
}
