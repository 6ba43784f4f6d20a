//! The multi-app attachment suite (seed 002): the platform attaches the shared resource to a
//! second app, as Heroku does, without a Partner API call; the partner must keep serving it, and
//! any `recommended_prefix` it returns must be a valid attachment name. Config propagation to
//! the attached app is judged by the rotation suite, which uses the same attachment.

pub mod att_06_detach;
pub mod att_06_same_app;
pub mod att_07;
pub mod att_08;
pub mod sso_10;

crate::suite!(att_08, att_07, sso_10, att_06_same_app, att_06_detach);

use std::sync::Arc;

use crate::check::{CheckCtx, Resource, Stop, blocked, skip};
use crate::heroku::App;
use crate::partner::{Credentials, Reply};
use crate::platform::state::Attachment;
use crate::record::outcome::Finding;

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
pub async fn attached(cx: &CheckCtx<'_>) -> Result<Arc<Attached>, Stop> {
    if !cx.manifest().requires("attachable") {
        return skip("the manifest does not declare attachable in api.requires");
    }
    let platform = cx.platform().clone();
    let res = cx.live_resource(Resource::Primary).await?;
    let name = cx.config().sharing.attach_as.clone();
    let made = cx
        .memo(None, async move {
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
        .await?;
    match made.as_ref() {
        Ok(a) => Ok(Arc::new(a.clone())),
        Err(e) => blocked(format!(
            "the platform could not attach the shared resource: {e}; fix [sharing] attach_as"
        )),
    }
}

/// A change of `res` to the plan it is on.
pub async fn same_plan_change(
    cx: &CheckCtx<'_>,
    res: &crate::check::Provisioned,
    label: &str,
) -> Reply {
    let body = serde_json::json!({"plan": res.current_plan(), "uuid": res.uuid});
    cx.partner()
        .plan_change(&res.uuid, &body, Credentials::Manifest, label)
        .await
}

/// The shared resource attached a second time to its own app (once per run), under
/// `[sharing] attach_again_as` or Heroku's heuristic, with a release; the partner is not told.
#[derive(Debug, Clone)]
pub struct AttachedTwice {
    pub attachment: Attachment,
}

pub async fn attached_twice(cx: &CheckCtx<'_>) -> Result<Arc<AttachedTwice>, Stop> {
    if !cx.manifest().requires("attachable") {
        return skip("the manifest does not declare attachable in api.requires");
    }
    let res = cx.live_resource(Resource::Primary).await?;
    let name = cx.config().sharing.attach_again_as.clone();
    let made: Arc<Result<AttachedTwice, String>> = cx
        .memo(None, async {
            cx.platform()
                .attach(&res.uuid, cx.app(), name.as_deref())
                .map(|attachment| AttachedTwice { attachment })
                .map_err(|e| e.to_string())
        })
        .await?;
    match made.as_ref() {
        Ok(a) => Ok(Arc::new(a.clone())),
        Err(e) => blocked(format!(
            "the platform could not attach the shared resource to its own app again: {e}; fix [sharing] attach_again_as"
        )),
    }
}

/// A correct login to the shared resource from its own app, judged against the run's valid
/// login: it must sign in and land where that one landed.
pub async fn login_lands(cx: &CheckCtx<'_>, label: &str) -> Result<Option<Finding>, Stop> {
    let own = crate::checks::sso::working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    let user = crate::heroku::sso::SsoUser::random();
    let form = crate::checks::sso::form(cx, &res, crate::heroku::sso::now(), &user)?;
    let attempt = crate::checks::sso::post(cx, &form, label).await?;
    if attempt.signed_in()
        && crate::checks::sso::same_page(&attempt.nav.final_url, &own.nav.final_url)
    {
        return Ok(None);
    }
    Ok(Some(
        Finding::new(
            format!(
                "a session on the resource's dashboard ({})",
                own.nav.final_url
            ),
            format!(
                "the login ended with {} at {}",
                crate::check::judge::observed_status(attempt.nav.last()),
                attempt.nav.final_url
            ),
        )
        .at("status")
        .level(crate::catalogue::Level::Should)
        .exchange(&attempt.nav.first().exchange)
        .exchange(&attempt.nav.last().exchange),
    ))
}
