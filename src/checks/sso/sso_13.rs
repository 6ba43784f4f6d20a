//! SSO-13: a login timestamped more than 5 minutes in the future is not accepted. Only a
//! warning: the docs bound the age of a login, not clock skew ahead (§18 Q11).

use crate::catalogue::Level;
use crate::checks::inspect::observed_status;
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;
use crate::sso::{SsoUser, now};

use super::Attempt;

crate::check!(
    "SSO-13",
    "SSO-13",
    Should,
    "an SSO timestamp 10 minutes in the future is refused",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    if let Err(v) = super::working_login(cx, "primary").await {
        return v;
    }
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let form = match super::form(cx, &res, now() + 600, &SsoUser::random()) {
        Ok(f) => f,
        Err(v) => return v,
    };
    match super::post(cx, &form, "SSO login signed 10 minutes ahead").await {
        Ok(a) => judge(&a),
        Err(v) => v,
    }
}

pub fn judge(attempt: &Attempt) -> Verdict {
    if !attempt.signed_in() {
        return Verdict::pass();
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
    use crate::checks::testing::reply;
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
        assert!(matches!(judge(&refused), Verdict::Pass(_)));
    }
}
