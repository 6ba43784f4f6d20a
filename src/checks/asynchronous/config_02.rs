//! CONFIG-02: config updates use only the manifest's config var names, with string values.

use crate::check::{CheckCtx, Resource, Verdict, pass, skip};
use crate::record::InboundKind;
use crate::record::outcome::Finding;

crate::check!(
    "CONFIG-02",
    Must,
    "config updates use manifest names and string values",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let s = super::subject(cx, Resource::Async).await?;
    let updates: Vec<_> = s
        .calls()
        .into_iter()
        .filter(|i| i.kind == InboundKind::ConfigUpdate)
        .collect();
    if updates.is_empty() {
        return skip("no config update for this resource was observed");
    }
    let refused: Vec<_> = updates
        .iter()
        .filter(|i| i.error.as_deref() == Some("invalid_params"))
        .cloned()
        .collect();
    if refused.is_empty() {
        return pass();
    }
    Finding::new(
        format!("PATCH /addons/{{id}}/config with names from [{}] and string values", cx.manifest().config_vars.join(", ")),
        super::arrived(&refused),
    )
    .at("platform: PATCH config")
    .hint("send the manifest's names (e.g. MYADDON_URL), never app-side attachment names; Heroku renames per attachment")
    .inbound(&refused)
    .into()
}
