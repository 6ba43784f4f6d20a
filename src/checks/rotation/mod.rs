//! The rotation suite (seed 001): `[hooks] rotate` makes the partner rotate the shared
//! resource's credentials; the harness waits for the config PATCH, then judges names, values and
//! the releases on the owning app and every attached app, and with `[hooks]
//! verify_credentials` proves that the old credentials still work in the grace window.

pub mod rotate_02;
pub mod rotate_04;
pub mod rotate_05;

crate::suite!(rotate_04, rotate_05, rotate_02);

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::check::{CheckCtx, OwedKind, Provisioned, Resource, Stop, error, interrupted, skip};
use crate::checks::many::provider_id;
use crate::hooks::{self, HookRun};
use crate::record::Inbound;
use crate::record::InboundKind;

/// One app the resource is attached to, before and after the rotation.
#[derive(Debug, Clone)]
pub struct AppView {
    pub app_id: String,
    pub app_name: String,
    pub attachment: String,
    pub releases_before: usize,
    pub releases_after: usize,
    /// App-side config after the rotation (renamed per attachment).
    pub config_after: BTreeMap<String, String>,
}

/// What one rotation did.
#[derive(Debug)]
pub struct Rotation {
    pub hook: HookRun,
    /// The first config update for the resource after the hook started: a Platform API
    /// `PATCH /addons/{id}/config` or a legacy App Info `PUT /vendor/apps/{id}`.
    pub patch: Option<Arc<Inbound>>,
    /// Partner-side config (manifest names) before and after.
    pub before: BTreeMap<String, String>,
    pub after: BTreeMap<String, String>,
    pub apps: Vec<AppView>,
    /// The run was interrupted during the hook or the wait for its PATCH.
    pub interrupted: bool,
}

/// Placeholders for a hook about `res`.
pub fn hook_vars(cx: &CheckCtx<'_>, res: &Provisioned) -> BTreeMap<&'static str, String> {
    let mut vars = BTreeMap::from([
        ("resource_uuid", res.uuid.clone()),
        ("app", cx.app().name.clone()),
        ("app_id", cx.app().id.clone()),
        ("heroku_id", cx.app().heroku_id.clone()),
        ("plan", res.plan.clone()),
    ]);
    if let Some(id) = provider_id(&res.reply) {
        vars.insert("provider_id", id);
    }
    vars
}

fn hook_timeout(cx: &CheckCtx<'_>) -> std::time::Duration {
    cx.config().hooks.timeout.unwrap_or(hooks::DEFAULT_TIMEOUT)
}

/// How long to wait for the rotation's config PATCH.
pub fn rotation_timeout(cx: &CheckCtx<'_>) -> std::time::Duration {
    let c = cx.config();
    c.hooks.rotation_timeout.unwrap_or(c.timeouts.callback)
}

fn views(cx: &CheckCtx<'_>, uuid: &str) -> Vec<AppView> {
    cx.platform().with_model(|m| {
        m.attachments_of(uuid)
            .iter()
            .filter_map(|a| {
                let app = m.apps.get(&a.app_id)?;
                Some(AppView {
                    app_id: a.app_id.clone(),
                    app_name: app.name.clone(),
                    attachment: a.name.clone(),
                    releases_before: app.releases.len(),
                    releases_after: app.releases.len(),
                    config_after: m.app_config(&a.app_id),
                })
            })
            .collect()
    })
}

fn partner_config(cx: &CheckCtx<'_>, uuid: &str) -> BTreeMap<String, String> {
    cx.platform()
        .with_model(|m| m.addons.get(uuid).map(|a| a.config.clone()))
        .unwrap_or_default()
}

/// A partner can rotate only once it holds a token for the resource: a resource made just
/// before (a suite's own copy) may still be owed its grant exchange. Waits, event-driven, for
/// the first exchange attempt for it, at most the callback budget after the provision's answer
/// (and never past the grant's deadline): the judging of a late or missing exchange is the
/// callback checks' part.
async fn exchanged(cx: &CheckCtx<'_>, res: &Provisioned) -> Result<(), Stop> {
    let Some(owed) = cx.owed_deadline(&res.uuid, OwedKind::GrantExchange) else {
        return Ok(());
    };
    let answered = crate::checks::asynchronous::answered_at(cx, res);
    let until = owed.min(answered + cx.config().timeouts.callback);
    let uuid = res.uuid.as_str();
    cx.wait_inbound(until, "the grant exchange before the rotation", |i| {
        i.kind == InboundKind::TokenExchange && i.resource.as_deref() == Some(uuid)
    })
    .await?;
    Ok(())
}

/// Runs the rotation once per run (attaching the resource to a second app first when the
/// manifest is attachable, so propagation is judged too).
pub async fn rotation(cx: &CheckCtx<'_>) -> Result<Arc<Rotation>, Stop> {
    let Some(template) = cx.config().hooks.rotate.clone() else {
        return skip(
            "no rotation hook: set [hooks] rotate to a command that makes your add-on rotate the credentials of {resource_uuid} (e.g. `curl -fsS -X POST https://admin.example/rotate/{resource_uuid}`)",
        );
    };
    let platform = cx.platform();
    let res = cx.live_resource(Resource::Primary).await?;
    exchanged(cx, &res).await?;
    if cx.manifest().requires("attachable") {
        // Propagation to attached apps is part of the judgement; an attach failure is reported
        // by the attachment suite.
        let _ = crate::checks::sharing::attached(cx).await;
    }
    let made = cx
        .memo(None, async {
            let before_apps = views(cx, &res.uuid);
            let before = partner_config(cx, &res.uuid);
            let mark = platform.journal().all().len() as u64;
            // Owed from the hook's start: one deadline, however long the hook itself takes.
            let until = tokio::time::Instant::now() + rotation_timeout(cx);
            let interrupt = cx.interrupt();
            let vars = hook_vars(cx, &res);
            let env = BTreeMap::new();
            let ran = hooks::run(&template, &vars, &env, hook_timeout(cx), cx.redactor());
            // An interrupt ends the hook (its process group is killed on drop).
            let hook = tokio::select! {
                hook = ran => Some(hook),
                () = interrupt.triggered() => None,
            };
            let uuid = res.uuid.clone();
            let (hook, patch, interrupted) = match hook {
                None => (
                    HookRun {
                        command: template.clone(),
                        status: None,
                        timed_out: false,
                        error: Some("interrupted".to_owned()),
                        stdout: String::new(),
                        stderr: String::new(),
                        elapsed: std::time::Duration::ZERO,
                    },
                    None,
                    true,
                ),
                // A hook that failed here causes nothing worth waiting for.
                Some(hook) if hook.failed_here() => (hook, None, false),
                Some(hook) => {
                    let waited = cx
                        .wait_inbound(until, "the rotation's config update", |i| {
                            i.seq > mark
                                && matches!(
                                    i.kind,
                                    InboundKind::ConfigUpdate | InboundKind::AppInfoUpdate
                                )
                                && i.resource.as_deref() == Some(uuid.as_str())
                        })
                        .await;
                    match waited {
                        Ok(patch) => (hook, patch, false),
                        Err(_) => (hook, None, true),
                    }
                }
            };
            let after = partner_config(cx, &res.uuid);
            let apps = views(cx, &res.uuid)
                .into_iter()
                .map(|mut v| {
                    v.releases_before = before_apps
                        .iter()
                        .find(|b| b.app_id == v.app_id)
                        .map_or(0, |b| b.releases_before);
                    v
                })
                .collect();
            Rotation {
                hook,
                patch,
                before,
                after,
                apps,
                interrupted,
            }
        })
        .await?;
    if made.interrupted {
        return interrupted("the rotation hook and its config update");
    }
    if made.hook.failed_here() {
        return error(format!(
            "the rotate hook failed on the harness's side, so the rotation cannot be judged: {}",
            made.hook.summary()
        ));
    }
    Ok(made)
}

/// The partner-side names and values of a config, for a hook's environment.
pub fn as_env(config: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    config
        .iter()
        .filter(|(k, _)| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
