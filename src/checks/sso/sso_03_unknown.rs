//! SSO-03 (unknown): a login to a resource never provisioned gets a 4xx and no session (see `forgery`).

use super::forgery::{Forgery, check};
use crate::check::{CheckCtx, Verdict};

crate::check!(
    "SSO-03.unknown",
    Must,
    "a login to a resource never provisioned gets a 4xx",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    check(cx, Forgery::Unknown).await
}
