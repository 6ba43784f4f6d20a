//! SSO-04: a correctly signed login older than 5 minutes gets 403.

use crate::check::{CheckCtx, Resource, Verdict};
use crate::heroku::sso::now;

crate::check!(
    "SSO-04",
    Must,
    "an SSO timestamp older than 5 minutes gets 403",
    run
);

/// Six minutes, as kensa probed: past the 5-minute limit with a margin for clock skew.
pub const AGE_SECS: i64 = 360;

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let login = super::working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    let form = super::form(cx, &res, now() - AGE_SECS, &super::owner(cx, &res.uuid)?)?;
    let a = super::post(cx, &form, "SSO login signed 6 minutes ago").await?;
    // The token is right for its timestamp: only the age can refuse it.
    super::judge_refused_for(
        &a,
        &login.nav.final_url,
        "the timestamp is 6 minutes old",
        "the token is correctly signed; compare the timestamp with the current time and refuse logins older than 5 minutes",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn probes_past_the_limit() {
        // The judgement is `judge_refused` (tested in sso_03); the age must exceed 5 minutes.
        let now = crate::heroku::sso::now();
        assert!(now - super::AGE_SECS < now - 300);
    }
}
