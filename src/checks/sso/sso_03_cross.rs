//! SSO-03 (cross resource): tokens signed for one resource, posted with another resource's id,
//! get 403.

use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;
use crate::sso::{SsoUser, now};

crate::check!(
    "SSO-03.cross",
    "SSO-03",
    Must,
    "a token for resource A posted with resource B's id gets 403",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    if let Err(v) = super::working_login(cx, "primary").await {
        return v;
    }
    // B's own login shows where B's dashboard is, so an accepted cross login is recognised.
    let other = match super::working_login(cx, "secondary").await {
        Ok(l) => l,
        Err(v) => return v,
    };
    let (a, b) = match (
        cx.live_resource("primary").await,
        cx.live_resource("secondary").await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(v), _) | (_, Err(v)) => return v,
    };
    let mut form = match super::form(cx, &a, now(), &SsoUser::random()) {
        Ok(f) => f,
        Err(v) => return v,
    };
    super::retarget(&mut form, &b);
    match super::post(cx, &form, "SSO login to secondary with primary's tokens").await {
        Ok(attempt) => super::judge_refused(
            &attempt,
            &other.nav.final_url,
            "the tokens were signed for another resource",
        ),
        Err(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::find;

    #[test]
    fn shares_the_refusal_judgement() {
        // `judge_refused` is tested in sso_03; the fault zoo runs this check end to end.
        assert_eq!(find("SSO-03.cross").map(|c| c.requirement), Some("SSO-03"));
    }
}
