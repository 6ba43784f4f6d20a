//! SSO checks: Heroku's browser hand-off posted to `sso_url` (§7). One valid login on the
//! shared resource is made once per run; the other checks compare their attempts with it.

pub mod auth_06;
pub mod sso_03;
pub mod sso_03_cross;
pub mod sso_04;
pub mod sso_05;
pub mod sso_12;
pub mod sso_13;
pub mod sso_14;

use std::sync::Arc;

use crate::catalogue::Level;
use crate::checks::inspect::{is_2xx, is_5xx, observed_status};
use crate::outcome::{Finding, Verdict};
use crate::partner::sso::{CookieJar, Navigation};
use crate::runner::CheckCtx;
use crate::sso::{Login, SsoUser};

/// A browser login: where it ended and the cookies it collected.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub nav: Navigation,
    pub jar: CookieJar,
}

impl Attempt {
    /// True when the login ended on a 2xx page holding a session cookie.
    pub fn signed_in(&self) -> bool {
        self.nav.landed() && !self.jar.is_empty()
    }
}

/// The SSO URL and salt, or why the suite cannot run.
pub fn target(cx: &CheckCtx<'_>) -> Result<(String, String), Verdict> {
    let Some(url) = cx.settings.sso_url.clone() else {
        return Err(Verdict::Skip(
            "the manifest has no sso_url (and no [partner] sso_url override); the legacy GET flow is not exercised".into(),
        ));
    };
    let Some(salt) = cx.manifest.sso_salt.clone().filter(|s| !s.is_empty()) else {
        return Err(Verdict::Blocked(
            "the manifest has no sso_salt to sign logins with (see MAN-13)".into(),
        ));
    };
    Ok((url, salt))
}

/// The form Heroku would post for `uuid` at `timestamp`, signed with the manifest's salt.
pub fn form(
    cx: &CheckCtx<'_>,
    uuid: &str,
    timestamp: i64,
    user: &SsoUser,
) -> Result<Vec<(String, String)>, Verdict> {
    let (_, salt) = target(cx)?;
    Ok(Login {
        uuid,
        salt: &salt,
        timestamp,
        user,
        app: &cx.app.name,
        context_app: &cx.app.name,
    }
    .form())
}

/// Posts `form` with a fresh cookie jar.
pub async fn post(
    cx: &CheckCtx<'_>,
    form: &[(String, String)],
    label: &str,
) -> Result<Attempt, Verdict> {
    let (url, _) = target(cx)?;
    let mut jar = CookieJar::default();
    let nav = cx.partner.sso_post(&url, form, &mut jar, label).await;
    Ok(Attempt { nav, jar })
}

/// A correct login to the shared resource `key`, made once per run.
pub async fn valid_login(cx: &CheckCtx<'_>, key: &'static str) -> Result<Arc<Attempt>, Verdict> {
    let memo_key = if key == "primary" {
        "sso-login-primary"
    } else {
        "sso-login-secondary"
    };
    let made = cx
        .memo(memo_key, async {
            let res = cx.live_resource(key).await?;
            let user = SsoUser::random();
            let form = form(cx, &res.uuid, crate::sso::now(), &user)?;
            post(cx, &form, &format!("SSO login to {key}")).await
        })
        .await;
    match made.as_deref() {
        Some(Ok(a)) => Ok(Arc::new(a.clone())),
        Some(Err(v)) => Err(v.clone()),
        None => Err(Verdict::Error(
            "the SSO login memo holds another type".into(),
        )),
    }
}

/// The valid login to `key` if it signed in; otherwise the verdict that blocks the caller.
pub async fn working_login(cx: &CheckCtx<'_>, key: &'static str) -> Result<Arc<Attempt>, Verdict> {
    let login = valid_login(cx, key).await?;
    if login.signed_in() {
        Ok(login)
    } else {
        Err(Verdict::Blocked(format!(
            "a correct SSO login to the {key} resource did not sign in ({}); see SSO-05",
            login.nav.last().exchange.summary()
        )))
    }
}

/// Judges an attempt that must be refused with 403. `dashboard` is where a valid login lands.
pub fn judge_refused(attempt: &Attempt, dashboard: &str, why: &str) -> Verdict {
    let first = attempt.nav.first();
    let last = attempt.nav.last();
    let finding = |observed: String| {
        Finding::new(format!("403 ({why})"), observed)
            .at("status")
            .exchange(&first.exchange)
            .exchange(&last.exchange)
    };
    match first.status {
        Some(403) => Verdict::pass(),
        s if is_5xx(s) || s.is_none() => finding(observed_status(first))
            .level(Level::Must)
            .hint("a server error is no refusal; compare the token and answer 403")
            .into(),
        _ if attempt.nav.landed() && same_page(&attempt.nav.final_url, dashboard) => {
            finding(format!(
                "signed in: {} ended on the dashboard with {}",
                observed_status(first),
                observed_status(last)
            ))
            .level(Level::Must)
            .hint("recompute the token from resource_id, timestamp and the salt and compare before creating a session")
            .into()
        }
        s if is_2xx(s) => finding(format!("{} (a page instead of a refusal)", observed_status(first)))
            .level(Level::Must)
            .hint("answer 403; a 2xx page tells Heroku and the browser the login worked")
            .into(),
        _ => finding(observed_status(first))
            .level(Level::Should)
            .hint("Heroku documents 403 for refused logins")
            .into(),
    }
}

/// Same scheme, host, port and path (queries differ between logins).
pub fn same_page(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host_str() == b.host_str()
                && a.port_or_known_default() == b.port_or_known_default()
                && a.path() == b.path()
        }
        _ => a == b,
    }
}

/// A token-shaped random hex string of `len` characters.
pub fn forged(len: usize) -> String {
    let mut out = String::new();
    while out.len() < len {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(len);
    out
}
