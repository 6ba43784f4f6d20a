//! SSO-06.resource-token: a login carrying only `resource_token` signs in (see SSO-06).

use crate::check::{CheckCtx, Verdict};

use super::sso_06::{Kind, judge, legacy_only, login_with_only};

crate::check!(
    "SSO-06.resource-token",
    Should,
    "a login carrying only resource_token signs in",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let attempt = login_with_only(cx, Kind::Resource).await?;
    let legacy = legacy_only(cx).await?;
    judge(&attempt, Kind::Resource, legacy.signed_in())
}
