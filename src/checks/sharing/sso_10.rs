//! SSO-10 (attached app): SSO works from an attached app. A correct login whose `context_app`
//! is the attached app (and `app` the owning one) signs in to the resource's dashboard.

use crate::catalogue::Level;
use crate::check::{CheckCtx, Resource, Verdict, pass_with, skip};
use crate::checks::sso::{self, Flow, same_page, working_login};
use crate::heroku::sso::Login;
use crate::record::outcome::Finding;

crate::check!(
    "SSO-10.attached",
    Should,
    "SSO from an attached app opens the resource",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let shared = super::attached(cx).await?;
    let (flow, salt) = sso::target(cx)?;
    if matches!(flow, Flow::LegacyGet { .. }) {
        return skip("the legacy SSO flow carries no context_app");
    }
    let own = working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    // A user of the attached app, where the login comes from (its owner, as the platform lists it).
    let user = sso::owner_of(cx, &shared.app)?;
    let provider_id = sso::provider_id(&res);
    let form = Login {
        uuid: &res.uuid,
        provider_id: Some(&provider_id),
        salt: &salt,
        timestamp: crate::heroku::sso::now(),
        user: &user,
        app: &cx.app().name,
        context_app: &shared.app.name,
    }
    .form();
    let attempt = sso::post(cx, &form, &format!("SSO login from {}", shared.app.name)).await?;
    // Where the dashboard lives may depend on the context; any signed-in 2xx page other than
    // the login endpoint itself is the resource opened.
    let Flow::Post { url: login_url } = &flow else {
        return skip("the legacy SSO flow carries no context_app");
    };
    if attempt.signed_in() && !same_page(&attempt.nav.final_url, login_url) {
        return pass_with(format!(
            "landed on {} (the owning app's login: {})",
            attempt.nav.final_url, own.nav.final_url
        ));
    }
    Finding::new(
        "a session on the resource's dashboard, as for a login from the owning app",
        format!(
            "the login ended with {} at {}",
            crate::check::judge::observed_status(attempt.nav.last()),
            attempt.nav.final_url
        ),
    )
    .at("status")
    .level(Level::Should)
    .hint("context_app names the app the user came from; an attached app's users may open the dashboard too")
    .exchange(&attempt.nav.first().exchange)
    .exchange(&attempt.nav.last().exchange)
    .into()
}
