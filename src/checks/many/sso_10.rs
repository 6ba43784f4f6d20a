//! SSO-10 (installs): SSO works for every install on an app. A correct login to the second
//! install signs in and lands on its own dashboard, not on the first install's.

use crate::catalogue::Level;
use crate::check::{CheckCtx, Resource, Verdict, pass_with};
use crate::checks::sso::{Attempt, valid_login, working_login};
use crate::record::outcome::Finding;

crate::check!(
    "SSO-10.install",
    Should,
    "SSO to the second install on an app opens that install",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let first = working_login(cx, Resource::Primary).await?;
    // Made by the SSO suite (SSO-03.cross) while the second install existed, or now.
    let second = valid_login(cx, Resource::Secondary).await?;
    let ids = |res: &crate::check::Provisioned| {
        let mut ids = vec![res.uuid.clone()];
        ids.extend(crate::checks::many::provider_id(&res.reply));
        ids
    };
    let first_ids = ids(&*cx.resource(Resource::Primary).await);
    let second_ids = ids(&*cx.resource(Resource::Secondary).await);
    judge(&first, &first_ids, &second, &second_ids)
}

/// Ids shorter than this (small integer provider ids) say nothing when found in a page.
const MIN_ID_LEN: usize = 6;

/// True when the final URL or page of `attempt` names one of `ids`.
fn names(attempt: &Attempt, ids: &[String]) -> bool {
    let page = String::from_utf8_lossy(&attempt.nav.last().body);
    ids.iter()
        .filter(|id| id.len() >= MIN_ID_LEN)
        .any(|id| attempt.nav.final_url.contains(id.as_str()) || page.contains(id.as_str()))
}

/// Warns only on positive evidence: the second login's final URL or page names the first
/// install and not the second (a dashboard at a fixed path that keeps the resource in the
/// session or the query is fine).
pub fn judge(
    first: &Attempt,
    first_ids: &[String],
    second: &Attempt,
    second_ids: &[String],
) -> Verdict {
    let last = second.nav.last();
    let finding = |observed: String| {
        Finding::new(
            "a session on the second install's own dashboard",
            observed,
        )
        .at("header Location")
        .level(Level::Should)
        .hint("look the resource up by resource_id (the uuid), never by the app: one app can hold several installs")
        .exchange(&second.nav.first().exchange)
        .exchange(&last.exchange)
    };
    if !second.signed_in() {
        return finding(format!(
            "the login did not sign in: {}",
            crate::check::judge::observed_status(last)
        ))
        .into();
    }
    if names(second, first_ids) && !names(second, second_ids) {
        return finding(format!(
            "it landed on {}, which names the first install ({}) and not the second",
            second.nav.final_url,
            first_ids.join(", ")
        ))
        .into();
    }
    pass_with(format!(
        "landed on {} (the first install's login: {})",
        second.nav.final_url, first.nav.final_url
    ))
}

#[cfg(test)]
mod tests {
    use crate::check::testing::assert_found;

    use crate::checks::sso::Attempt;
    use crate::partner::sso::{CookieJar, Navigation};

    fn landed(url: &str, body: &str) -> Attempt {
        Attempt {
            nav: Navigation {
                hops: vec![crate::check::testing::reply_typed(200, body, "text/html")],
                final_url: url.to_owned(),
                broken: None,
            },
            jar: CookieJar::default(),
        }
    }

    #[test]
    fn only_a_page_naming_the_first_install_and_not_the_second_is_evidence() {
        let first = vec!["11111111-aaaa".to_owned(), "provider-first".to_owned()];
        let second = vec!["22222222-bbbb".to_owned(), "7".to_owned()];
        let fixed = landed("http://p/dashboard", "<h1>Resource 22222222-bbbb</h1>");
        assert!(!super::names(&fixed, &first) && super::names(&fixed, &second));
        let wrong = landed("http://p/dashboard/11111111-aaaa", "<h1>Dashboard</h1>");
        assert!(super::names(&wrong, &first) && !super::names(&wrong, &second));
        // Short ids (a small integer provider id) prove nothing.
        let short = landed("http://p/7", "");
        assert!(!super::names(&short, &second));
        // Not signed in (no session cookie): a warning whatever the page.
        assert_found(
            &super::judge(&fixed, &first, &fixed, &second),
            Some("header Location"),
            "the login did not sign in: status 200",
        );
    }
}
