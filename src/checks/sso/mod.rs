//! SSO checks: Heroku's browser hand-off posted to `sso_url` (§7), or the legacy GET flow when
//! the manifest has no `sso_url` (§7.6). One valid login on the shared resource is made once per
//! run; the other checks compare their attempts with it.

pub mod auth_06;
pub mod forgery;
pub mod sso_03;
pub mod sso_03_cross;
pub mod sso_03_empty;
pub mod sso_03_prefix;
pub mod sso_03_removed;
pub mod sso_03_timestamp;
pub mod sso_03_unknown;
pub mod sso_03_zeros;
pub mod sso_04;
pub mod sso_05;
pub mod sso_06;
pub mod sso_06_legacy;
pub mod sso_06_resource_token;
pub mod sso_09;
pub mod sso_12;
pub mod sso_13;
pub mod sso_14;
pub mod sso_15;

crate::suite!(
    sso_05,
    auth_06,
    sso_12,
    sso_03,
    sso_03_cross,
    sso_03_zeros,
    sso_03_empty,
    sso_03_prefix,
    sso_03_timestamp,
    sso_03_removed,
    sso_03_unknown,
    sso_04,
    sso_09,
    sso_15,
    sso_13,
    sso_14,
    sso_06,
    sso_06_resource_token,
    sso_06_legacy,
);

use std::sync::Arc;

use crate::catalogue::Level;
use crate::check::judge::{is_2xx, is_5xx, observed_status};
use crate::check::{
    CheckCtx, Provisioned, Resource, Stop, Verdict, blocked, blocked_by, pass, skip,
};
use crate::heroku::sso::{Login, SsoUser, TOKEN_FIELDS, legacy_form, set_field};
use crate::partner::sso::{CookieJar, Navigation};
use crate::record::outcome::{Finding, RootCause};

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

/// How logins reach the partner: a form POST to `sso_url` (v3), or, for a manifest without
/// `sso_url`, the legacy browser GET to `{base_url}/{id}` (§7.6).
#[derive(Debug, Clone)]
pub enum Flow {
    Post { url: String },
    LegacyGet { base: String },
}

/// The flow and the salt, or why the suite cannot run.
pub fn target(cx: &CheckCtx<'_>) -> Result<(Flow, String), Stop> {
    let flow = match (&cx.settings().sso_url, &cx.settings().base_url) {
        (Some(url), _) => Flow::Post {
            url: url.to_string(),
        },
        (None, Some(base)) => Flow::LegacyGet {
            base: base.to_string(),
        },
        (None, None) => {
            return skip("neither sso_url nor base_url is known: set [partner] sso_url");
        }
    };
    let Some(salt) = cx.manifest().sso_salt.clone().filter(|s| !s.is_empty()) else {
        return blocked("the manifest has no sso_salt to sign logins with (see MAN-13)");
    };
    Ok((flow, salt))
}

/// The partner's provisioning id of `res` (legacy logins carry it), as text.
pub fn provider_id(res: &Provisioned) -> String {
    match res.reply.json.as_ref().ok().and_then(|v| v.get("id")) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v @ serde_json::Value::Number(_)) => v.to_string(),
        _ => res.uuid.clone(),
    }
}

/// The login Heroku would send for `res` at `timestamp`, signed with the manifest's salt.
pub fn form(
    cx: &CheckCtx<'_>,
    res: &Provisioned,
    timestamp: i64,
    user: &SsoUser,
) -> Result<Vec<(String, String)>, Stop> {
    form_for(cx, &res.uuid, &provider_id(res), timestamp, user)
}

/// The login Heroku would send for the resource `uuid` (provisioning id `id`), signed with the
/// manifest's salt: for a resource the harness never provisioned too.
pub fn form_for(
    cx: &CheckCtx<'_>,
    uuid: &str,
    id: &str,
    timestamp: i64,
    user: &SsoUser,
) -> Result<Vec<(String, String)>, Stop> {
    let (flow, salt) = target(cx)?;
    Ok(match flow {
        Flow::Post { .. } => Login {
            uuid,
            provider_id: Some(id),
            salt: &salt,
            timestamp,
            user,
            app: &cx.app().name,
            context_app: &cx.app().name,
        }
        .form(),
        Flow::LegacyGet { .. } => legacy_form(id, &salt, timestamp, user, &cx.app().name),
    })
}

/// Replaces every token of `form` with a random one of the same shape.
pub fn forge(form: &mut [(String, String)]) {
    for (k, v) in form.iter_mut() {
        if TOKEN_FIELDS.contains(&k.as_str()) {
            *v = forged(v.len());
        }
    }
}

/// True for the legacy GET login (§7.6), which carries no `resource_id`.
fn is_legacy(form: &[(String, String)]) -> bool {
    !form.iter().any(|(k, _)| k == "resource_id")
}

/// Points `form` at `other` without re-signing it: every field naming the resource.
pub fn retarget(form: &mut Vec<(String, String)>, other: &Provisioned) {
    if !is_legacy(form) {
        set_field(form, "resource_id", &other.uuid);
    }
    if form.iter().any(|(k, _)| k == "id") {
        set_field(form, "id", &provider_id(other));
    }
}

/// The field sets an incomplete login lacks, one attempt each.
pub fn missing_sets(form: &[(String, String)]) -> Vec<Vec<&'static str>> {
    if is_legacy(form) {
        // Legacy: the id is the URL path, not a field that can go missing.
        vec![vec!["token"], vec!["timestamp"]]
    } else {
        vec![
            TOKEN_FIELDS.to_vec(),
            vec!["timestamp"],
            vec!["resource_id", "id"],
        ]
    }
}

/// Sends `form` the way the flow does, with a fresh cookie jar.
pub async fn post(
    cx: &CheckCtx<'_>,
    form: &[(String, String)],
    label: &str,
) -> Result<Attempt, Stop> {
    let (flow, _) = target(cx)?;
    let mut jar = CookieJar::default();
    let nav = match flow {
        Flow::Post { url } => cx.partner().sso_post(&url, form, &mut jar, label).await,
        Flow::LegacyGet { base } => {
            let id = form
                .iter()
                .find(|(k, _)| k == "id")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            for (k, v) in form {
                if TOKEN_FIELDS.contains(&k.as_str()) {
                    cx.redactor().add("sso_token", v);
                }
            }
            let query = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter().filter(|(k, _)| k != "id"))
                .finish();
            let url = format!("{}/{id}?{query}", base.trim_end_matches('/'));
            cx.partner().browse(&url, &mut jar, label).await
        }
    };
    Ok(Attempt { nav, jar })
}

/// A correct login to the shared resource `key`, made once per run.
pub async fn valid_login(cx: &CheckCtx<'_>, key: Resource) -> Result<Arc<Attempt>, Stop> {
    let made: Arc<Result<Attempt, Stop>> = cx
        .memo(Some(key), async {
            let res = cx.live_resource(key).await?;
            let user = SsoUser::random();
            let form = form(cx, &res, crate::heroku::sso::now(), &user)?;
            post(cx, &form, &format!("SSO login to {key}")).await
        })
        .await?;
    match made.as_ref() {
        Ok(a) => Ok(Arc::new(a.clone())),
        Err(v) => Err(v.clone()),
    }
}

/// The valid login to `key` if it signed in; otherwise the verdict that blocks the caller.
pub async fn working_login(cx: &CheckCtx<'_>, key: Resource) -> Result<Arc<Attempt>, Stop> {
    let login = valid_login(cx, key).await?;
    if login.signed_in() {
        Ok(login)
    } else {
        let why = format!(
            "a correct SSO login to the {key} resource did not sign in ({})",
            login.nav.last().exchange.summary()
        );
        blocked_by(
            RootCause::new("SSO-05", why.clone()),
            format!("{why}; see SSO-05"),
        )
    }
}

/// Judges an attempt with a wrong token that must be refused with 403. `dashboard` is where a
/// valid login lands.
pub fn judge_refused(attempt: &Attempt, dashboard: &str, why: &str) -> Verdict {
    judge_refused_for(
        attempt,
        dashboard,
        why,
        "recompute the token the login carries from its fields and the salt, and compare before creating a session",
    )
}

/// As `judge_refused`, with `fix`: what the partner should check to refuse this attempt.
pub fn judge_refused_for(attempt: &Attempt, dashboard: &str, why: &str, fix: &str) -> Verdict {
    let first = attempt.nav.first();
    let last = attempt.nav.last();
    let finding = |observed: String| {
        Finding::new(format!("403 ({why})"), observed)
            .at("status")
            .exchange(&first.exchange)
            .exchange(&last.exchange)
    };
    match first.status {
        Some(403) => pass(),
        // No answer is no evidence either way: not a refusal, not a sign-in.
        None => blocked(format!(
            "the login got no answer: {}",
            observed_status(first)
        )),
        s if is_5xx(s) => finding(observed_status(first))
            .level(Level::Must)
            .hint(format!(
                "a server error is no refusal: {fix}, and answer 403"
            ))
            .into(),
        _ if attempt.nav.landed() && same_page(&attempt.nav.final_url, dashboard) => {
            finding(format!(
                "signed in: {} ended on the dashboard with {}",
                observed_status(first),
                observed_status(last)
            ))
            .level(Level::Must)
            .hint(fix)
            .into()
        }
        s if is_2xx(s) => finding(format!(
            "{} (a page instead of a refusal)",
            observed_status(first)
        ))
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

/// A login that should have been refused and signed in: a SHOULD finding saying what a refusal
/// would have meant (`expected`), the field at fault and the fix; the first hop is the evidence.
pub fn should_refuse(attempt: &Attempt, expected: &str, at: &str, hint: &str) -> Verdict {
    if !attempt.signed_in() {
        return pass();
    }
    Finding::new(
        expected,
        format!(
            "signed in ({}, ended at {})",
            observed_status(attempt.nav.first()),
            attempt.nav.final_url
        ),
    )
    .at(at)
    .level(Level::Should)
    .hint(hint)
    .exchange(&attempt.nav.first().exchange)
    .into()
}

/// A login attempt whose hops answered `statuses` and ended at `final_url`, without cookies.
#[cfg(test)]
pub fn attempt_of(statuses: &[u16], final_url: &str) -> Attempt {
    Attempt {
        nav: Navigation {
            hops: statuses
                .iter()
                .map(|s| crate::check::testing::reply(*s, ""))
                .collect(),
            final_url: final_url.into(),
            broken: None,
        },
        jar: CookieJar::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v3() -> Vec<(String, String)> {
        [
            "resource_id",
            "resource_token",
            "user_scoped_resource_token",
            "timestamp",
        ]
        .iter()
        .map(|k| (k.to_string(), "ab".repeat(20)))
        .collect()
    }

    #[test]
    fn forging_keeps_the_shape_and_changes_the_tokens() {
        let mut form = v3();
        forge(&mut form);
        let token = &form[1].1;
        assert_eq!(token.len(), 40);
        assert_ne!(token, &"ab".repeat(20));
        assert_eq!(form[0].1, "ab".repeat(20), "resource_id untouched");
    }

    #[test]
    fn missing_sets_follow_the_flow() {
        assert_eq!(missing_sets(&v3()).len(), 3);
        assert_eq!(missing_sets(&v3())[0], TOKEN_FIELDS);
        let legacy = vec![
            ("id".to_owned(), "1".to_owned()),
            ("token".to_owned(), "t".to_owned()),
        ];
        assert_eq!(
            missing_sets(&legacy),
            vec![vec!["token"], vec!["timestamp"]]
        );
        assert!(same_page("http://h:1/d/1?x=1", "http://h:1/d/1"));
        assert!(!same_page("http://h:1/d/1", "http://h:1/d/2"));
    }
}
