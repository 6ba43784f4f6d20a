//! PROV-08: the grant is exchanged before it expires.

use crate::check::{CheckCtx, Verdict, blocked, pass};
use crate::record::InboundKind;
use crate::record::outcome::Finding;

crate::check!(
    "PROV-08",
    Must,
    "the grant is exchanged before it expires",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let s = super::exchange_window(cx).await?;
    let calls: Vec<_> = s
        .calls()
        .into_iter()
        .filter(|i| i.kind == InboundKind::TokenExchange)
        .collect();
    if calls.iter().any(|c| c.ok()) {
        return pass();
    }
    let expired: Vec<_> = calls
        .iter()
        .filter(|c| c.message.as_deref().is_some_and(|m| m.contains("expired")))
        .cloned()
        .collect();
    if expired.is_empty() {
        return blocked("no exchange that could succeed arrived (see OAUTH-01)");
    }
    let expires_at = s
        .res
        .request
        .pointer("/oauth_grant/expires_at")
        .and_then(|v| v.as_str())
        .unwrap_or("?");
    Finding::new(
        format!("the exchange before oauth_grant.expires_at ({expires_at})"),
        format!("exchanged after expiry: {}", super::arrived(&expired)),
    )
    .at("platform: /oauth/token")
    .hint("exchange the grant while handling the provision request (or right after answering); it expires after about 5 minutes")
    .inbound(&expired)
    .into()
}
