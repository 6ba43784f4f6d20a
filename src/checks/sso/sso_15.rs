//! SSO-15: a login opens a session only as the user Heroku signed it for. The
//! owner's login with `user_id` and `email` replaced by the collaborator's after signing still
//! carries a valid `resource_token`, but its `user_scoped_resource_token` was computed for the
//! owner: a partner verifying the user-scoped token (Heroku's recommendation) refuses it. Only
//! a warning, since the resource token alone is still accepted by the docs.

use crate::check::{CheckCtx, Resource, Verdict, skip};
use crate::heroku::sso::{now, set_field};
use crate::platform::collaborators::Role;

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
    super::should_refuse(
        attempt,
        "a refusal (user_scoped_resource_token was signed for another user)",
        "user_scoped_resource_token",
        "verify user_scoped_resource_token = sha256(resource_id:salt:timestamp:user_id:email) so nobody can sign in under another user's email",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_passes() {
        let refused = super::super::attempt_of(&[403], "http://h/sso");
        assert!(judge(&refused).is_ok());
    }
}
