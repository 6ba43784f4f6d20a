//! The many-per-app suite (seed 002): a second install on the same app (same `heroku_id`, its
//! own uuid), concurrent installs on one app, and removing one install without touching the
//! other. Needs `many_per_app` in the manifest's `api.requires`.

pub mod att_03;
pub mod config_02;
pub mod prov_10;
pub mod prov_11;
pub mod prov_11_concurrent;
pub mod sso_10;

crate::suite!(
    prov_11,
    att_03,
    config_02,
    prov_11_concurrent,
    sso_10,
    prov_10,
);

use std::sync::Arc;

use serde_json::Value;

use crate::check::{CheckCtx, Provisioned, Resource, Stop, blocked};
use crate::partner::Reply;

/// The provider `id` of a provision answer, as text.
pub fn provider_id(reply: &Reply) -> Option<String> {
    let id = reply.json.as_ref().ok()?.get("id")?;
    Some(match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// The second install, if the partner accepted it (whether or not it was removed since).
pub async fn answered(cx: &CheckCtx<'_>) -> Result<Arc<Provisioned>, Stop> {
    let second = cx.resource(Resource::Secondary).await;
    if second.reply.is_success() {
        Ok(second)
    } else {
        blocked(format!(
            "the second install was refused: {} (see PROV-11)",
            second.reply.exchange.summary()
        ))
    }
}
