//! Private Space and region checks (§8, seed 003). Each probe provisions a fresh uuid; the
//! Private Space region strings come from `[regions]` in the config (§18 Q3).

pub mod region_05;
pub mod region_05_nothing_created;
pub mod region_07;
pub mod region_08;

crate::suite!(region_05, region_05_nothing_created, region_08, region_07);

use std::sync::{Arc, Mutex};

use crate::check::{CheckCtx, Stop};
use crate::partner::{Credentials, Reply};

/// Private Space provisions that were refused (uuid and refusal), for REGION-05.leftover.
#[derive(Debug, Default)]
pub struct Refused(pub Mutex<Vec<(String, Reply)>>);

pub async fn refused(cx: &CheckCtx<'_>) -> Result<Arc<Refused>, Stop> {
    cx.memo(None, async { Refused::default() }).await
}

/// Provisions a fresh uuid on `plan` in `region`; returns the uuid and the answer.
pub async fn provision_in(
    cx: &CheckCtx<'_>,
    plan: &str,
    region: &str,
    label: &str,
) -> (String, Reply) {
    let probe = cx.probe_in(plan, region);
    let reply = probe.send(label).await;
    (probe.uuid, reply)
}

/// Removes a resource a probe created (the run's cleanup would do it too, later).
pub async fn remove(cx: &CheckCtx<'_>, uuid: &str, label: &str) {
    cx.deprovision(uuid, Credentials::Manifest, label).await;
}
