//! OAUTH-04: a resource's token is used for that resource only.

use crate::check::{CheckCtx, Resource, Verdict, pass, skip};
use crate::record::outcome::Finding;

crate::check!(
    "OAUTH-04",
    Must,
    "tokens are used only for their own resource",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let s = super::subject(cx, Resource::Async).await?;
    let uuid = s.res.uuid.clone();
    if !s
        .calls()
        .iter()
        .any(|i| i.scope.as_deref() == Some(uuid.as_str()))
    {
        return skip("no call with this resource's token was observed");
    }
    let bad: Vec<_> = s
        .calls()
        .into_iter()
        .filter(|i| {
            i.scope.as_deref() == Some(uuid.as_str()) && i.error.as_deref() == Some("forbidden")
        })
        .collect();
    if bad.is_empty() {
        return pass();
    }
    Finding::new(format!("calls with this token only about add-on {uuid} and its apps"), super::arrived(&bad))
        .at("platform: request path")
        .hint("keep one token per resource and use it only for that resource; a mix-up leaks data between customers")
        .inbound(&bad)
        .into()
}
