//! OAUTH-05: a synchronous partner still exchanges its grant at provision time.

use crate::check::{CheckCtx, Resource, Verdict, pass, skip};
use crate::record::InboundKind;
use crate::record::outcome::Finding;

crate::check!(
    "OAUTH-05",
    Should,
    "a synchronous provision still exchanges its grant",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let s = super::grant_subject(cx, Resource::Primary).await?;
    if s.is_async() {
        return skip(
            "the shared resource is provisioned asynchronously; OAUTH-01 judges its exchange",
        );
    }
    if !s.platform.has_client_secret() {
        return skip(
            "no client secret configured: set [platform] client_secret or ADDON_OAUTH_CLIENT_SECRET",
        );
    }
    if s.wait(|i| i.kind == InboundKind::TokenExchange && i.ok())
        .await?
        .is_some()
    {
        return pass();
    }
    let calls = s.calls();
    Finding::new(
        format!("a successful grant exchange within {} of the provision", s.within()),
        format!("none; calls for this resource: {}", super::arrived(&calls)),
    )
    .at("platform: /oauth/token")
    .hint(cx.callback_hint("exchange the grant at provision time and store the tokens: later work such as credential rotation needs them"))
    .inbound(&calls)
    .into()
}
