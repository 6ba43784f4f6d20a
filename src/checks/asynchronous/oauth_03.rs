//! OAUTH-03: short-lived tokens are refreshed with grant_type=refresh_token.

use std::time::Duration;

use crate::check::{CheckCtx, OwedKind, Resource, Verdict, blocked, pass, skip};
use crate::config::format_duration;
use crate::record::InboundKind;
use crate::record::outcome::Finding;

crate::check!("OAUTH-03", Must, "short-lived tokens are refreshed", run);

/// Token lifetimes at or below this exercise refresh (Heroku's sample refreshes 90 s ahead).
const SHORT: Duration = Duration::from_secs(90);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let s = super::subject(cx, Resource::Async).await?;
    let ttl = s.platform.token_ttl();
    if ttl > SHORT {
        return skip(format!(
            "tokens live {}: set [platform] token_ttl at or below your refresh margin (e.g. \"60s\") to exercise refresh",
            format_duration(ttl)
        ));
    }
    if !s.is_async() {
        return skip(
            "judged on asynchronous provisions, where the partner uses its token during the run",
        );
    }
    let Some(exchange) = s
        .calls()
        .into_iter()
        .find(|c| c.kind == InboundKind::TokenExchange && c.ok())
    else {
        return blocked("no successful grant exchange (see OAUTH-01 and PROV-08)");
    };
    // The refresh is owed from the exchange that issued the token.
    let budget = s.budget;
    let until = cx.owe(
        &s.res.uuid,
        OwedKind::Refresh,
        cx.at_run_ms(exchange.at_ms as f64) + budget,
    );
    let s = s.until(until, budget);
    if s.wait(|i| i.kind == InboundKind::TokenRefresh && i.ok())
        .await?
        .is_some()
    {
        return pass();
    }
    let calls = s.calls();
    Finding::new(
        format!("a successful refresh_token grant for a token that lives {}", format_duration(ttl)),
        format!("no refresh within {}; calls: {}", s.within(), super::arrived(&calls)),
    )
    .at("platform: /oauth/token")
    .hint("refresh with grant_type=refresh_token, refresh_token and client_secret before expires_in runs out")
    .inbound(&calls)
    .into()
}
