//! Plan change checks, in order on the shared resource: upgrade, downgrade, a change to the
//! current plan, an unknown plan, the configured forbidden transitions, an unknown uuid.

pub mod idem_04;
pub mod plan_02;
pub mod plan_02_downgrade;
pub mod plan_03;
pub mod plan_03_forbidden;
pub mod plan_08;

crate::suite!(
    plan_02,
    plan_02_downgrade,
    idem_04,
    plan_03,
    plan_03_forbidden,
    plan_08,
);

use crate::check::{CheckCtx, Provisioned};
use crate::partner::{Credentials, Reply};

/// `PUT {base_url}/{uuid}` to `plan`; a 200 records the plan as the resource's current one.
pub async fn change(cx: &CheckCtx<'_>, res: &Provisioned, plan: &str, label: &str) -> Reply {
    let body = serde_json::json!({"plan": plan, "uuid": res.uuid});
    let reply = cx
        .partner()
        .plan_change(&res.uuid, &body, Credentials::Manifest, label)
        .await;
    if reply.is_success() && reply.status != Some(202) {
        res.set_current_plan(plan);
    }
    reply
}
