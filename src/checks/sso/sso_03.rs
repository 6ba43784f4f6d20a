//! SSO-03: a login whose tokens do not match gets 403.

use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;
use crate::sso::{SsoUser, now};

crate::check!("SSO-03", "SSO-03", Must, "a forged SSO token gets 403", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let login = match super::working_login(cx, "primary").await {
        Ok(l) => l,
        Err(v) => return v,
    };
    let res = match cx.live_resource("primary").await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let mut form = match super::form(cx, &res, now(), &SsoUser::random()) {
        Ok(f) => f,
        Err(v) => return v,
    };
    super::forge(&mut form);
    match super::post(cx, &form, "SSO login with forged tokens").await {
        Ok(a) => super::judge_refused(
            &a,
            &login.nav.final_url,
            "the tokens were not signed with the salt",
        ),
        Err(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Attempt, judge_refused};
    use crate::checks::testing::reply;
    use crate::partner::sso::{CookieJar, Navigation};
    use crate::record::outcome::Verdict;

    fn attempt(statuses: &[u16], final_url: &str) -> Attempt {
        Attempt {
            nav: Navigation {
                hops: statuses.iter().map(|s| reply(*s, "")).collect(),
                final_url: final_url.into(),
                broken: None,
            },
            jar: CookieJar::default(),
        }
    }

    #[test]
    fn refusal_judgement() {
        let dash = "http://h/dash/1";
        let level = |v: Verdict| match v {
            Verdict::Violated(f) => f.level.map(|l| l.to_string()),
            Verdict::Pass(_) => Some("pass".into()),
            _ => None,
        };
        assert_eq!(
            level(judge_refused(&attempt(&[403], "http://h/sso"), dash, "x")).as_deref(),
            Some("pass")
        );
        assert_eq!(
            level(judge_refused(&attempt(&[302, 200], dash), dash, "x")).as_deref(),
            Some("MUST")
        );
        assert_eq!(
            level(judge_refused(&attempt(&[200], "http://h/sso"), dash, "x")).as_deref(),
            Some("MUST")
        );
        assert_eq!(
            level(judge_refused(&attempt(&[500], "http://h/sso"), dash, "x")).as_deref(),
            Some("MUST")
        );
        assert_eq!(
            level(judge_refused(
                &attempt(&[302, 200], "http://h/login"),
                dash,
                "x"
            ))
            .as_deref(),
            Some("SHOULD")
        );
        assert_eq!(
            level(judge_refused(&attempt(&[401], "http://h/sso"), dash, "x")).as_deref(),
            Some("SHOULD")
        );
    }
}
