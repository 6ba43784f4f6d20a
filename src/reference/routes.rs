//! The reference partner's HTTP handlers.

use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Map, Value, json};

use super::faults::Fault as F;
use super::regions::{region_refusal, unprocessable};
use super::{
    ADDON_ID, ASYNC_PLANS, KNOWN_OPTIONS, PLANS, PREFIX, PRIVATE_SPACE_REGIONS, Resource, State,
    callbacks,
};
use crate::config::COMMON_RUNTIME_REGIONS;

type S = AxState<Arc<State>>;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/heroku/resources", post(provision))
        .route(
            "/heroku/resources/{uuid}",
            put(super::plans::plan_change)
                .delete(deprovision)
                .get(super::sso::legacy_login),
        )
        .route("/sso/login", post(super::sso::login))
        .route("/heroku/dashboard/{uuid}", get(super::sso::dashboard))
        .route(
            "/heroku/dashboard/{uuid}/from/{context}",
            get(super::sso::context_dashboard),
        )
        .route("/heroku/dashboard", get(super::sso::session_dashboard))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::sharing::layer,
        ))
        .with_state(state)
}

/// Fields of a v3 provision request the reference knows.
const KNOWN_FIELDS: &[&str] = &[
    "uuid",
    "name",
    "plan",
    "region",
    "callback_url",
    "oauth_grant",
    "options",
    "heroku_id",
    "log_input_url",
    "log_drain_token",
];

fn json_response(state: &State, status: StatusCode, body: Value) -> Response {
    let ct = if state.faults.has(F::ProvisionHtmlContentType) {
        "text/html"
    } else if state.faults.has(F::VariantVendorJson) {
        "application/vnd.heroku-addons+json; version=3"
    } else {
        "application/json"
    };
    (status, [(header::CONTENT_TYPE, ct)], body.to_string()).into_response()
}

pub(super) fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

/// None when authorised; otherwise the refusal.
pub(super) fn refuse(state: &State, headers: &HeaderMap, skip: bool) -> Option<Response> {
    if skip {
        return None;
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(b).ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok());
    let ok = given
        .as_deref()
        .and_then(|g| g.split_once(':'))
        .is_some_and(|(user, pass)| {
            let user_ok = state.faults.has(F::IgnoresUsername) || constant_eq(user, ADDON_ID);
            user_ok & constant_eq(pass, &state.password)
        });
    if ok {
        return None;
    }
    let status = if state.faults.has(F::Auth403) {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNAUTHORIZED
    };
    Some(error(status, "invalid credentials"))
}

pub(super) fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn new_config(state: &State, uuid: &str) -> Map<String, Value> {
    let secret = uuid::Uuid::new_v4().simple().to_string();
    let mut config = Map::new();
    let url = if state.faults.has(F::ConfigUrlRelative) {
        format!("/db/{uuid}")
    } else {
        format!(
            "postgres://u{}:{secret}@db.{ADDON_ID}.invalid:5432/{uuid}",
            &secret[..6]
        )
    };
    config.insert(format!("{PREFIX}_URL"), json!(url));
    let key = uuid::Uuid::new_v4().simple().to_string();
    config.insert(
        format!("{PREFIX}_API_KEY"),
        if state.faults.has(F::ConfigNonStringValue) {
            json!(42_424_242)
        } else {
            json!(key)
        },
    );
    if state.faults.has(F::ConfigUndeclaredVar) {
        config.insert(format!("{PREFIX}_EXTRA"), json!("undeclared"));
    }
    config
}

fn is_async(state: &State, plan: &str) -> bool {
    let f = &state.faults;
    let sync_only = f.has(F::VariantSyncOnly) || f.has(F::SyncWrongClientSecret);
    f.has(F::VariantAsyncAll) || (ASYNC_PLANS.contains(&plan) && !sync_only)
}

fn provision_answer(state: &State, uuid: &str, res: &Resource) -> Response {
    if state.faults.has(F::ProvisionInvalidJson) {
        return (StatusCode::OK, "OK").into_response();
    }
    if is_async(state, &res.plan) {
        let mut body = json!({"message": "Your add-on is being provisioned."});
        if !state.faults.has(F::Async202NoId) {
            body["id"] = res.provider_id.clone();
        }
        return json_response(state, StatusCode::ACCEPTED, body);
    }
    let mut body = json!({
        "id": res.provider_id,
        "config": res.config,
        "message": "Your add-on is ready.",
    });
    if !state.faults.has(F::NoLogDrainUrl) {
        body["log_drain_url"] = json!(format!("https://drain.{ADDON_ID}.invalid/{uuid}"));
    }
    let status = if state.faults.has(F::VariantProvision201) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    json_response(state, status, body)
}

async fn provision(AxState(state): S, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refuse(&state, &headers, state.faults.has(F::NoAuthOnProvision)) {
        return r;
    }
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&body) else {
        if state.faults.has(F::MalformedBody500) {
            return (StatusCode::INTERNAL_SERVER_ERROR, "parse error").into_response();
        }
        return error(StatusCode::BAD_REQUEST, "the body is not a JSON object");
    };
    let (Some(uuid), Some(plan)) = (
        req.get("uuid").and_then(Value::as_str),
        req.get("plan").and_then(Value::as_str),
    ) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "uuid and plan are required",
        );
    };
    if let Ok(mut seen) = state.received_secrets.lock() {
        for secret in [
            req.get("oauth_grant").and_then(|g| g.get("code")),
            req.get("log_drain_token"),
        ] {
            if let Some(Value::String(s)) = secret {
                seen.push(s.clone());
            }
        }
    }
    if state.faults.has(F::RejectsUnknownFields)
        && let Some(k) = req.keys().find(|k| !KNOWN_FIELDS.contains(&k.as_str()))
    {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("unknown field {k}"),
        );
    }
    if state.faults.has(F::RejectsUnknownOptions) {
        let options = req.get("options").and_then(Value::as_object);
        if let Some(k) =
            options.and_then(|o| o.keys().find(|k| !KNOWN_OPTIONS.contains(&k.as_str())))
        {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("unknown option {k}"),
            );
        }
    }
    if !PLANS.contains(&plan) {
        return unprocessable(&state, &format!("{ADDON_ID} has no plan named {plan}"));
    }
    if state.faults.has(F::Provision500) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
    }
    let region = req
        .get("region")
        .and_then(Value::as_str)
        .unwrap_or(COMMON_RUNTIME_REGIONS[0]);
    if let Some(refusal) = region_refusal(&state, plan, region) {
        if state.faults.has(F::PrivateSpaceRefusalLeaves)
            && PRIVATE_SPACE_REGIONS.contains(&region)
            && let Ok(mut r) = state.resources.lock()
        {
            let res = fresh(&state, uuid, plan, json!(uuid));
            r.insert(uuid.to_owned(), res);
        }
        if state.faults.has(F::PrivateSpaceRefusalCallsBack)
            && PRIVATE_SPACE_REGIONS.contains(&region)
            && let Some(job) = callback_job(
                &state,
                &req,
                uuid,
                plan,
                &fresh(&state, uuid, plan, json!(uuid)),
            )
        {
            // Exchanges the grant before looking at the region, and only then refuses.
            callbacks::run(state.clone(), job).await;
        }
        return refusal;
    }
    let existing = state
        .resources
        .lock()
        .ok()
        .and_then(|r| r.get(uuid).cloned());
    let recreate = |removed: bool| {
        if removed {
            state.faults.has(F::RemovedProvisionRecreated)
        } else {
            state.faults.has(F::DuplicateOnRepeat)
        }
    };
    match existing {
        Some(res) if recreate(res.removed) => {
            let res = fresh(&state, uuid, plan, json!(uuid::Uuid::new_v4().to_string()));
            if let Ok(mut r) = state.resources.lock() {
                r.insert(uuid.to_owned(), res.clone());
            }
            return provision_answer(&state, uuid, &res);
        }
        Some(res) if res.removed => {
            return error(StatusCode::GONE, "this resource was deprovisioned");
        }
        Some(res) => return provision_answer(&state, uuid, &res),
        None => {}
    }
    if state.faults.has(F::ConcurrentRace) {
        // Looks the uuid up, then does slow work before inserting: concurrent duplicates all
        // miss the lookup and each create a resource with its own id.
        tokio::time::sleep(Duration::from_millis(150)).await;
        let res = fresh(&state, uuid, plan, json!(uuid::Uuid::new_v4().to_string()));
        let first = state
            .resources
            .lock()
            .map(|mut r| r.insert(uuid.to_owned(), res.clone()).is_none())
            .unwrap_or(false);
        if first {
            start_callbacks(&state, &req, uuid, plan, &res);
        }
        return provision_answer(&state, uuid, &res);
    }
    let provider_id = if state.faults.has(F::IdFromHerokuId) {
        json!(format!(
            "res-{}",
            req.get("heroku_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
        ))
    } else if state.faults.has(F::VariantIntegerId) {
        json!(state.resources.lock().map(|r| r.len()).unwrap_or(0) + 1000)
    } else {
        json!(uuid)
    };
    let res = fresh(&state, uuid, plan, provider_id);
    // Insert only if absent, in one critical section: a concurrent duplicate that got here
    // first wins, and both answers describe the same resource.
    let (stored, created) = match state.resources.lock() {
        Ok(mut r) => match r.entry(uuid.to_owned()) {
            Entry::Occupied(e) => (e.get().clone(), false),
            Entry::Vacant(v) => (v.insert(res).clone(), true),
        },
        Err(_) => return error(StatusCode::INTERNAL_SERVER_ERROR, "state unavailable"),
    };
    if created {
        start_callbacks(&state, &req, uuid, plan, &stored);
    }
    // The slow part of provisioning comes after the grant exchange has been started.
    let delay = if state.faults.has(F::SlowProvision) {
        Duration::from_millis(1500)
    } else if state.faults.has(F::SluggishProvision) {
        Duration::from_millis(700)
    } else {
        Duration::ZERO
    };
    if !delay.is_zero() && !state.delayed.swap(true, Ordering::SeqCst) {
        tokio::time::sleep(delay).await;
    }
    provision_answer(&state, uuid, &stored)
}

/// Exchanges the grant code (and, for async plans, finishes provisioning) in the background.
fn start_callbacks(
    state: &Arc<State>,
    req: &Map<String, Value>,
    uuid: &str,
    plan: &str,
    res: &Resource,
) {
    if let Some(job) = callback_job(state, req, uuid, plan, res) {
        tokio::spawn(callbacks::run(state.clone(), job));
    }
}

fn callback_job(
    state: &State,
    req: &Map<String, Value>,
    uuid: &str,
    plan: &str,
    res: &Resource,
) -> Option<callbacks::Job> {
    let code = req
        .get("oauth_grant")
        .and_then(|g| g.get("code"))
        .and_then(Value::as_str)?;
    let callback_url = req.get("callback_url").and_then(Value::as_str)?;
    Some(callbacks::Job {
        uuid: uuid.to_owned(),
        callback_url: callback_url.to_owned(),
        code: code.to_owned(),
        asynchronous: is_async(state, plan),
        config: res.config.clone(),
    })
}

fn fresh(state: &State, uuid: &str, plan: &str, provider_id: Value) -> Resource {
    Resource {
        provider_id,
        plan: plan.to_owned(),
        config: new_config(state, uuid),
        removed: false,
    }
}

async fn deprovision(AxState(state): S, Path(uuid): Path<String>, headers: HeaderMap) -> Response {
    if let Some(r) = refuse(&state, &headers, state.faults.has(F::NoAuthOnDeprovision)) {
        return r;
    }
    let Ok(mut resources) = state.resources.lock() else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "state unavailable");
    };
    let Some(res) = resources.get_mut(&uuid) else {
        if state.faults.has(F::UnknownDeprovision204) {
            return StatusCode::NO_CONTENT.into_response();
        }
        if state.faults.has(F::UnknownDeprovision500) {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
        return error(StatusCode::NOT_FOUND, "no such resource");
    };
    if res.removed {
        if state.faults.has(F::RepeatDeprovision500) {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
        if state.faults.has(F::VariantRepeatDeprovision204) {
            return StatusCode::NO_CONTENT.into_response();
        }
        return error(StatusCode::GONE, "already deprovisioned");
    }
    res.removed = true;
    if state.faults.has(F::Deprovision500) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
    }
    if state.faults.has(F::VariantDeprovision200) {
        return (StatusCode::OK, axum::Json(json!({}))).into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}
