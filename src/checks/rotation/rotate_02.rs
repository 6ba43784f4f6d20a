//! ROTATE-02: old credentials keep working after a rotation, until every app has restarted
//! (seed 001: keep them for one to two hours). `[hooks] verify_credentials` runs with the new
//! values (which must work, or the hook is wrong) and then with the old ones, each in its
//! environment under the manifest's names.

use std::collections::BTreeMap;

use crate::catalogue::Level;
use crate::check::{CheckCtx, Resource, Verdict, blocked, pass_with, skip};
use crate::hooks;
use crate::record::outcome::Finding;

crate::check!(
    "ROTATE-02",
    Should,
    "old credentials still work right after a rotation",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let Some(template) = cx.config().hooks.verify_credentials.clone() else {
        return skip(
            "no verification hook: set [hooks] verify_credentials to a command that exits 0 when the credentials in its environment (your manifest's config var names, e.g. $MYADDON_URL) work",
        );
    };
    let r = super::rotation(cx).await?;
    if r.patch.as_ref().is_none_or(|p| !p.ok()) || r.before == r.after {
        return blocked("no rotation took place (see ROTATE-04, ROTATE-05)");
    }
    if let Some(missing) = r.after.keys().find(|k| !r.before.contains_key(*k)) {
        return blocked(format!(
            "the value of {missing} before the rotation is unknown (see PROV-04)"
        ));
    }
    let res = cx.live_resource(Resource::Primary).await?;
    let vars = super::hook_vars(cx, &res);
    let timeout = super::hook_timeout(cx);
    let verify = |config: &BTreeMap<String, String>| {
        let env = super::as_env(config);
        let template = template.clone();
        let vars = vars.clone();
        async move { hooks::run(&template, &vars, &env, timeout, cx.redactor()).await }
    };
    let new = verify(&r.after).await;
    if !new.succeeded() {
        return blocked(format!(
            "[hooks] verify_credentials rejects the new credentials too, so it proves nothing: {}",
            new.summary()
        ));
    }
    let old = verify(&r.before).await;
    if old.succeeded() {
        return pass_with(old.summary());
    }
    Finding::new(
        "the old credentials still work right after the rotation",
        format!("verification with the old values: {}", old.summary()),
    )
    .at("hooks.verify_credentials")
    .level(Level::Should)
    .hint("keep old credentials valid until every app has restarted (Heroku advises one to two hours: Private Space dynos restart slowly)")
    .into()
}
