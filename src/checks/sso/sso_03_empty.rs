//! SSO-03 (empty): a login with empty tokens gets a 4xx and no session (see `forgery`).

use super::forgery::{Forgery, check};
use crate::check::{CheckCtx, Verdict};

crate::check!(
    "SSO-03.empty",
    Must,
    "a login with empty tokens gets a 4xx",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    check(cx, Forgery::Empty).await
}
