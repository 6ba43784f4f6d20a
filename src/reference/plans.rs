//! The reference partner's plan changes: known plans only, same-plan no-ops, forbidden
//! transitions refused with 422 and a message.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::faults::Fault as F;
use super::regions::unprocessable;
use super::routes::{error, refuse};
use super::{ADDON_ID, FORBIDDEN_TRANSITIONS, PLANS, PREFIX, State};

type S = AxState<Arc<State>>;

pub(super) async fn plan_change(
    AxState(state): S,
    Path(uuid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = refuse(&state, &headers, state.faults.has(F::NoAuthOnPlanChange)) {
        return r;
    }
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
        if state.faults.has(F::UnknownPlanChange200) {
            return (StatusCode::OK, axum::Json(json!({"message": "changed"}))).into_response();
        }
        return error(StatusCode::NOT_FOUND, "no such resource");
    };
    if res.removed && !state.faults.has(F::RemovedPlanChange200) {
        return error(StatusCode::GONE, "this resource was deprovisioned");
    }
    if !PLANS.contains(&plan.as_str()) && !state.faults.has(F::UnknownPlanAccepted) {
        return unprocessable(&state, &format!("{ADDON_ID} has no plan named {plan}"));
    }
    if state.faults.has(F::PlanChange500) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
    }
    if res.plan == plan && state.faults.has(F::SamePlan422) {
        return unprocessable(&state, &format!("the resource is already on {plan}"));
    }
    if FORBIDDEN_TRANSITIONS.contains(&(res.plan.as_str(), plan.as_str()))
        && !state.faults.has(F::ForbiddenTransitionAllowed)
    {
        return unprocessable(
            &state,
            &format!(
                "Cannot change from {} to {plan}: the data stored exceeds the {plan} plan's limit.",
                res.plan
            ),
        );
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
    if state.faults.has(F::PlanChangeBadConfig) {
        config.insert(format!("{PREFIX}_API_KEY"), json!(7));
    }
    let body = json!({"config": config, "message": format!("changed from {from} to {plan}")});
    (StatusCode::OK, axum::Json(body)).into_response()
}
