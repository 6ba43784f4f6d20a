//! Duplicate deliveries (Heroku delivers at least once, §3.1): a repeated provision, many
//! identical provisions at once, and a provision for a removed uuid.

pub mod idem_02;
pub mod idem_02_concurrent;
pub mod prov_12;

crate::suite!(idem_02, idem_02_concurrent, prov_12);

use serde_json::Value;

use crate::partner::Reply;

/// The `id` of a provision answer, as JSON (string or legacy integer).
pub fn provider_id(reply: &Reply) -> Option<Value> {
    reply
        .json
        .as_ref()
        .ok()?
        .get("id")
        .filter(|v| v.is_string() || v.is_number())
        .cloned()
}
