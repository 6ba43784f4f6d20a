//! The many-per-app suite (seed 002): a second install on the same app (same `heroku_id`, its
//! own uuid), concurrent installs on one app, and removing one install without touching the
//! other. Needs `many_per_app` in the manifest's `api.requires`.

pub mod att_03;
pub mod config_02;
pub mod prov_10;
pub mod prov_11;
pub mod prov_11_concurrent;

use serde_json::Value;

use crate::partner::Reply;

/// The shared resource installed on the same app as `primary` (its own uuid).
pub const SECOND: &str = "secondary";

/// The provider `id` of a provision answer, as text.
pub fn provider_id(reply: &Reply) -> Option<String> {
    let id = reply.json.as_ref().ok()?.get("id")?;
    Some(match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}
