//! SSO-14: a login with a required field missing gets a 4xx, never a 5xx or a session.

use crate::catalogue::Level;
use crate::check::judge::{is_5xx, observed_status};
use crate::check::{CheckCtx, Resource, Verdict, pass, violated};
use crate::heroku::sso::{SsoUser, drop_fields, now};
use crate::record::outcome::Finding;

use super::Attempt;

crate::check!(
    "SSO-14",
    Must,
    "an SSO login with missing fields gets a 4xx",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    super::working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    let complete = super::form(cx, &res, now(), &SsoUser::random())?;
    let mut worst: Option<Finding> = None;
    for fields in super::missing_sets(&complete) {
        let mut form = super::form(cx, &res, now(), &SsoUser::random())?;
        drop_fields(&mut form, &fields);
        let label = format!("SSO login without {}", fields.join(" and "));
        let attempt = super::post(cx, &form, &label).await?;
        if let Some(f) = judge(&attempt, &fields.join(" and ")) {
            let must = f.level == Some(Level::Must);
            if must || worst.is_none() {
                worst = Some(f);
            }
            if must {
                break;
            }
        }
    }
    worst.map_or_else(pass, violated)
}

pub fn judge(attempt: &Attempt, missing: &str) -> Option<Finding> {
    let first = attempt.nav.first();
    let finding = |level: Level, observed: String, hint: &str| {
        Finding::new(format!("a 4xx (the login lacks {missing})"), observed)
            .at("status")
            .level(level)
            .hint(hint)
            .exchange(&first.exchange)
    };
    match first.status {
        Some(s) if (400..500).contains(&s) => None,
        s if is_5xx(s) || s.is_none() => Some(finding(
            Level::Must,
            observed_status(first),
            "validate the form before using it; a missing field is the browser's mistake, not a server error",
        )),
        _ if attempt.signed_in() => Some(finding(
            Level::Must,
            format!("signed in ({})", observed_status(first)),
            "a login without every signed field must not create a session",
        )),
        _ => Some(finding(
            Level::Should,
            observed_status(first),
            "answer 400 or 403 to an incomplete login",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(status: u16) -> Attempt {
        super::super::attempt_of(&[status], "http://h/sso")
    }

    #[test]
    fn four_hundreds_pass_five_hundreds_fail() {
        assert!(judge(&attempt(400), "x").is_none());
        assert!(judge(&attempt(403), "x").is_none());
        assert_eq!(
            judge(&attempt(500), "x").and_then(|f| f.level),
            Some(Level::Must)
        );
        assert_eq!(
            judge(&attempt(302), "x").and_then(|f| f.level),
            Some(Level::Should)
        );
    }
}
