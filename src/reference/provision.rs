//! The reference partner's provisioning: a request is authorised, parsed and screened, refused
//! where the region does not serve its plan, answered from the store when repeated, and
//! otherwise creates one resource (starting its callbacks) and answers it.

use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::behaviour::{BodyFormat, IdScheme, Insert, Repeat, Strictness, UrlForm, ValueForm};
use super::regions::{region_refusal, unprocessable};
use super::routes::{Step, authorise, error};
use super::{
    ADDON_ID, KNOWN_OPTIONS, PLANS, PREFIX, PRIVATE_SPACE_REGIONS, Resource, State, callbacks,
};
use crate::config::COMMON_RUNTIME_REGIONS;

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

/// A well-formed provision request.
struct Request {
    fields: Map<String, Value>,
    uuid: String,
    plan: String,
}

pub(super) async fn provision(
    AxState(state): AxState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(answer) => answer,
        Err(early) => early.into_response(),
    }
}

async fn handle(state: &Arc<State>, headers: &HeaderMap, body: &Bytes) -> Step<Response> {
    let p = &state.behaviour.provision;
    authorise(state, headers, p.guard)?;
    let req = parse(state, body)?;
    remember_secrets(state, &req.fields);
    screen(state, &req)?;
    refuse_region(state, &req).await?;
    if let Some(answer) = repeated(state, &req) {
        return Ok(answer);
    }
    if p.insert == Insert::Racy {
        return Ok(create_racily(state, &req).await);
    }
    let stored = create(state, &req)?;
    // The slow part of provisioning comes after the grant exchange has been started.
    if !p.first_delay.is_zero() && !state.delayed.swap(true, Ordering::SeqCst) {
        tokio::time::sleep(p.first_delay).await;
    }
    Ok(answer(state, &req.uuid, &stored))
}

fn parse(state: &State, body: &Bytes) -> Step<Request> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        if state.behaviour.provision.malformed_creates {
            return Err(create_from_malformed(state, body).into());
        }
        return Err(state.behaviour.provision.malformed_body.render().into());
    };
    let field = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(uuid), Some(plan)) = (field("uuid"), field("plan")) else {
        let message = "uuid and plan are required";
        return Err(error(StatusCode::UNPROCESSABLE_ENTITY, message).into());
    };
    Ok(Request { fields, uuid, plan })
}

/// A lenient parser: digs the uuid out of a body that is not JSON, stores a resource for it and
/// answers 400 with what looks like a success body.
fn create_from_malformed(state: &State, body: &Bytes) -> Response {
    let text = String::from_utf8_lossy(body);
    let uuid = text
        .split("\"uuid\"")
        .nth(1)
        .and_then(|rest| rest.split('"').nth(1))
        .unwrap_or_default()
        .to_owned();
    let req = Request {
        fields: Map::new(),
        uuid: uuid.clone(),
        plan: String::new(),
    };
    let res = fresh(state, &req, json!(uuid));
    let answer = json!({"id": uuid, "config": res.config, "message": "the body could not be read"});
    if let Ok(mut r) = state.resources.lock() {
        r.insert(uuid, res);
    }
    (StatusCode::BAD_REQUEST, axum::Json(answer)).into_response()
}

/// Keeps the secrets the platform sent, so leak scans look for them too.
fn remember_secrets(state: &State, req: &Map<String, Value>) {
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
}

/// Unknown fields and options (where the partner refuses them), unknown plans, and the
/// answer every provision gets under a fault.
fn screen(state: &State, req: &Request) -> Step<()> {
    let p = &state.behaviour.provision;
    let unknown = |keys: Option<&Map<String, Value>>, known: &[&str]| {
        keys.and_then(|o| o.keys().find(|k| !known.contains(&k.as_str())).cloned())
    };
    if p.unknown_fields == Strictness::Refuse
        && let Some(k) = unknown(Some(&req.fields), KNOWN_FIELDS)
    {
        let message = format!("unknown field {k}");
        return Err(error(StatusCode::UNPROCESSABLE_ENTITY, &message).into());
    }
    let options = req.fields.get("options").and_then(Value::as_object);
    if p.unknown_options == Strictness::Refuse
        && let Some(k) = unknown(options, KNOWN_OPTIONS)
    {
        let message = format!("unknown option {k}");
        return Err(error(StatusCode::UNPROCESSABLE_ENTITY, &message).into());
    }
    if !PLANS.contains(&req.plan.as_str()) {
        let message = format!("{ADDON_ID} has no plan named {}", req.plan);
        return Err(unprocessable(state, &message).into());
    }
    match p.status_override {
        Some(answer) => Err(answer.render().into()),
        None => Ok(()),
    }
}

/// The region refusal, with what a sloppy partner does before it refuses.
async fn refuse_region(state: &Arc<State>, req: &Request) -> Step<()> {
    let region = req
        .fields
        .get("region")
        .and_then(Value::as_str)
        .unwrap_or(COMMON_RUNTIME_REGIONS[0]);
    let Some(refusal) = region_refusal(state, &req.plan, region) else {
        return Ok(());
    };
    let r = &state.behaviour.regions;
    if PRIVATE_SPACE_REGIONS.contains(&region) {
        if r.refusal_stores_resource
            && let Ok(mut stored) = state.resources.lock()
        {
            stored.insert(req.uuid.clone(), fresh(state, req, json!(req.uuid)));
        }
        if r.refusal_exchanges_grant
            && let Some(job) = callback_job(state, req, &fresh(state, req, json!(req.uuid)))
        {
            // Exchanges the grant before looking at the region, and only then refuses.
            callbacks::run(state.clone(), job).await;
        }
    }
    Err(refusal.into())
}

/// The answer to a provision for a uuid already stored, if it is one.
fn repeated(state: &State, req: &Request) -> Option<Response> {
    let p = &state.behaviour.provision;
    let existing = state.resources.lock().ok()?.get(&req.uuid).cloned()?;
    let repeat = if existing.removed {
        p.after_removal
    } else {
        p.repeat
    };
    Some(match repeat {
        Repeat::SameResource => answer(state, &req.uuid, &existing),
        Repeat::ExtraRow => {
            add_row(state, &req.uuid);
            answer(state, &req.uuid, &existing)
        }
        Repeat::Gone => error(StatusCode::GONE, "this resource was deprovisioned"),
        Repeat::NewResource => {
            let res = fresh(state, req, json!(uuid::Uuid::new_v4().to_string()));
            if let Ok(mut r) = state.resources.lock() {
                r.insert(req.uuid.clone(), res.clone());
            }
            answer(state, &req.uuid, &res)
        }
    })
}

/// Looks the uuid up, then does slow work before inserting: concurrent duplicates all miss the
/// lookup and each create a resource with its own id.
async fn create_racily(state: &Arc<State>, req: &Request) -> Response {
    tokio::time::sleep(Duration::from_millis(150)).await;
    let res = fresh(state, req, json!(uuid::Uuid::new_v4().to_string()));
    let first = state
        .resources
        .lock()
        .map(|mut r| r.insert(req.uuid.clone(), res.clone()).is_none())
        .unwrap_or(false);
    if first {
        start_callbacks(state, req, &res);
    }
    answer(state, &req.uuid, &res)
}

/// Inserts only if absent, in one critical section: a concurrent duplicate that got here first
/// wins, and both answers describe the same resource.
fn create(state: &Arc<State>, req: &Request) -> Step<Resource> {
    let res = fresh(state, req, provider_id(state, req));
    let (stored, created) = match state.resources.lock() {
        Ok(mut r) => match r.entry(req.uuid.clone()) {
            Entry::Occupied(mut e) => {
                if p_repeat(state) == Repeat::ExtraRow && !e.get().removed {
                    e.get_mut().extra_rows += 1;
                }
                (e.get().clone(), false)
            }
            Entry::Vacant(v) => (v.insert(res).clone(), true),
        },
        Err(_) => {
            let message = "state unavailable";
            return Err(error(StatusCode::INTERNAL_SERVER_ERROR, message).into());
        }
    };
    if created {
        start_callbacks(state, req, &stored);
    }
    Ok(stored)
}

fn p_repeat(state: &State) -> Repeat {
    state.behaviour.provision.repeat
}

/// Stores one more row behind `uuid` (the duplicate-rows fault).
fn add_row(state: &State, uuid: &str) {
    if let Ok(mut r) = state.resources.lock()
        && let Some(res) = r.get_mut(uuid)
    {
        res.extra_rows += 1;
    }
}

fn provider_id(state: &State, req: &Request) -> Value {
    match state.behaviour.provision.id_scheme {
        IdScheme::Uuid => json!(req.uuid),
        IdScheme::FromHerokuId => json!(format!(
            "res-{}",
            req.fields
                .get("heroku_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
        )),
        IdScheme::Counter => json!(state.next_id.fetch_add(1, Ordering::Relaxed) + 1000),
        IdScheme::Constant => json!("1"),
        IdScheme::LiveCount => json!(
            state
                .resources
                .lock()
                .map(|r| r.values().filter(|x| !x.removed).count())
                .unwrap_or(0)
                + 1
        ),
    }
}

fn fresh(state: &State, req: &Request, provider_id: Value) -> Resource {
    Resource {
        provider_id,
        plan: req.plan.clone(),
        config: new_config(state, &req.uuid),
        removed: false,
        extra_rows: 0,
    }
}

fn new_config(state: &State, uuid: &str) -> Map<String, Value> {
    let c = &state.behaviour.config;
    let secret = uuid::Uuid::new_v4().simple().to_string();
    let url = match c.url {
        UrlForm::Relative => format!("/db/{uuid}"),
        UrlForm::Absolute => format!(
            "postgres://u{}:{secret}@db.{ADDON_ID}.invalid:5432/{uuid}",
            &secret[..6]
        ),
    };
    let key = uuid::Uuid::new_v4().simple().to_string();
    let mut config = Map::new();
    config.insert(format!("{PREFIX}_URL"), json!(url));
    config.insert(
        format!("{PREFIX}_API_KEY"),
        match c.api_key {
            ValueForm::Number => json!(42_424_242),
            ValueForm::String => json!(key),
        },
    );
    if c.undeclared_var {
        config.insert(format!("{PREFIX}_EXTRA"), json!("undeclared"));
    }
    config
}

fn answer(state: &State, uuid: &str, res: &Resource) -> Response {
    let p = &state.behaviour.provision;
    let a = &p.answer;
    if a.body == BodyFormat::PlainText {
        return (StatusCode::OK, "OK").into_response();
    }
    if p.asynchrony.of(&res.plan) {
        let mut body = json!({"message": "Your add-on is being provisioned."});
        if a.async_answer_id {
            body["id"] = res.provider_id.clone();
        }
        return json_response(state, StatusCode::ACCEPTED, body);
    }
    let mut body = json!({
        "id": res.provider_id,
        "config": res.config,
        "message": "Your add-on is ready.",
    });
    if !a.sync_config
        && let Some(fields) = body.as_object_mut()
    {
        fields.remove("config");
    }
    if a.log_drain_url {
        body["log_drain_url"] = json!(format!("https://drain.{ADDON_ID}.invalid/{uuid}"));
    }
    json_response(state, a.sync_status, body)
}

fn json_response(state: &State, status: StatusCode, body: Value) -> Response {
    let ct = state.behaviour.provision.answer.content_type;
    (status, [(header::CONTENT_TYPE, ct)], body.to_string()).into_response()
}

/// Exchanges the grant code (and, for async plans, finishes provisioning) in the background.
fn start_callbacks(state: &Arc<State>, req: &Request, res: &Resource) {
    if let Some(job) = callback_job(state, req, res) {
        tokio::spawn(callbacks::run(state.clone(), job));
    }
    if let Some(url) = req.fields.get("log_input_url").and_then(Value::as_str) {
        if let Ok(mut inputs) = state.log_inputs.lock() {
            inputs.insert(req.uuid.clone(), url.to_owned());
        }
        if state.behaviour.logs.after_provision {
            tokio::spawn(callbacks::write_log(
                state.clone(),
                url.to_owned(),
                format!("provisioned {} on plan {}", req.uuid, req.plan),
            ));
        }
    }
}

fn callback_job(state: &State, req: &Request, res: &Resource) -> Option<callbacks::Job> {
    let code = req
        .fields
        .get("oauth_grant")
        .and_then(|g| g.get("code"))
        .and_then(Value::as_str)?;
    let callback_url = req.fields.get("callback_url").and_then(Value::as_str)?;
    Some(callbacks::Job {
        uuid: req.uuid.clone(),
        callback_url: callback_url.to_owned(),
        code: code.to_owned(),
        asynchronous: state.behaviour.provision.asynchrony.of(&req.plan),
        config: res.config.clone(),
    })
}
