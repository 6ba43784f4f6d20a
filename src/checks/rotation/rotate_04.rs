//! ROTATE-04: a rotation reaches Heroku as a config update: after the rotate hook, the partner
//! PATCHes `/addons/{uuid}/config` with the manifest's names, and the platform accepts it.

use crate::check::{CheckCtx, Verdict, pass_with};
use crate::record::outcome::Finding;

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
            format!("PATCH /addons/{{id}}/config within {within} of the rotate hook"),
            format!("no config update arrived; hook {}", r.hook.summary()),
        )
        .at("platform: PATCH config")
        .hint(cx.callback_hint("a rotation must reach the apps: PATCH the new values through the Platform API with the resource's token (Heroku's credential-rotation page for partners); raise [hooks] rotation_timeout if it runs in the background"))
        .platform_only()
        .into();
    };
    if patch.ok() {
        return pass_with(r.hook.summary());
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
