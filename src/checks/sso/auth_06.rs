//! AUTH-06: the SSO endpoint answers a browser's form post without Basic auth.

use crate::check::{CheckCtx, Resource, Verdict, pass};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!("AUTH-06", Must, "the SSO endpoint needs no Basic auth", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let login = super::valid_login(cx, Resource::Primary).await?;
    judge(login.nav.first())
}

pub fn judge(first: &Reply) -> Verdict {
    let challenge = first.headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("www-authenticate") && v.to_ascii_lowercase().starts_with("basic")
    });
    if first.status == Some(401) || challenge {
        return Finding::new(
            "the login form is answered without an Authorization header",
            format!(
                "{}{}",
                crate::check::judge::observed_status(first),
                if challenge { " with a Basic challenge" } else { "" }
            ),
        )
        .at("status")
        .hint("browsers post the SSO form without credentials: exempt the SSO route from Basic auth (and from CSRF protection)")
        .exchange(&first.exchange)
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
    fn a_401_fails_and_a_redirect_passes() {
        assert_found(&judge(&reply(401, "")), Some("status"), "status 401");
        assert!(matches!(judge(&reply(302, "")), Ok(Pass(_))));
        assert!(matches!(judge(&reply(403, "")), Ok(Pass(_))));
    }
}
