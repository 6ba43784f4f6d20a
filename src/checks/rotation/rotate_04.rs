//! ROTATE-04: a rotation reaches Heroku as a config update: after the rotate hook, the partner
//! PATCHes `/addons/{uuid}/config` with the manifest's names, and the platform accepts it. The
//! legacy App Info API (`PUT /vendor/apps/{id}`, which Heroku's rotation page still names for v1
//! integrations) is accepted too, with a warning: it reached end of life in July 2023.

use std::sync::Arc;

use crate::catalogue::Level;
use crate::check::{CheckCtx, Verdict, pass_with};
use crate::record::outcome::Finding;
use crate::record::{Inbound, InboundKind};

crate::check!(
    "ROTATE-04",
    Must,
    "a rotation PATCHes the config under manifest names",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let r = super::rotation(cx).await?;
    let within = crate::config::format_duration(super::rotation_timeout(cx));
    let Some(patch) = &r.patch else {
        return Finding::new(
            format!("PATCH /addons/{{id}}/config (or the legacy PUT /vendor/apps/{{id}}) within {within} of the rotate hook"),
            format!("no config update arrived; hook {}", r.hook.summary()),
        )
        .at("platform: PATCH config")
        .hint(cx.callback_hint("a rotation must reach the apps: PATCH the new values through the Platform API with the resource's token (Heroku's credential-rotation page for partners); raise [hooks] rotation_timeout if it runs in the background"))
        .platform_only()
        .into();
    };
    if patch.ok() {
        return judge_accepted(patch, &r.hook.summary());
    }
    Finding::new(
        format!(
            "the config update accepted, with names from [{}]",
            cx.manifest().config_vars.join(", ")
        ),
        patch.summary(),
    )
    .at("platform: PATCH config")
    .hint("PATCH the manifest's names (MYADDON_URL), never an attachment's (BALLOON_URL): Heroku renames per attachment")
    .inbound(std::slice::from_ref(patch))
    .into()
}

/// An accepted update: through the Platform API passes, saying so; through the App Info API
/// warns.
pub fn judge_accepted(update: &Arc<Inbound>, hook: &str) -> Verdict {
    if update.kind != InboundKind::AppInfoUpdate {
        return pass_with(format!("PATCH /addons/{{id}}/config; {hook}"));
    }
    Finding::new(
        "the config update through the Platform API for Partners (PATCH /addons/{id}/config)",
        format!(
            "PUT /vendor/apps/{{id}} of the legacy App Info API (accepted: {})",
            update.summary()
        ),
    )
    .at("platform: PUT /vendor/apps")
    .level(Level::Should)
    .hint("the App Info API reached end of life in July 2023; PATCH /addons/{id}/config with the resource's OAuth token instead (https://devcenter.heroku.com/articles/platform-api-for-partners)")
    .inbound(std::slice::from_ref(update))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::assert_found;

    fn update(kind: InboundKind, path: &str) -> Arc<Inbound> {
        Arc::new(Inbound {
            seq: 3,
            at_ms: 10,
            resource: Some("r".into()),
            ..Inbound::new(kind, "PUT", path, 200)
        })
    }

    #[test]
    fn the_app_info_api_warns_and_the_platform_api_passes() {
        let legacy = judge_accepted(&update(InboundKind::AppInfoUpdate, "/vendor/apps/r"), "ok");
        assert_found(&legacy, Some("platform: PUT /vendor/apps"), "App Info");
        assert_eq!(
            crate::check::testing::found(&legacy).level,
            Some(Level::Should)
        );
        let v3 = judge_accepted(&update(InboundKind::ConfigUpdate, "/addons/r/config"), "ok");
        assert!(matches!(v3, Ok(crate::check::Pass(Some(note))) if note.contains("PATCH")));
    }
}
