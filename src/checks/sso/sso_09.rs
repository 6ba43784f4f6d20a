//! SSO-09: every user with access to the app reaches the dashboard. Logins as the app's owner
//! and as its collaborator (two distinct Heroku users, as `GET /apps/{app}/collaborators` lists
//! them) must each sign in and land where a correct login lands.

use crate::catalogue::Level;
use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass_with};
use crate::heroku::sso::now;
use crate::platform::collaborators::Role;
use crate::record::outcome::Finding;

use super::same_page;
use crate::partner::sso::Navigation;

crate::check!(
    "SSO-09",
    Must,
    "the app's owner and its collaborator both reach the dashboard",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let login = super::working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    let mut tried = Vec::new();
    for person in cx.platform().collaborators(cx.app()) {
        let form = super::form(cx, &res, now(), &person.user)?;
        let label = format!("SSO login as the app's {}", role_name(person.role));
        let attempt = super::post(cx, &form, &label).await?;
        judge(
            &attempt.nav,
            attempt.signed_in(),
            &login.nav.final_url,
            role_name(person.role),
        )?;
        tried.push(role_name(person.role));
    }
    pass_with(format!("signed in as the app's {}", tried.join(" and ")))
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Collaborator => "collaborator",
    }
}

/// A login as `who` must sign in and land on the page a correct login lands on.
pub fn judge(nav: &Navigation, signed_in: bool, dashboard: &str, who: &str) -> Verdict {
    if signed_in && same_page(&nav.final_url, dashboard) {
        return Ok(crate::check::Pass(None));
    }
    Finding::new(
        format!("the dashboard ({dashboard}) with a session, for the app's {who}"),
        format!(
            "the login ended with {} at {}",
            observed_status(nav.last()),
            nav.final_url
        ),
    )
    .at("status")
    .level(Level::Must)
    .hint("add-ons belong to apps, not users: every owner and collaborator of the app may open the resource through SSO, whoever signed in first")
    .exchange(&nav.first().exchange)
    .exchange(&nav.last().exchange)
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{assert_found, reply};

    fn nav(statuses: &[u16], final_url: &str) -> Navigation {
        Navigation {
            hops: statuses.iter().map(|s| reply(*s, "")).collect(),
            final_url: final_url.into(),
            broken: None,
        }
    }

    #[test]
    fn a_refused_collaborator_is_found_and_a_landing_passes() {
        let dash = "http://h/dash/1";
        let refused = judge(&nav(&[403], "http://h/sso"), false, dash, "collaborator");
        assert_found(&refused, Some("status"), "403");
        assert!(judge(&nav(&[302, 200], dash), true, dash, "owner").is_ok());
        let elsewhere = judge(&nav(&[302, 200], "http://h/login"), true, dash, "owner");
        assert_found(&elsewhere, Some("status"), "http://h/login");
    }
}
