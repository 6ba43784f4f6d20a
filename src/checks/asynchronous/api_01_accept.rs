//! API-01.accept: Platform API calls send `Accept: application/vnd.heroku+json; version=3`.

use crate::check::{CheckCtx, Resource, Verdict, pass, skip};
use crate::record::outcome::Finding;

crate::check!(
    "API-01.accept",
    Must,
    "Platform API calls send the v3 Accept header",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let s = super::subject(cx, Resource::Async).await?;
    if !s.calls().iter().any(|i| !super::is_token_call(i)) {
        return skip("no Platform API call for this resource was observed");
    }
    let bad: Vec<_> = s
        .calls()
        .into_iter()
        .filter(|i| i.error.as_deref() == Some("missing_version"))
        .collect();
    if bad.is_empty() {
        return pass();
    }
    Finding::new(
        "Accept: application/vnd.heroku+json; version=3",
        super::arrived(&bad),
    )
    .at("platform: header Accept")
    .hint("the Platform API needs the version in the Accept header on every call")
    .inbound(&bad)
    .into()
}
