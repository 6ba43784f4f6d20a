//! ATT-06 (same app): one installation attached twice to the same app (seed 002's test list).
//! The platform attaches the shared resource to its own app a second time under another name,
//! with a release and no Partner API call; the app then sees both sets of vars and a config
//! update reaches both (the platform's part, tested in `platform`). The partner's part: a login
//! from that app still opens the resource.

use crate::check::{CheckCtx, Verdict, pass_with};

crate::check!(
    "ATT-06.same-app",
    Should,
    "a resource attached twice to its own app still opens through SSO",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let twice = super::attached_twice(cx).await?;
    let label = format!(
        "SSO login with a second attachment {} on {}",
        twice.attachment.name,
        cx.app().name
    );
    match super::login_lands(cx, &label).await? {
        None => pass_with(format!(
            "attached again as {}: {} vars on the app",
            twice.attachment.name,
            cx.platform().app_config(&cx.app().id).len()
        )),
        Some(f) => f
            .hint("Heroku may attach one installation to an app several times under different names without telling you; keep serving it by its uuid (resource_id), whatever its attachments")
            .into(),
    }
}
