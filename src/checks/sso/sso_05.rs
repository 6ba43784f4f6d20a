//! SSO-05: a correct login creates a session (cookie) and lands on the resource's dashboard.

use crate::check::{CheckCtx, Resource, Stop, Verdict, blocked, pass_with};
use crate::record::outcome::Finding;

use super::Attempt;

crate::check!(
    "SSO-05",
    Must,
    "a correct SSO login sets a session and lands on the dashboard",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let login = super::valid_login(cx, Resource::Primary).await?;
    judge(&login)
}

pub fn judge(login: &Attempt) -> Verdict {
    let nav = &login.nav;
    let first = nav.first();
    let last = nav.last();
    if first.status == Some(401) {
        return blocked("the SSO endpoint asked for Basic auth; see AUTH-06");
    }
    let with = |f: Finding| {
        Err(Stop::violated(
            f.exchange(&first.exchange).exchange(&last.exchange),
        ))
    };
    if let Some(why) = &nav.broken {
        return with(
            Finding::new("redirects that end on the dashboard", why.clone()).at("header Location"),
        );
    }
    if !nav.landed() {
        return with(
            Finding::new(
                "a 2xx dashboard page after following the redirects (302, 303 or a 200 page)",
                format!(
                    "the login ended with {}",
                    crate::check::judge::observed_status(last)
                ),
            )
            .at("status")
            .hint(not_landed_hint(last)),
        );
    }
    if login.jar.is_empty() {
        return with(
            Finding::new(
                "a session cookie (Set-Cookie) on the way to the dashboard",
                "no cookie was set: the browser holds no session",
            )
            .at("header Set-Cookie")
            .hint("create a session after verifying the token and redirect to the dashboard; a token in the URL is no session"),
        );
    }
    pass_with(format!(
        "signed in after {} hop(s); cookies: {}",
        nav.hops.len(),
        login.jar.names().join(", ")
    ))
}

/// What to look at when a correct login did not land, from what the last hop showed.
fn not_landed_hint(last: &crate::partner::Reply) -> String {
    let body = String::from_utf8_lossy(&last.body).to_ascii_lowercase();
    match last.status {
        Some(s @ 500..) => format!(
            "your SSO handler failed with {s}: the login was correct, so the error is in the handler (see the response body)"
        ),
        Some(403) => "the login was correct and complete (resource_id, resource_token, user_scoped_resource_token, the legacy id and token, timestamp, user_id, email): verify one token with the manifest's sso_salt — sha256(uuid:salt:timestamp:user_id:email), sha1(uuid:salt:timestamp), or the legacy sha1(id:salt:timestamp) — as lowercase hex, and allow timestamps up to 5 minutes old".to_owned(),
        Some(404 | 405) => "nothing handles a POST at sso_url: check api.production.sso_url in the manifest".to_owned(),
        Some(400 | 415 | 422) if body.contains("csrf") => {
            "the login was refused as cross-site: exempt sso_url from CSRF protection (the form is posted from Heroku's domain)".to_owned()
        }
        Some(400 | 415 | 422) => "the login was correct and complete: Heroku posts its fields form-encoded (application/x-www-form-urlencoded), not JSON; parse the form body".to_owned(),
        Some(s) if (200..300).contains(&s) => "the login answered a page but not the dashboard; redirect to the resource's dashboard after creating the session".to_owned(),
        Some(s) => format!("a correct login got {s}; Heroku expects a redirect to the dashboard (302 or 303) or the dashboard page itself"),
        None => "the login got no answer; is sso_url served by your add-on?".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{assert_found, ctx_for, run_check};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    async fn partner(login: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/heroku/resources"))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"x"}"#))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/sso"))
            .respond_with(login)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/dash"))
            .respond_with(ResponseTemplate::new(200).set_body_string("<h1>hi</h1>"))
            .mount(&server)
            .await;
        server
    }

    async fn verdict(login: ResponseTemplate) -> Verdict {
        let server = partner(login).await;
        let uri = server.uri();
        let ctx = ctx_for(&uri, |c| {
            c.partner.sso_url = format!("{uri}/sso").parse().ok()
        })
        .await;
        run_check(&CHECK, &ctx).await
    }

    #[tokio::test]
    async fn session_and_dashboard_pass() {
        let ok = ResponseTemplate::new(302)
            .insert_header("Location", "/dash")
            .insert_header("Set-Cookie", "s=secretvalue; Path=/");
        assert!(matches!(verdict(ok).await, Ok(Pass(_))));
    }

    #[tokio::test]
    async fn no_cookie_or_refusal_fail() {
        let no_cookie = ResponseTemplate::new(303).insert_header("Location", "/dash");
        assert_found(
            &verdict(no_cookie).await,
            Some("header Set-Cookie"),
            "no cookie was set: the browser holds no session",
        );
        assert_found(
            &verdict(ResponseTemplate::new(403)).await,
            Some("status"),
            "the login ended with status 403",
        );
        let hint = |v: &Verdict| {
            crate::check::testing::found(v)
                .hint
                .clone()
                .unwrap_or_default()
        };
        let crashed = verdict(ResponseTemplate::new(500)).await;
        assert!(
            hint(&crashed).contains("handler failed with 500"),
            "{crashed:?}"
        );
        assert!(!hint(&crashed).contains("sha1"));
        let unparsed = verdict(ResponseTemplate::new(400)).await;
        assert!(hint(&unparsed).contains("form-encoded"), "{unparsed:?}");
        assert!(
            hint(&verdict(ResponseTemplate::new(403)).await)
                .contains("legacy sha1(id:salt:timestamp)")
        );
        assert!(matches!(
            verdict(ResponseTemplate::new(401)).await,
            Err(Stop::Blocked(_))
        ));
    }
}
