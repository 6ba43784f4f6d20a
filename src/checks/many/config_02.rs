//! CONFIG-02 (many-per-app): the second install on an app answers its config under the
//! manifest's names too. Renaming per attachment is Heroku's job, not the partner's.

use crate::check::judge::config_problem;
use crate::check::{CheckCtx, Resource, Verdict, blocked, pass, pass_with};

crate::check!(
    "CONFIG-02.many",
    Must,
    "a second install answers config under manifest names",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let first = cx.live_resource(Resource::Primary).await?;
    if let Some(config) = first.reply.json.as_ref().ok().and_then(|b| b.get("config"))
        && config_problem(cx.manifest(), config).is_some()
    {
        return blocked("the first install's config already breaks the rule (see PROV-04)");
    }
    // The answer is the evidence; a later removal (PROV-12, PROV-10) does not matter.
    let second = super::answered(cx).await?;
    let Some(config) = second
        .reply
        .json
        .as_ref()
        .ok()
        .and_then(|b| b.get("config"))
    else {
        return pass_with("the answer carries no config");
    };
    match config_problem(cx.manifest(), config) {
        None => pass(),
        Some(f) => f
            .hint("answer with the manifest's names (e.g. MYADDON_URL) for every install; Heroku renames them per attachment (BALLOON_URL)")
            .exchange(&second.reply.exchange)
            .into(),
    }
}
