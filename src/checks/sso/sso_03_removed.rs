//! SSO-03 (removed): a login to a deprovisioned resource gets a 4xx and no session (see `forgery`).

use super::forgery::{Forgery, check};
use crate::check::{CheckCtx, Verdict};

crate::check!(
    "SSO-03.removed",
    Must,
    "a login to a deprovisioned resource gets a 4xx",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    check(cx, Forgery::Removed).await
}
