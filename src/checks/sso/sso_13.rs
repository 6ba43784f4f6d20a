//! SSO-13: a login timestamped more than 5 minutes in the future is not accepted. Only a
//! warning: the docs bound the age of a login, not clock skew ahead (§18 Q11).

use crate::catalogue::Level;
use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass};
use crate::heroku::sso::{SsoUser, now};
use crate::record::outcome::Finding;

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
    if !attempt.signed_in() {
        return pass();
    }
    Finding::new(
        "a refusal (the login is signed 10 minutes ahead)",
        format!("signed in ({})", observed_status(attempt.nav.first())),
    )
    .at("status")
    .level(Level::Should)
    .hint("compare |now - timestamp| with 5 minutes, so a link with a far-future timestamp cannot be kept and replayed")
    .exchange(&attempt.nav.first().exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::reply;
    use crate::partner::sso::{CookieJar, Navigation};

    #[test]
    fn only_a_session_warns() {
        let refused = Attempt {
            nav: Navigation {
                hops: vec![reply(403, "")],
                final_url: "http://h/sso".into(),
                broken: None,
            },
            jar: CookieJar::default(),
        };
        assert!(matches!(judge(&refused), Ok(Pass(_))));
    }
}
