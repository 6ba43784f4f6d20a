//! SSO-03 (cross resource): tokens signed for one resource, posted with another resource's id,
//! get 403.

use crate::check::{CheckCtx, Resource, Verdict};
use crate::heroku::sso::now;

crate::check!(
    "SSO-03.cross",
    Must,
    "a token for resource A posted with resource B's id gets 403",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    super::working_login(cx, Resource::Primary).await?;
    // B's own login shows where B's dashboard is, so an accepted cross login is recognised.
    let other = super::working_login(cx, Resource::Secondary).await?;
    let (a, b) = match (
        cx.live_resource(Resource::Primary).await,
        cx.live_resource(Resource::Secondary).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(v), _) | (_, Err(v)) => return Err(v),
    };
    let mut form = super::form(cx, &a, now(), &super::owner(cx, &a.uuid)?)?;
    super::retarget(&mut form, &b);
    let attempt = super::post(cx, &form, "SSO login to secondary with primary's tokens").await?;
    super::judge_refused(
        &attempt,
        &other.nav.final_url,
        "the tokens were signed for another resource",
    )
}
