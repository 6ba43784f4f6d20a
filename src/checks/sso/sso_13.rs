//! SSO-13: a login timestamped more than 5 minutes in the future is not accepted. Only a
//! warning: the docs bound the age of a login, not clock skew ahead (§18 Q11).

use crate::check::{CheckCtx, Resource, Verdict};
use crate::heroku::sso::{SsoUser, now};

use super::Attempt;

crate::check!(
    "SSO-13",
    Should,
    "an SSO timestamp 10 minutes in the future is refused",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    super::working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    let form = super::form(cx, &res, now() + 600, &SsoUser::random())?;
    let a = super::post(cx, &form, "SSO login signed 10 minutes ahead").await?;
    judge(&a)
}

pub fn judge(attempt: &Attempt) -> Verdict {
    super::should_refuse(
        attempt,
        "a refusal (the login is signed 10 minutes ahead)",
        "timestamp",
        "compare |now - timestamp| with 5 minutes, so a link with a far-future timestamp cannot be kept and replayed",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;

    #[test]
    fn only_a_session_warns() {
        let refused = super::super::attempt_of(&[403], "http://h/sso");
        assert!(matches!(judge(&refused), Ok(Pass(_))));
    }
}
