//! The reference partner's routes, its Basic auth, and its deprovisioning.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::json;

use super::behaviour::{CredentialCheck, DeprovisionAction, Guard, Removal};
use super::{ADDON_ID, State};

type S = AxState<Arc<State>>;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/heroku/resources", post(super::provision::provision))
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
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::pace::layer,
        ))
        .with_state(state)
}

/// An early answer: the handler stops and sends it (boxed: a `Response` is large).
pub(super) struct Early(Box<Response>);

impl From<Response> for Early {
    fn from(answer: Response) -> Self {
        Early(Box::new(answer))
    }
}

impl IntoResponse for Early {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// A handler step: `Err` is an early answer.
pub(super) type Step<T> = Result<T, Early>;

pub(super) fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

/// `Ok` when authorised (or the route is open); otherwise the refusal.
pub(super) fn authorise(state: &State, headers: &HeaderMap, guard: Guard) -> Step<()> {
    if guard == Guard::Open {
        return Ok(());
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
            let user_ok = state.behaviour.auth.credentials == CredentialCheck::PasswordOnly
                || constant_eq(user, ADDON_ID);
            user_ok & constant_eq(pass, &state.password)
        });
    if ok {
        return Ok(());
    }
    let auth = &state.behaviour.auth;
    if auth.unquoted_body {
        let body = "{message: \"Unauthorized\"}";
        let json = [(header::CONTENT_TYPE, "application/json")];
        return Err((auth.refusal, json, body).into_response().into());
    }
    Err(error(auth.refusal, "invalid credentials").into())
}

pub(super) fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn deprovision(AxState(state): S, Path(uuid): Path<String>, headers: HeaderMap) -> Response {
    let d = &state.behaviour.deprovision;
    if let Err(refusal) = authorise(&state, &headers, d.guard) {
        return refusal.into_response();
    }
    let uuid = state.key_of(&uuid);
    match remove(&state, &uuid) {
        Some(answer) => answer,
        None => {
            match d.action {
                DeprovisionAction::AfterAnswer => {
                    tokio::spawn(deprovision_action(state.clone(), uuid));
                }
                DeprovisionAction::BeforeAnswer => deprovision_action(state.clone(), uuid).await,
                DeprovisionAction::Never => {}
            }
            StatusCode::ACCEPTED.into_response()
        }
    }
}

/// Removes `uuid` from the store: the answer, or `None` for a removal that completes later.
fn remove(state: &State, uuid: &str) -> Option<Response> {
    let d = &state.behaviour.deprovision;
    let Ok(mut resources) = state.resources.lock() else {
        return Some(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "state unavailable",
        ));
    };
    Some(match resources.get_mut(uuid) {
        None => d.unknown.render(),
        Some(res) if res.removed => d.repeat.render(),
        Some(res) if res.extra_rows > 0 => {
            // One row of several goes; the uuid still finds the others.
            res.extra_rows -= 1;
            d.done.render()
        }
        Some(res) => {
            res.removed = true;
            let later = match d.removal {
                Removal::Immediate => false,
                Removal::AsyncPlans => super::ASYNC_PLANS.contains(&res.plan.as_str()),
                Removal::Asynchronous => true,
            };
            if later {
                return None;
            }
            d.done.render()
        }
    })
}

/// Tells Heroku the asynchronous removal of `uuid` is done.
async fn deprovision_action(state: Arc<State>, uuid: String) {
    // A fresh install's grant exchange may still be running.
    let auth = state
        .installs
        .token_within(&uuid, std::time::Duration::from_secs(5))
        .await;
    let Some(auth) = super::admin::fresh(&state, &uuid, auth).await else {
        return;
    };
    let path = format!("/addons/{uuid}/actions/deprovision");
    let request = if state.behaviour.deprovision.action_accept {
        super::admin::api(&state, &auth, reqwest::Method::POST, &path)
    } else {
        let url = format!("{}{path}", auth.origin);
        state.http.post(url).bearer_auth(&auth.access)
    };
    let _ = request.send().await;
}
