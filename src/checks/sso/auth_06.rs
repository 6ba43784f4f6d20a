//! AUTH-06: the SSO endpoint answers a browser's form post without Basic auth. Judged
//! differentially: when the login without credentials does not sign in, the same login is sent
//! with the manifest's Basic auth; only a change of outcome (or a 401 asking for Basic auth)
//! shows that the route is behind Basic auth.

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, blocked, pass, pass_with};
use crate::heroku::sso::{SsoUser, now};
use crate::partner::sso::CookieJar;
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

use super::{Attempt, Flow};

crate::check!("AUTH-06", Must, "the SSO endpoint needs no Basic auth", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let login = super::valid_login(cx, Resource::Primary).await?;
    let first = login.nav.first();
    if first.status.is_none() {
        return blocked(format!(
            "the SSO login got no answer ({}): nothing to judge",
            observed_status(first)
        ));
    }
    if challenges(first) {
        return finding(first, None);
    }
    if login.signed_in() {
        return pass();
    }
    let Some(with) = with_basic_auth(cx).await? else {
        return pass_with("the legacy login does not ask for Basic auth");
    };
    judge(&login, &with)
}

/// The same login, signed anew, posted with the manifest's Basic auth (v3 flow only).
async fn with_basic_auth(cx: &CheckCtx<'_>) -> Result<Option<Attempt>, crate::check::Stop> {
    let (Flow::Post { url }, _) = super::target(cx)? else {
        return Ok(None);
    };
    let res = cx.live_resource(Resource::Primary).await?;
    let form = super::form(cx, &res, now(), &SsoUser::random())?;
    let mut jar = CookieJar::default();
    let nav = cx
        .partner()
        .sso_post_as(
            &url,
            &form,
            &mut jar,
            "SSO login with the manifest's Basic auth (differential)",
            Credentials::Manifest,
        )
        .await;
    Ok(Some(Attempt { nav, jar }))
}

fn challenges(reply: &Reply) -> bool {
    reply.status == Some(401)
        && reply.headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("www-authenticate")
                && v.to_ascii_lowercase().starts_with("basic")
        })
}

/// Differential: the login without credentials did not sign in; `with` is the same login with
/// Basic auth. Fails only when the credentials change the outcome.
pub fn judge(without: &Attempt, with: &Attempt) -> Verdict {
    let (a, b) = (without.nav.first(), with.nav.first());
    if with.signed_in() || (b.status.is_some() && b.status != a.status) {
        return finding(a, Some(b));
    }
    pass_with(format!(
        "the login got {} with and without Basic auth: the credentials change nothing (see SSO-05)",
        observed_status(a)
    ))
}

fn finding(without: &Reply, with: Option<&Reply>) -> Verdict {
    let observed = match with {
        Some(w) => format!(
            "without Basic auth {}; with it {}",
            observed_status(without),
            observed_status(w)
        ),
        None => format!("{} with a Basic challenge", observed_status(without)),
    };
    let mut f = Finding::new(
        "the login form is answered the same without an Authorization header",
        observed,
    )
    .at("status")
    .hint("browsers post the SSO form without credentials: exempt the SSO route from Basic auth (and from CSRF protection)")
    .exchange(&without.exchange);
    if let Some(w) = with {
        f = f.exchange(&w.exchange);
    }
    f.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{assert_found, reply};

    fn attempt(status: u16) -> Attempt {
        super::super::attempt_of(&[status], "http://h/sso")
    }

    #[test]
    fn only_a_change_made_by_the_credentials_fails() {
        // A 401 given with and without credentials is not Basic auth's doing.
        assert!(matches!(judge(&attempt(401), &attempt(401)), Ok(Pass(_))));
        assert!(matches!(judge(&attempt(403), &attempt(403)), Ok(Pass(_))));
        assert_found(
            &judge(&attempt(401), &attempt(302)),
            Some("status"),
            "without Basic auth status 401; with it status 302",
        );
        let mut challenged = reply(401, "");
        challenged
            .headers
            .push(("WWW-Authenticate".into(), "Basic realm=\"x\"".into()));
        assert!(challenges(&challenged));
        assert!(!challenges(&reply(401, "")));
    }
}
