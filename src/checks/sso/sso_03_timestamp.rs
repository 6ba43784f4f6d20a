//! SSO-03 (timestamp): a valid token under another timestamp gets a 4xx and no session (see `forgery`).

use super::forgery::{Forgery, check};
use crate::check::{CheckCtx, Verdict};

crate::check!(
    "SSO-03.timestamp",
    Must,
    "a valid token under another timestamp gets a 4xx",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    check(cx, Forgery::Timestamp).await
}
