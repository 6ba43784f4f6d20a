//! SSO-15: a login opens a session only as the user Heroku signed it for. The
//! owner's login with `user_id` and `email` replaced by the collaborator's after signing still
//! carries a valid `resource_token`, but its `user_scoped_resource_token` was computed for the
//! owner: a partner verifying the user-scoped token (Heroku's recommendation) refuses it. Only
//! a warning, since the resource token alone is still accepted by the docs.

use crate::catalogue::Level;
use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass, skip};
use crate::heroku::sso::{now, set_field};
use crate::platform::collaborators::Role;
use crate::record::outcome::Finding;

use super::Attempt;

crate::check!(
    "SSO-15",
    Should,
    "a login whose user was changed after signing opens no session",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    super::working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    let people = cx.platform().collaborators(cx.app());
    let (Some(owner), Some(other)) = (
        people.iter().find(|p| p.role == Role::Owner),
        people.iter().find(|p| p.role == Role::Collaborator),
    ) else {
        return skip("the platform lists no owner and collaborator for the app");
    };
    let mut form = super::form(cx, &res, now(), &owner.user)?;
    if !form.iter().any(|(k, _)| k == "user_scoped_resource_token") {
        return skip("the legacy SSO flow carries no user-scoped token");
    }
    set_field(&mut form, "user_id", &other.user.id);
    set_field(&mut form, "email", &other.user.email);
    let attempt = super::post(
        cx,
        &form,
        "SSO login signed for the owner, sent as the collaborator",
    )
    .await?;
    judge(&attempt)
}

pub fn judge(attempt: &Attempt) -> Verdict {
    if !attempt.signed_in() {
        return pass();
    }
    Finding::new(
        "a refusal (user_scoped_resource_token was signed for another user)",
        format!(
            "signed in ({}, ended at {})",
            observed_status(attempt.nav.first()),
            attempt.nav.final_url
        ),
    )
    .at("user_scoped_resource_token")
    .level(Level::Should)
    .hint("verify user_scoped_resource_token = sha256(resource_id:salt:timestamp:user_id:email) so nobody can sign in under another user's email")
    .exchange(&attempt.nav.first().exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::reply;
    use crate::partner::sso::{CookieJar, Navigation};

    #[test]
    fn a_refusal_passes() {
        let refused = Attempt {
            nav: Navigation {
                hops: vec![reply(403, "")],
                final_url: "http://h/sso".into(),
                broken: None,
            },
            jar: CookieJar::default(),
        };
        assert!(judge(&refused).is_ok());
    }
}
