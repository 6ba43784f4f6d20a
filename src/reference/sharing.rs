//! The reference partner's sharing faults, as a layer around its Partner API routes: it sees
//! each request and answer, remembers which app (`heroku_id`) each install belongs to, and
//! breaks many-per-app behaviour when a fault asks for it. Conformant, it changes nothing: the
//! reference keys every resource on the uuid alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State as AxState};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::State;
use super::behaviour::{DeprovisionScope, InstallIds, Strictness};

/// Largest request or answer body the layer buffers.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// A resource's Platform API authorization, kept for later calls (rotation).
#[derive(Debug, Clone)]
pub(crate) struct Authorization {
    /// Where the token endpoint is.
    pub identity: String,
    /// Where the Platform API is.
    pub origin: String,
    pub access: String,
    pub refresh: String,
    pub expires: Instant,
}

/// Installs by uuid, with their app's `heroku_id`, their tokens and superseded credentials.
#[derive(Debug, Default)]
pub(crate) struct Installs {
    by_uuid: Mutex<HashMap<String, String>>,
    /// For the `app-counter-race` fault: installs counted per app, and the id each got.
    counters: Mutex<HashMap<String, u32>>,
    assigned: Mutex<HashMap<String, String>>,
    tokens: Mutex<HashMap<String, Authorization>>,
    /// Install uuids in provisioning order.
    order: Mutex<Vec<String>>,
    /// Credentials replaced by a rotation that still work (the grace window of seed 001).
    previous: Mutex<HashMap<String, Vec<String>>>,
    /// Woken whenever a token is kept.
    token_kept: tokio::sync::Notify,
}

impl Installs {
    pub fn keep_token(&self, uuid: &str, auth: Authorization) {
        if let Ok(mut t) = self.tokens.lock() {
            t.insert(uuid.to_owned(), auth);
        }
        self.token_kept.notify_waiters();
    }

    /// The token of `uuid`, waiting up to `limit` for its grant exchange to finish.
    pub async fn token_within(
        &self,
        uuid: &str,
        limit: std::time::Duration,
    ) -> Option<Authorization> {
        let give_up = tokio::time::Instant::now() + limit;
        loop {
            let kept = self.token_kept.notified();
            tokio::pin!(kept);
            kept.as_mut().enable();
            if let Some(t) = self.token(uuid) {
                return Some(t);
            }
            tokio::time::timeout_at(give_up, kept).await.ok()?;
        }
    }

    pub fn token(&self, uuid: &str) -> Option<Authorization> {
        self.tokens.lock().ok()?.get(uuid).cloned()
    }

    pub fn keep_previous(&self, uuid: &str, values: Vec<String>) {
        if let Ok(mut p) = self.previous.lock() {
            p.entry(uuid.to_owned()).or_default().extend(values);
        }
    }

    pub fn is_previous(&self, uuid: &str, value: &str) -> bool {
        self.previous
            .lock()
            .map(|p| p.get(uuid).is_some_and(|v| v.iter().any(|x| x == value)))
            .unwrap_or(false)
    }

    /// The first live install (in provisioning order) of the app `uuid` belongs to.
    pub fn first_of_app(&self, uuid: &str) -> String {
        let Some(app) = self.app_of(uuid) else {
            return uuid.to_owned();
        };
        let order = self.order.lock().map(|o| o.clone()).unwrap_or_default();
        order
            .into_iter()
            .find(|u| self.app_of(u).as_deref() == Some(app.as_str()))
            .unwrap_or_else(|| uuid.to_owned())
    }

    /// Superseded credentials, for leak scans.
    pub fn secrets(&self) -> Vec<String> {
        self.previous
            .lock()
            .map(|p| p.values().flatten().cloned().collect())
            .unwrap_or_default()
    }

    fn app_of(&self, uuid: &str) -> Option<String> {
        self.by_uuid.lock().ok()?.get(uuid).cloned()
    }

    fn others_on(&self, heroku_id: &str, uuid: &str) -> Vec<String> {
        self.by_uuid
            .lock()
            .map(|m| {
                m.iter()
                    .filter(|(u, h)| h.as_str() == heroku_id && u.as_str() != uuid)
                    .map(|(u, _)| u.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn record(&self, uuid: &str, heroku_id: &str) {
        if let Ok(mut m) = self.by_uuid.lock()
            && m.insert(uuid.to_owned(), heroku_id.to_owned()).is_none()
            && let Ok(mut o) = self.order.lock()
        {
            o.push(uuid.to_owned());
        }
    }

    fn forget(&self, uuid: &str) {
        if let Ok(mut m) = self.by_uuid.lock() {
            m.remove(uuid);
        }
    }
}

fn json_answer(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

pub(crate) async fn layer(
    AxState(state): AxState<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "too large").into_response();
    };
    let path = parts.uri.path().to_owned();
    let method = parts.method.clone();
    let request: Option<Value> = serde_json::from_slice(&bytes).ok();
    if method == Method::PUT
        && state.behaviour.plans.shared_resource == Strictness::Refuse
        && let Some(uuid) = path.strip_prefix("/heroku/resources/")
        && super::admin::attachment_names(&state, uuid)
            .await
            .is_some_and(|n| n.len() > 1)
    {
        return json_answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({"message": "this add-on is shared with other apps; detach it first"}),
        );
    }
    let reply = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if !reply.status().is_success() {
        return reply;
    }
    if method == Method::POST && path == "/heroku/resources" {
        let field = |k: &str| {
            request
                .as_ref()
                .and_then(|r| r.get(k))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        if let (Some(uuid), Some(heroku_id)) = (field("uuid"), field("heroku_id")) {
            return provisioned(&state, &uuid, &heroku_id, reply).await;
        }
    } else if method == Method::DELETE
        && let Some(uuid) = path.strip_prefix("/heroku/resources/")
    {
        deprovisioned(&state, uuid);
    }
    reply
}

/// The id a new install gets from the racy per-app counter, or the one a repeated delivery
/// got before.
async fn ticket(state: &State, uuid: &str, heroku_id: &str, repeat: bool) -> Option<String> {
    let installs = &state.installs;
    if state.behaviour.sharing.ids == InstallIds::Resource || repeat {
        // A repeated delivery answers the id the first one got.
        return installs.assigned.lock().ok()?.get(uuid).cloned();
    }
    // Reads the app's install counter, does slow work, then writes it back: concurrent
    // installs on one app read the same value and get the same id.
    let n = installs
        .counters
        .lock()
        .map(|c| c.get(heroku_id).copied().unwrap_or(0))
        .unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(100)).await;
    if let Ok(mut c) = installs.counters.lock() {
        c.insert(heroku_id.to_owned(), n + 1);
    }
    let id = format!("install-{n}");
    if let Ok(mut a) = installs.assigned.lock() {
        a.insert(uuid.to_owned(), id.clone());
    }
    Some(id)
}

async fn provisioned(state: &State, uuid: &str, heroku_id: &str, reply: Response) -> Response {
    let s = &state.behaviour.sharing;
    let others = state.installs.others_on(heroku_id, uuid);
    let repeat = state.installs.app_of(uuid).is_some();
    let ticket = ticket(state, uuid, heroku_id, repeat).await;
    if s.second_install == Strictness::Refuse && !others.is_empty() && !repeat {
        if let Ok(mut r) = state.resources.lock() {
            r.remove(uuid);
        }
        return json_answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({"message": "this app already has the add-on"}),
        );
    }
    state.installs.record(uuid, heroku_id);
    let rename = s.renames_second_install && !others.is_empty();
    if ticket.is_none() && !rename && s.recommended_prefix.is_none() {
        return reply;
    }
    let (parts, body) = reply.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(mut answer) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if let Some(prefix) = s.recommended_prefix
        && parts.status.is_success()
        && let Some(fields) = answer.as_object_mut()
    {
        fields.insert("recommended_prefix".to_owned(), json!(prefix));
    }
    if let Some(id) = ticket {
        answer["id"] = json!(id);
    }
    if rename && let Some(config) = answer.get("config").and_then(Value::as_object) {
        // Names the vars the way the app will see them, as if the partner did Heroku's job.
        let suffix = format!("{}_{}", super::PREFIX, others.len() + 1);
        let renamed: serde_json::Map<String, Value> = config
            .iter()
            .map(|(k, v)| (k.replacen(super::PREFIX, &suffix, 1), v.clone()))
            .collect();
        answer["config"] = Value::Object(renamed);
    }
    // The handler's headers (its content type above all) stay; only the body changed.
    let mut parts = parts;
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let bytes = serde_json::to_vec(&answer).unwrap_or_default();
    Response::from_parts(parts, Body::from(bytes))
}

fn deprovisioned(state: &State, uuid: &str) {
    let app = state.installs.app_of(uuid);
    state.installs.forget(uuid);
    let Some(heroku_id) = app else {
        return;
    };
    if state.behaviour.sharing.deprovision_scope == DeprovisionScope::App {
        // Removes every install of the app, not just this uuid.
        for other in state.installs.others_on(&heroku_id, uuid) {
            state.installs.forget(&other);
            if let Ok(mut r) = state.resources.lock()
                && let Some(res) = r.get_mut(&other)
            {
                res.removed = true;
            }
        }
    }
}
