//! Checks of the provision answer and of provision probes.

pub mod gen_01;
pub mod gen_02;
pub mod gen_04;
pub mod opt_02;
pub mod prov_02;
pub mod prov_03;
pub mod prov_04;
pub mod prov_05;
pub mod prov_06;
pub mod prov_14;
pub mod prov_15;

crate::suite!(
    prov_02, gen_01, gen_04, prov_03, prov_04, prov_15, prov_05, prov_06, prov_14, gen_02, opt_02,
);

use std::sync::Arc;

use serde_json::Value;

use crate::check::judge::is_2xx;
use crate::check::{CheckCtx, Provisioned, Resource, Stop, skip};
use crate::partner::Reply;

/// The shared resource's synchronous answer, or the verdict for checks that judge one: blocked
/// when it failed, skipped when the partner answered 202 (config comes later, by API).
pub async fn sync_answer(cx: &CheckCtx<'_>) -> Result<Arc<Provisioned>, Stop> {
    let res = cx.live_resource(Resource::Primary).await?;
    if res.is_async() {
        return skip("the partner answered 202: config arrives through the Platform API");
    }
    Ok(res)
}

/// Sends a variant of a normal provision (`alter` changes the body) and removes what it created.
/// Blocked unless the plain provision succeeded, so only the variant can be blamed.
pub async fn variant_probe(
    cx: &CheckCtx<'_>,
    what: &str,
    alter: impl FnOnce(&mut Value),
) -> Result<Reply, Stop> {
    cx.live_resource(Resource::Primary).await?;
    let mut probe = cx.probe(cx.default_plan());
    alter(&mut probe.body);
    let reply = probe.send(&format!("provision with {what}")).await;
    if is_2xx(reply.status) {
        probe
            .remove(&format!("remove the resource with {what}"))
            .await;
    }
    Ok(reply)
}
