//! API-01.token: Platform API calls carry a valid Bearer token.

use crate::check::{CheckCtx, Resource, Verdict, pass_with, skip};
use crate::record::outcome::Finding;

crate::check!(
    "API-01.token",
    Must,
    "Platform API calls carry the Bearer token",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let s = super::subject(cx, Resource::Async).await?;
    let api: Vec<_> = s
        .calls()
        .into_iter()
        .filter(|i| !super::is_token_call(i))
        .collect();
    let bad: Vec<_> = api
        .iter()
        .filter(|i| i.error.as_deref() == Some("unauthorized"))
        .cloned()
        .collect();
    if api.is_empty() {
        return skip("no Platform API call for this resource was observed");
    }
    if bad.is_empty() {
        return pass_with(format!("{} Platform API calls", api.len()));
    }
    Finding::new(
        "Authorization: Bearer <access token> on every call",
        super::arrived(&bad),
    )
    .at("platform: header Authorization")
    .hint("use the access token from the grant exchange, refreshed before it expires")
    .inbound(&bad)
    .into()
}
