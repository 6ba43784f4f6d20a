//! Duplicate deliveries (Heroku delivers at least once, §3.1): a repeated provision, many
//! identical provisions at once, and a provision for a removed uuid.

pub mod idem_02;
pub mod idem_02_concurrent;
pub mod prov_12;

crate::suite!(idem_02, idem_02_concurrent, prov_12);

use serde_json::Value;

use crate::check::judge::{is_2xx, observed_status};
use crate::check::resource::Provision;
use crate::check::{CheckCtx, Stop, Verdict, pass, pass_with};
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

/// After several deliveries of `probe` were answered with one id: removes it, then a plan change
/// and a second removal must find nothing. A 2xx to both means a copy survived the removal (an
/// add-on storing one row per delivery behind one id); the ledger then keeps the uuid
/// outstanding until a 404/410 or as many removals as deliveries.
pub async fn nothing_left(cx: &CheckCtx<'_>, probe: &Provision<'_>, what: &str) -> Verdict {
    let removal = probe.remove(&format!("deprovision the {what} uuid")).await;
    if !is_2xx(removal.status) {
        return pass_with(format!(
            "one id; whether a copy survives a removal was not observed: the removal answered {}",
            observed_status(&removal)
        ));
    }
    // An asynchronous removal is complete only with its action: Heroku sends nothing meanwhile.
    if let Err(stop) = cx.removal_settled(&probe.uuid).await {
        return match stop {
            Stop::Skip(why) => pass_with(format!(
                "one id; whether a copy survives a removal was not observed: {why}"
            )),
            other => Err(other),
        };
    }
    let plan = cx
        .config()
        .plans
        .upgrade
        .clone()
        .unwrap_or_else(|| probe.plan.clone());
    let body = serde_json::json!({"plan": plan, "uuid": probe.uuid});
    let change = cx
        .partner()
        .plan_change(
            &probe.uuid,
            &body,
            Credentials::Manifest,
            &format!("plan change of the removed {what} uuid"),
        )
        .await;
    let again = probe
        .remove(&format!("deprovision the removed {what} uuid again"))
        .await;
    if !(is_2xx(change.status) && is_2xx(again.status)) {
        return pass();
    }
    cx.copies_survived(&probe.uuid);
    Finding::new(
        "nothing left after the removal: a plan change and a second removal answer 404 or 410",
        format!(
            "{} to the plan change and {} to the second removal: a copy survived the removal",
            observed_status(&change),
            observed_status(&again)
        ),
    )
    .at("status")
    .hint("store one resource per uuid (a unique constraint) and answer a repeated delivery with it; a row per delivery leaves copies that outlive the customer's removal. An add-on that answers 2xx for resources it no longer holds shows the same: answer 410 for a removed uuid")
    .exchange(&removal.exchange)
    .exchange(&change.exchange)
    .exchange(&again.exchange)
    .into()
}

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
