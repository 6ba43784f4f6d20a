//! SSO-06: Heroku's login carries three token kinds (user_scoped_resource_token, resource_token
//! and the legacy id/token pair); the docs recommend the user-scoped token and accept
//! resource_token. One login per kind, carrying only that kind, tells the partner which kinds it
//! accepts. This check: only `user_scoped_resource_token`.

use crate::catalogue::Level;
use crate::check::judge::{is_5xx, observed_status};
use crate::check::{CheckCtx, Resource, Stop, Verdict, pass_with, skip};
use crate::heroku::sso::{SsoUser, drop_fields, now};
use crate::record::outcome::Finding;

use super::{Attempt, Flow};

crate::check!(
    "SSO-06",
    Should,
    "a login carrying only user_scoped_resource_token signs in",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let attempt = login_with_only(cx, Kind::UserScoped).await?;
    let legacy = legacy_only(cx).await?;
    judge(&attempt, Kind::UserScoped, legacy.signed_in())
}

/// The token kinds of Heroku's login form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    UserScoped,
    Resource,
    /// The legacy `id` and `token` pair.
    Legacy,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::UserScoped => "user_scoped_resource_token",
            Kind::Resource => "resource_token",
            Kind::Legacy => "the legacy id/token pair",
        }
    }

    /// The fields a login carrying only this kind leaves out.
    fn others(self) -> Vec<&'static str> {
        match self {
            Kind::UserScoped => vec!["resource_token", "id", "token"],
            Kind::Resource => vec!["user_scoped_resource_token", "id", "token"],
            Kind::Legacy => vec!["resource_token", "user_scoped_resource_token"],
        }
    }
}

/// A correct login to the primary resource that carries only `kind`, after a correct full login
/// signed in (otherwise blocked by SSO-05).
pub async fn login_with_only(cx: &CheckCtx<'_>, kind: Kind) -> Result<Attempt, Stop> {
    if matches!(super::target(cx)?.0, Flow::LegacyGet { .. }) {
        return skip(
            "the manifest has no sso_url: Heroku's legacy login carries only the id/token pair",
        );
    }
    super::working_login(cx, Resource::Primary).await?;
    let res = cx.live_resource(Resource::Primary).await?;
    let mut form = super::form(cx, &res, now(), &SsoUser::random())?;
    drop_fields(&mut form, &kind.others());
    super::post(cx, &form, &format!("SSO login with only {}", kind.name())).await
}

/// The login carrying only the legacy pair, made once per run (SSO-06 and its variants read it).
struct LegacyOnly(Result<Attempt, Stop>);

/// Whether the partner signs in a login carrying only the legacy pair.
pub async fn legacy_only(cx: &CheckCtx<'_>) -> Result<Attempt, Stop> {
    let made = cx
        .memo(Some(Resource::Primary), async {
            LegacyOnly(login_with_only(cx, Kind::Legacy).await)
        })
        .await?;
    made.0.clone()
}

/// Judges a login that carried only `kind`. A v3 kind refused is a SHOULD unless the partner
/// verifies the legacy pair (which Heroku still sends); the legacy pair refused is fine.
pub fn judge(attempt: &Attempt, kind: Kind, accepts_legacy: bool) -> Verdict {
    let first = attempt.nav.first();
    if attempt.signed_in() {
        return pass_with(format!("accepts a login carrying only {}", kind.name()));
    }
    let finding = |observed: String, hint: &str| {
        Finding::new(
            format!(
                "a session for a correct login carrying only {}",
                kind.name()
            ),
            observed,
        )
        .at("status")
        .level(Level::Should)
        .hint(hint)
        .exchange(&first.exchange)
        .exchange(&attempt.nav.last().exchange)
    };
    if is_5xx(first.status) {
        return finding(
            observed_status(first),
            "a login your add-on does not verify this way deserves a 403 page, not a server error",
        )
        .into();
    }
    let refused = format!("refused: {}", observed_status(first));
    match kind {
        Kind::Legacy => pass_with(format!(
            "refuses a login carrying only the legacy id/token pair ({refused}); fine: Heroku sends the v3 tokens too"
        )),
        _ if accepts_legacy => pass_with(format!(
            "refuses a login carrying only {} ({refused}); your add-on verifies the legacy id/token pair, which Heroku still sends, but the current docs recommend user_scoped_resource_token",
            kind.name()
        )),
        _ => finding(
            refused,
            "Heroku's docs recommend verifying user_scoped_resource_token (sha256 of uuid:salt:timestamp:user_id:email) and still accept resource_token; verify whichever token the login carries",
        )
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;

    fn attempt(status: u16) -> Attempt {
        super::super::attempt_of(&[status], "http://h/sso")
    }

    fn level(v: &Verdict) -> Option<Level> {
        v.as_ref()
            .err()
            .and_then(Stop::finding)
            .and_then(|f| f.level)
    }

    #[test]
    fn refusals_by_kind() {
        assert_eq!(
            level(&judge(&attempt(403), Kind::UserScoped, false)),
            Some(Level::Should)
        );
        assert!(matches!(
            judge(&attempt(403), Kind::UserScoped, true),
            Ok(Pass(Some(n))) if n.contains("legacy id/token pair")
        ));
        assert!(matches!(
            judge(&attempt(403), Kind::Legacy, false),
            Ok(Pass(Some(_)))
        ));
        assert_eq!(
            level(&judge(&attempt(500), Kind::Legacy, true)),
            Some(Level::Should)
        );
    }
}
