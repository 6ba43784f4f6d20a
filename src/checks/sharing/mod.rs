//! The multi-app attachment suite (seed 002): the platform attaches the shared resource to a
//! second app, as Heroku does, without a Partner API call; the partner must keep serving it, and
//! any `recommended_prefix` it returns must be a valid attachment name. Config propagation to
//! the attached app is judged by the rotation suite, which uses the same attachment.

pub mod att_07;
pub mod att_08;
pub mod sso_10;

use std::sync::Arc;

use crate::heroku::App;
use crate::partner::{Credentials, Reply};
use crate::platform::state::Attachment;
use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;

/// The shared resource attached to a second app.
#[derive(Debug, Clone)]
pub struct Attached {
    pub app: App,
    pub attachment: Attachment,
    /// The answer to a change to the current plan sent just before attaching (ATT-07's baseline).
    pub baseline: Reply,
}

/// Attaches `primary` to a second app once per run (with the manifest's `attachable`); the
/// name is `[sharing] attach_as` or Heroku's heuristic.
pub async fn attached(cx: &CheckCtx<'_>) -> Result<Arc<Attached>, Verdict> {
    if !cx.manifest.requires("attachable") {
        return Err(Verdict::Skip(
            "the manifest does not declare attachable in api.requires".into(),
        ));
    }
    let Some(platform) = cx.platform.clone() else {
        return Err(Verdict::Skip("this run has no platform".into()));
    };
    let res = cx.live_resource("primary").await?;
    let name = cx.settings.config.sharing.attach_as.clone();
    let made = cx
        .memo("sharing.attached", async move {
            let app = App::random();
            let baseline = same_plan_change(cx, &res, "plan change before attaching").await;
            platform
                .attach(&res.uuid, &app, name.as_deref())
                .map(|attachment| Attached {
                    app,
                    attachment,
                    baseline,
                })
                .map_err(|e| e.to_string())
        })
        .await;
    match made.as_deref() {
        Some(Ok(a)) => Ok(Arc::new(a.clone())),
        Some(Err(e)) => Err(Verdict::Blocked(format!(
            "the platform could not attach the shared resource: {e}; fix [sharing] attach_as"
        ))),
        None => Err(Verdict::Error(
            "the attachment memo has another type".into(),
        )),
    }
}

/// A change of `res` to the plan it is on.
pub async fn same_plan_change(
    cx: &CheckCtx<'_>,
    res: &crate::runner::Provisioned,
    label: &str,
) -> Reply {
    let body = serde_json::json!({"plan": res.current_plan(), "uuid": res.uuid});
    cx.partner
        .plan_change(&res.uuid, &body, Credentials::Manifest, label)
        .await
}
