//! SSO-03 (prefix): a login with truncated tokens gets a 4xx and no session (see `forgery`).

use super::forgery::{Forgery, check};
use crate::check::{CheckCtx, Verdict};

crate::check!(
    "SSO-03.prefix",
    Must,
    "a login with truncated tokens gets a 4xx",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    check(cx, Forgery::Prefix).await
}
