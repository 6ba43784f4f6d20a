//! The SSO forgery matrix: logins that look like Heroku's but must not sign in, one class per
//! check (SSO-03.zeros, .empty, .prefix, .timestamp, .removed, .unknown). Each starts from the
//! login the framework builds (`form_for`), so it follows whatever fields Heroku sends, and
//! changes every token field the same way. A refusal is any 4xx that opens no session.

use crate::catalogue::Level;
use crate::check::judge::{is_2xx, observed_status};
use crate::check::{CheckCtx, Resource, Stop, Verdict, blocked, pass};
use crate::heroku::sso::{SsoUser, TOKEN_FIELDS, now, set_field};
use crate::record::outcome::Finding;

use super::{Attempt, same_page};

/// One class of forged login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forgery {
    /// Every token is a string of zeros of the right length.
    Zeros,
    /// Every token field is present and empty.
    Empty,
    /// Every token is cut to its first half.
    Prefix,
    /// Valid tokens signed for one timestamp, sent with another (both fresh).
    Timestamp,
    /// Valid tokens for a resource that was deprovisioned.
    Removed,
    /// Valid tokens for a resource the partner never issued.
    Unknown,
}

impl Forgery {
    fn label(self) -> &'static str {
        match self {
            Forgery::Zeros => "SSO login with all-zero tokens",
            Forgery::Empty => "SSO login with empty tokens",
            Forgery::Prefix => "SSO login with the valid tokens cut in half",
            Forgery::Timestamp => "SSO login with valid tokens under another timestamp",
            Forgery::Removed => "SSO login to a deprovisioned resource",
            Forgery::Unknown => "SSO login to a resource never provisioned",
        }
    }

    fn why(self) -> &'static str {
        match self {
            Forgery::Zeros => "the tokens are constant zeros",
            Forgery::Empty => "the tokens are empty",
            Forgery::Prefix => "the tokens are truncated prefixes of valid ones",
            Forgery::Timestamp => "the tokens were signed for another timestamp",
            Forgery::Removed => "the resource was deprovisioned",
            Forgery::Unknown => "the add-on never issued this resource",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Forgery::Zeros | Forgery::Empty | Forgery::Prefix => {
                "recompute the token from the fields and the salt and compare the whole value in constant time; never skip the check for an empty or short token"
            }
            Forgery::Timestamp => {
                "sign the timestamp the login carries: compute the token from that timestamp, not from any recent one"
            }
            Forgery::Removed => {
                "look the resource up and refuse logins to deprovisioned resources with 403"
            }
            Forgery::Unknown => {
                "look the resource up before creating a session; refuse an unknown resource_id with 403 (never a 500)"
            }
        }
    }
}

/// Replaces every token field of `form` with `f(token)`.
fn map_tokens(form: &mut [(String, String)], f: impl Fn(&str) -> String) {
    for (k, v) in form.iter_mut() {
        if TOKEN_FIELDS.contains(&k.as_str()) {
            *v = f(v);
        }
    }
}

/// Sends the forged login of `class` and judges it.
pub async fn check(cx: &CheckCtx<'_>, class: Forgery) -> Verdict {
    let login = super::working_login(cx, Resource::Primary).await?;
    let primary = cx.live_resource(Resource::Primary).await?;
    let user = SsoUser::random();
    let (uuid, id) = match class {
        Forgery::Removed => removed(cx).await?,
        Forgery::Unknown => {
            let uuid = uuid::Uuid::new_v4().to_string();
            (uuid.clone(), uuid)
        }
        _ => (primary.uuid.clone(), super::provider_id(&primary)),
    };
    let mut form = match class {
        Forgery::Timestamp => {
            let signed = now() - 90;
            let mut form = super::form_for(cx, &uuid, &id, signed, &user)?;
            set_field(&mut form, "timestamp", &now().to_string());
            form
        }
        _ => super::form_for(cx, &uuid, &id, now(), &user)?,
    };
    match class {
        Forgery::Zeros => map_tokens(&mut form, |t| "0".repeat(t.len().max(1))),
        Forgery::Empty => map_tokens(&mut form, |_| String::new()),
        Forgery::Prefix => map_tokens(&mut form, |t| t[..t.len() / 2].to_owned()),
        _ => {}
    }
    let attempt = super::post(cx, &form, class.label()).await?;
    // Where a signed-in login of this resource would land: the primary's dashboard, with the
    // resource's own uuid and id in place of the primary's.
    let dash = &login.nav.final_url;
    let dashboards = [
        dash.clone(),
        dash.replace(&primary.uuid, &uuid),
        dash.replace(&super::provider_id(&primary), &id),
    ];
    judge(&attempt, &dashboards, class)
}

/// A resource made and removed for the login (its removal proven by a 2xx).
async fn removed(cx: &CheckCtx<'_>) -> Result<(String, String), Stop> {
    let probe = cx.probe(cx.default_plan());
    let made = probe
        .make("provision for the deprovisioned-resource login")
        .await;
    if !made.reply.is_success() {
        return blocked(format!(
            "the resource for this login could not be provisioned: {}",
            made.reply.exchange.summary()
        ));
    }
    let removal = cx
        .deprovision(
            &made.uuid,
            crate::partner::Credentials::Manifest,
            "deprovision before the login",
        )
        .await;
    if !is_2xx(removal.status) {
        return blocked(format!(
            "the removal before the login was not proven (2xx): {}",
            removal.exchange.summary()
        ));
    }
    let id = super::provider_id(&made);
    Ok((made.uuid, id))
}

/// A 4xx refuses; a session on a dashboard, a 2xx page or a 5xx is a MUST breach; a redirect
/// elsewhere (a login page) is no documented refusal (SHOULD).
pub fn judge(attempt: &Attempt, dashboards: &[String], class: Forgery) -> Verdict {
    let first = attempt.nav.first();
    let last = attempt.nav.last();
    let finding = |level: Level, observed: String| {
        Finding::new(format!("a 4xx and no session ({})", class.why()), observed)
            .at("status")
            .level(level)
            .hint(class.hint())
            .exchange(&first.exchange)
            .exchange(&last.exchange)
    };
    let on_dashboard = dashboards
        .iter()
        .any(|d| same_page(&attempt.nav.final_url, d));
    match first.status {
        None => blocked(format!(
            "the login got no answer: {}",
            observed_status(first)
        )),
        Some(s) if (400..500).contains(&s) => pass(),
        Some(s) if s >= 500 => finding(Level::Must, observed_status(first)).into(),
        _ if on_dashboard && (attempt.nav.landed() || !attempt.jar.is_empty()) => finding(
            Level::Must,
            format!(
                "signed in: {} ended on the dashboard with {}",
                observed_status(first),
                observed_status(last)
            ),
        )
        .into(),
        s if is_2xx(s) => finding(
            Level::Must,
            format!("{} (a page instead of a refusal)", observed_status(first)),
        )
        .into(),
        _ => finding(
            Level::Should,
            format!(
                "{}, ending on {}",
                observed_status(first),
                observed_status(last)
            ),
        )
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::assert_found;

    fn attempt(statuses: &[u16], final_url: &str) -> Attempt {
        super::super::attempt_of(statuses, final_url)
    }

    #[test]
    fn any_4xx_refuses_and_a_dashboard_fails() {
        let dash = ["http://h/dash/1".to_owned()];
        let j = |a: &Attempt| judge(a, &dash, Forgery::Zeros);
        assert!(matches!(j(&attempt(&[403], "http://h/sso")), Ok(Pass(_))));
        assert!(matches!(j(&attempt(&[404], "http://h/sso")), Ok(Pass(_))));
        assert_found(
            &j(&attempt(&[302, 200], "http://h/dash/1")),
            Some("status"),
            "signed in: status 302 ended on the dashboard with status 200",
        );
        assert_found(
            &j(&attempt(&[500], "http://h/sso")),
            Some("status"),
            "status 500",
        );
        let v = j(&attempt(&[302, 200], "http://h/login"));
        assert!(
            matches!(&v, Err(Stop::Violated(f)) if f.level == Some(Level::Should)),
            "{v:?}"
        );
    }

    #[test]
    fn every_token_field_changes_the_same_way() {
        let mut form = vec![
            ("resource_id".to_owned(), "u".to_owned()),
            ("resource_token".to_owned(), "abcd".to_owned()),
            ("user_scoped_resource_token".to_owned(), "efgh".to_owned()),
            ("token".to_owned(), "ijkl".to_owned()),
        ];
        map_tokens(&mut form, |t| t[..t.len() / 2].to_owned());
        let values: Vec<&str> = form.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, ["u", "ab", "ef", "ij"]);
    }

    #[test]
    fn the_login_heroku_sends_has_every_token_field_and_all_change() {
        let user = SsoUser::random();
        let mut form = crate::heroku::sso::Login {
            uuid: "u",
            provider_id: Some("7"),
            salt: "s",
            timestamp: 5,
            user: &user,
            app: "a",
            context_app: "a",
        }
        .form();
        let tokens = |form: &[(String, String)]| -> Vec<String> {
            form.iter()
                .filter(|(k, _)| TOKEN_FIELDS.contains(&k.as_str()))
                .map(|(_, v)| v.clone())
                .collect()
        };
        let before = tokens(&form);
        assert_eq!(before.len(), TOKEN_FIELDS.len());
        map_tokens(&mut form, |t| "0".repeat(t.len()));
        let after = tokens(&form);
        assert!(
            before
                .iter()
                .zip(&after)
                .all(|(b, a)| b != a && a.bytes().all(|c| c == b'0'))
        );
    }
}
