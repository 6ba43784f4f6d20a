//! SSO-03 (zeros): a login with all-zero tokens gets a 4xx and no session (see `forgery`).

use super::forgery::{Forgery, check};
use crate::check::{CheckCtx, Verdict};

crate::check!(
    "SSO-03.zeros",
    Must,
    "a login with all-zero tokens gets a 4xx",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    check(cx, Forgery::Zeros).await
}
