//! The reference partner's refusals: 422 with a message, and which plans it serves in which
//! regions (Common Runtime, its Private Space regions, nothing else).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::behaviour::{PrivateSpacePlans, RefusalBody, UnknownRegion};
use super::routes::error;
use super::{ADDON_ID, PRIVATE_SPACE_REGIONS, PRIVATE_SPACE_UNAVAILABLE, State};
use crate::config::COMMON_RUNTIME_REGIONS;

/// 422 with a message the customer sees (or without one, under the fault).
pub(super) fn unprocessable(state: &State, message: &str) -> Response {
    match state.behaviour.regions.refusal_body {
        RefusalBody::Empty => {
            (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(json!({}))).into_response()
        }
        RefusalBody::PlainText => {
            (StatusCode::UNPROCESSABLE_ENTITY, message.to_owned()).into_response()
        }
        RefusalBody::Message => error(StatusCode::UNPROCESSABLE_ENTITY, message),
    }
}

/// None when the plan may be provisioned in `region`; otherwise the refusal.
pub(super) fn region_refusal(state: &State, plan: &str, region: &str) -> Option<Response> {
    let r = &state.behaviour.regions;
    if COMMON_RUNTIME_REGIONS.contains(&region) {
        return None;
    }
    if !PRIVATE_SPACE_REGIONS.contains(&region) {
        if r.unknown == UnknownRegion::ServerError {
            return Some(error(StatusCode::INTERNAL_SERVER_ERROR, "no such region"));
        }
        return Some(unprocessable(
            state,
            &format!("{ADDON_ID} does not run in the region {region}"),
        ));
    }
    let refused = match r.private_space_plans {
        PrivateSpacePlans::AsListed => PRIVATE_SPACE_UNAVAILABLE.contains(&plan),
        PrivateSpacePlans::All => false,
        PrivateSpacePlans::None => true,
    };
    if refused {
        return Some(unprocessable(
            state,
            &format!(
                "The {plan} plan is not available in Private Spaces. Choose another plan for apps in a Private Space."
            ),
        ));
    }
    None
}
