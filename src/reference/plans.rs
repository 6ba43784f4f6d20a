//! The reference partner's plan changes: known plans only, same-plan no-ops, forbidden
//! transitions refused with 422 and a message.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::behaviour::{Strictness, ValueForm};
use super::regions::unprocessable;
use super::routes::{Step, authorise, error};
use super::{ADDON_ID, FORBIDDEN_TRANSITIONS, PLANS, PREFIX, Resource, State};

type S = AxState<Arc<State>>;

pub(super) async fn plan_change(
    AxState(state): S,
    Path(uuid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = &state.behaviour.plans;
    if let Err(refusal) = authorise(&state, &headers, p.guard) {
        return refusal.into_response();
    }
    let uuid = state.key_of(&uuid);
    let Some(plan) = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("plan").and_then(Value::as_str).map(str::to_owned))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "the body must be {\"plan\": \"<slug>\"}",
        );
    };
    let Ok(mut resources) = state.resources.lock() else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "state unavailable");
    };
    let Some(res) = resources.get_mut(&uuid) else {
        return p.unknown_resource.render();
    };
    if let Err(refusal) = screen(&state, res, &plan) {
        return refusal.into_response();
    }
    if res.plan == plan {
        return (
            StatusCode::OK,
            axum::Json(json!({"message": format!("already on {plan}")})),
        )
            .into_response();
    }
    let from = std::mem::replace(&mut res.plan, plan.clone());
    let mut config = res.config.clone();
    if p.answer_api_key == ValueForm::Number {
        config.insert(format!("{PREFIX}_API_KEY"), json!(7));
    }
    if p.answer_text {
        return (StatusCode::OK, "ok").into_response();
    }
    let body = json!({"config": config, "message": format!("changed from {from} to {plan}")});
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// The refusals of a change of `res` to `plan`.
fn screen(state: &State, res: &Resource, plan: &str) -> Step<()> {
    let p = &state.behaviour.plans;
    if res.deprovisioning {
        let message = "this resource is being deprovisioned";
        return Err(error(StatusCode::CONFLICT, message).into());
    }
    if res.removed && p.removed_resource == Strictness::Refuse {
        return Err(error(StatusCode::GONE, "this resource was deprovisioned").into());
    }
    if !PLANS.contains(&plan) && p.unknown_plan == Strictness::Refuse {
        let message = format!("{ADDON_ID} has no plan named {plan}");
        return Err(unprocessable(state, &message).into());
    }
    if let Some(answer) = p.status_override {
        return Err(answer.render().into());
    }
    if res.plan == plan && p.same_plan == Strictness::Refuse {
        let message = format!("the resource is already on {plan}");
        return Err(unprocessable(state, &message).into());
    }
    if FORBIDDEN_TRANSITIONS.contains(&(res.plan.as_str(), plan))
        && p.forbidden_transitions == Strictness::Refuse
    {
        let message = format!(
            "Cannot change from {} to {plan}: the data stored exceeds the {plan} plan's limit.",
            res.plan
        );
        return Err(unprocessable(state, &message).into());
    }
    Ok(())
}
