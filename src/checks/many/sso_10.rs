//! SSO-10 (installs): SSO works for every install on an app. A correct login to the second
//! install signs in and lands on its own dashboard, not on the first install's.

use crate::catalogue::Level;
use crate::checks::sso::{Attempt, same_page, valid_login, working_login};
use crate::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "SSO-10.install",
    "SSO-10",
    Should,
    "SSO to the second install on an app opens that install",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let first = match working_login(cx, "primary").await {
        Ok(l) => l,
        Err(v) => return v,
    };
    // Made by the SSO suite (SSO-03.cross) while the second install existed, or now.
    let second = match valid_login(cx, super::SECOND).await {
        Ok(l) => l,
        Err(v) => return v,
    };
    judge(&first, &second)
}

pub fn judge(first: &Attempt, second: &Attempt) -> Verdict {
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
            crate::checks::inspect::observed_status(last)
        ))
        .into();
    }
    if same_page(&second.nav.final_url, &first.nav.final_url) {
        return finding(format!(
            "it landed on {}, the first install's dashboard",
            second.nav.final_url
        ))
        .into();
    }
    Verdict::pass()
}

#[cfg(test)]
mod tests {
    use crate::checks::find;

    #[test]
    fn is_registered() {
        // Judges two browser logins (crate::checks::sso helpers, tested there); the fault zoo
        // runs it (sso-keys-on-app).
        assert!(find("SSO-10.install").is_some());
    }
}
