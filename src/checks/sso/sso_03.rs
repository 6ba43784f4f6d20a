//! SSO-03: a login whose tokens do not match gets 403.

use crate::check::{CheckCtx, Resource, Verdict};
use crate::heroku::sso::{SsoUser, now};

crate::check!("SSO-03", Must, "a forged SSO token gets 403", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let login = super::working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    let mut form = super::form(cx, &res, now(), &SsoUser::random())?;
    super::forge(&mut form);
    let a = super::post(cx, &form, "SSO login with forged tokens").await?;
    super::judge_refused(
        &a,
        &login.nav.final_url,
        "the tokens were not signed with the salt",
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Attempt, judge_refused};
    use crate::check::Verdict;
    use crate::check::{Pass, Stop};

    fn attempt(statuses: &[u16], final_url: &str) -> Attempt {
        super::super::attempt_of(statuses, final_url)
    }

    #[test]
    fn refusal_judgement() {
        let dash = "http://h/dash/1";
        let level = |v: Verdict| match v {
            Err(Stop::Violated(f)) => f.level.map(|l| l.to_string()),
            Ok(Pass(_)) => Some("pass".into()),
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
        // A login that got no answer proves nothing: blocked, not a MUST finding.
        let mut silent = attempt(&[403], "http://h/sso");
        silent.nav.hops[0].status = None;
        assert!(matches!(
            judge_refused(&silent, dash, "x"),
            Err(Stop::Blocked(_))
        ));
    }
}
