//! SSO-06.legacy: what a login carrying only the legacy `id`/`token` pair gets. Informational:
//! Heroku still sends the pair, and an add-on may verify it or not; only a server error is
//! reported (see SSO-06).

use crate::check::{CheckCtx, Verdict};

use super::sso_06::{Kind, judge, legacy_only};

crate::check!(
    "SSO-06.legacy",
    Should,
    "a login carrying only the legacy id/token pair signs in or is refused, never a 5xx",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let attempt = legacy_only(cx).await?;
    judge(&attempt, Kind::Legacy, true)
}
