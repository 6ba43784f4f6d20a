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

use std::sync::Arc;

use serde_json::Value;

use crate::checks::inspect::is_2xx;
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Verdict;
use crate::runner::{CheckCtx, Provisioned};

/// The shared resource's synchronous answer, or the verdict for checks that judge one: blocked
/// when it failed, skipped when the partner answered 202 (config comes later, by API).
pub async fn sync_answer(cx: &CheckCtx<'_>) -> Result<Arc<Provisioned>, Verdict> {
    let res = cx.live_resource("primary").await?;
    if res.is_async() {
        return Err(Verdict::Skip(
            "the partner answered 202: config arrives through the Platform API".into(),
        ));
    }
    Ok(res)
}

/// Sends a variant of a normal provision (`alter` changes the body) and removes what it created.
/// Blocked unless the plain provision succeeded, so only the variant can be blamed.
pub async fn variant_probe(
    cx: &CheckCtx<'_>,
    what: &str,
    alter: impl FnOnce(&mut Value),
) -> Result<Reply, Verdict> {
    cx.live_resource("primary").await?;
    let uuid = uuid::Uuid::new_v4().to_string();
    let mut body = cx.provision_body(&uuid, cx.default_plan());
    alter(&mut body);
    let reply = cx
        .provision(
            &body,
            Credentials::Manifest,
            &format!("provision with {what}"),
        )
        .await;
    if is_2xx(reply.status) {
        cx.deprovision(
            &uuid,
            Credentials::Manifest,
            &format!("remove the resource with {what}"),
        )
        .await;
    }
    Ok(reply)
}
