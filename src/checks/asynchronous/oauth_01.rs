//! OAUTH-01: the grant is exchanged with grant_type=authorization_code, the code and the client
//! secret.

use crate::check::{CheckCtx, Verdict, pass, pass_with, skip};
use crate::record::InboundKind;
use crate::record::outcome::Finding;

crate::check!(
    "OAUTH-01",
    Must,
    "the grant is exchanged with the client secret",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    if !cx.platform().has_client_secret() {
        return skip(
            "no client secret configured: set [platform] client_secret or ADDON_OAUTH_CLIENT_SECRET",
        );
    }
    let s = super::exchange_window(cx).await?;
    let calls: Vec<_> = s
        .calls()
        .into_iter()
        .filter(|i| i.kind == InboundKind::TokenExchange)
        .collect();
    if calls.is_empty() {
        if !s.is_async() {
            return skip("synchronous provision without a grant exchange; see OAUTH-05");
        }
        return Finding::new(
            format!(
                "POST /oauth/token with grant_type=authorization_code within {}",
                s.within()
            ),
            format!(
                "no exchange for this grant arrived; calls for this resource: {}; token requests naming no known grant: {}",
                super::arrived(&s.calls()),
                super::arrived(&s.stray_token_calls())
            ),
        )
        .at("platform: /oauth/token")
        .hint(cx.callback_hint("exchange oauth_grant.code at {callback origin}/oauth/token with your client secret, as a form body (application/x-www-form-urlencoded) or query string"))
        .inbound(&s.calls())
        .inbound(&s.stray_token_calls())
        .into();
    }
    if calls.iter().any(|c| c.ok()) {
        return pass();
    }
    let refused: Vec<_> = calls
        .iter()
        .filter(|c| c.error.as_deref() != Some("invalid_grant"))
        .cloned()
        .collect();
    if refused.is_empty() {
        return pass_with("the request was well formed; its timing is PROV-08's");
    }
    Finding::new(
        "an exchange with the right client secret and code",
        super::arrived(&refused),
    )
    .at("platform: /oauth/token")
    .hint("send grant_type=authorization_code, code and client_secret (the Partner Portal's OAuth secret), as a form body or query string")
    .inbound(&refused)
    .into()
}
