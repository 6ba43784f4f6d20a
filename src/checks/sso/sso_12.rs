//! SSO-12: the dashboard a login lands on is not reachable without the session.

use reqwest::Method;

use crate::check::judge::{is_2xx, observed_status};
use crate::check::{CheckCtx, Resource, Verdict, pass, pass_with};
use crate::partner::Reply;
use crate::partner::sso::CookieJar;
use crate::record::outcome::Finding;

crate::check!(
    "SSO-12",
    Must,
    "the dashboard is not reachable without the session",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let login = super::working_login(cx, Resource::Primary).await?;
    if login.nav.hops.len() == 1 {
        return pass_with(
            "the login answered the dashboard itself; there is no separate page to probe",
        );
    }
    let mut empty = CookieJar::default();
    let reply = cx
        .partner()
        .hop(
            Method::GET,
            &login.nav.final_url,
            None,
            &mut empty,
            "dashboard without the session",
        )
        .await;
    judge(&reply)
}

pub fn judge(reply: &Reply) -> Verdict {
    if is_2xx(reply.status) {
        return Finding::new(
            "a refusal or a redirect to a login page (the browser holds no session)",
            format!("{}: the dashboard is open to anyone with the URL", observed_status(reply)),
        )
        .at("status")
        .hint("require the SSO session on every dashboard page; the resource id in the URL is no secret (a client-side app shell that answers 200 everywhere and authenticates its API calls cannot be judged here: --skip SSO-12)")
        .exchange(&reply.exchange)
        .into();
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{assert_found, reply};

    #[test]
    fn only_a_2xx_fails() {
        assert_found(
            &judge(&reply(200, "")),
            Some("status"),
            "status 200: the dashboard is open to anyone with the URL",
        );
        for ok in [302, 401, 403, 404] {
            assert!(matches!(judge(&reply(ok, "")), Ok(Pass(_))), "{ok}");
        }
    }
}
