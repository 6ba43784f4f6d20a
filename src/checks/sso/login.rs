//! Who the SSO logins are sent as, and the run's one valid login. Heroku sends a login only for
//! a user with access to the app the user came from, so every login meant to sign in is sent as
//! that app's owner, as the platform lists it at `GET /apps/{app}/collaborators`. The probes
//! meant to be refused are sent as the owner too, so that only what the probe changes (a token,
//! a timestamp, a field) can refuse them; SSO-15 alone changes the user, and only after signing.

use std::sync::Arc;

use crate::check::{CheckCtx, Resource, Stop, blocked_by};
use crate::heroku::App;
use crate::heroku::sso::SsoUser;
use crate::platform::collaborators::Role;
use crate::record::outcome::RootCause;

use super::{Attempt, form, post};

/// The name of the app that owns the resource `uuid` (the `app` of its logins); the run's app
/// for a resource the platform never registered.
pub fn owning_app_name(cx: &CheckCtx<'_>, uuid: &str) -> String {
    cx.platform()
        .with_model(|m| {
            let addon = m.addons.get(uuid)?;
            m.apps.get(&addon.app_id).map(|app| app.name.clone())
        })
        .unwrap_or_else(|| cx.app().name.clone())
}

/// The owner of the app that owns the resource `uuid` (the run's app for a resource the
/// platform never registered): the user a login to it is sent as.
pub fn owner(cx: &CheckCtx<'_>, uuid: &str) -> Result<SsoUser, Stop> {
    let listed = cx.platform().with_model(|m| {
        let addon = m.addons.get(uuid)?;
        m.collaborators(&addon.app_id)
            .into_iter()
            .find(|c| c.role == Role::Owner)
            .map(|c| c.user)
    });
    match listed {
        Some(user) => Ok(user),
        None => owner_of(cx, cx.app()),
    }
}

/// The owner of `app`, as `GET /apps/{app}/collaborators` lists it.
pub fn owner_of(cx: &CheckCtx<'_>, app: &App) -> Result<SsoUser, Stop> {
    cx.platform()
        .collaborators(app)
        .into_iter()
        .find(|c| c.role == Role::Owner)
        .map(|c| c.user)
        .ok_or_else(|| {
            Stop::Error(format!(
                "the platform lists no owner of the app {}",
                app.name
            ))
        })
}

/// A correct login to the shared resource `key`, as its app's owner, made once per run.
pub async fn valid_login(cx: &CheckCtx<'_>, key: Resource) -> Result<Arc<Attempt>, Stop> {
    let made: Arc<Result<Attempt, Stop>> = cx
        .memo(Some(key), async {
            let res = cx.live_resource(key).await?;
            let user = owner(cx, &res.uuid)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{ctx_for, start, stub};

    #[tokio::test]
    async fn logins_go_as_the_owner_of_the_app_that_owns_the_resource() {
        let server = start(stub(200, r#"{"id":"p","config":{}}"#)).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        let cx = CheckCtx::new(&ctx);
        let own_app = cx.probe("basic");
        own_app.send("provision").await;
        let on_run_app = cx.on_run_app("basic").unwrap();
        on_run_app.send("provision").await;
        let run_owner = owner_of(&cx, cx.app()).unwrap();
        assert_eq!(owner(&cx, &on_run_app.uuid).unwrap().id, run_owner.id);
        assert_eq!(owning_app_name(&cx, &on_run_app.uuid), cx.app().name);
        // A probe lives on an app of its own, with an owner of its own.
        let probe_owner = owner(&cx, &own_app.uuid).unwrap();
        assert_ne!(probe_owner.id, run_owner.id);
        assert_ne!(owning_app_name(&cx, &own_app.uuid), cx.app().name);
        let listed = ctx.platform.with_model(|m| {
            let app = &m.addons[&own_app.uuid].app_id;
            m.collaborators(app)[0].user.id.clone()
        });
        assert_eq!(probe_owner.id, listed);
        // A resource the platform never registered: the run's app.
        assert_eq!(owner(&cx, "never-provisioned").unwrap().id, run_owner.id);
    }
}
