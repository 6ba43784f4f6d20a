//! `exec`: provisions one resource, runs a command with the app-side config vars in its
//! environment (renamed per attachment, the way the add-on's customers receive them), reports
//! the command's exit status, and deprovisions (unless `--keep`). The command also gets
//! ADDON_RESOURCE_UUID and ADDON_PROVIDER_ID. A command that does not exist exits 127, as in a
//! shell, before anything is provisioned. Notes go to stderr, so the command's own output stays
//! clean (`exec -- env`).

use std::path::{Path, PathBuf};

use crate::config::Settings;
use crate::error::{HarnessError, exit};
use crate::partner::Credentials;
use crate::runner::RunCtx;

use super::args::ExecArgs;
use crate::record::InboundKind;

/// The exit status of a shell for a command it cannot find.
pub const COMMAND_NOT_FOUND: u8 = 127;

fn note(line: &str) {
    super::note(&format!("exec: {line}"));
}

pub async fn exec(args: ExecArgs) -> Result<u8, HarnessError> {
    let Some((program, rest)) = args.command.split_first() else {
        return Err(HarnessError::usage(
            "exec needs a command",
            "put it after `--`, e.g. `addon-conformance exec --manifest m.json -- env`",
        ));
    };
    let inputs = super::inputs::load(
        args.target.manifest.as_deref(),
        args.target.config.as_deref(),
    )?;
    let overrides = args.target.overrides(None, &inputs.env)?;
    let (manifest, source) = (inputs.manifest, inputs.config_source);
    let settings = Settings::resolve(&manifest, inputs.config, &overrides, &source)?;
    manifest.check_can_authenticate()?;
    if settings.base_url.is_none() {
        return Err(HarnessError::input(
            &manifest.source,
            "api.production.base_url",
            "missing, and no override given",
            "set it in the manifest, or pass --base-url",
        ));
    }
    let Some(plan) = settings.default_plan().map(str::to_owned) else {
        return Err(HarnessError::input(
            &source,
            "plans.default",
            "missing: the harness does not guess plan names",
            "pass --plan or set [plans] default in the config",
        ));
    };
    if find_program(program).is_none() {
        note(&format!(
            "`{program}`: command not found (nothing was provisioned); give a program on the PATH or a path to one after `--`"
        ));
        return Ok(COMMAND_NOT_FOUND);
    }
    // From here on SIGINT and SIGTERM must not end the harness before the deprovision: the
    // command gets the signal (same process group) and ends; then the resource is removed.
    // Interrupted before the command starts, the command is not started.
    let ledger_path = args
        .ledger
        .clone()
        .unwrap_or_else(super::cleanup::default_ledger);
    let interrupt = crate::runner::Interrupt::new();
    let watcher = super::signals::Signals::install().map(|mut signals| {
        let (interrupt, ledger) = (interrupt.clone(), ledger_path.clone());
        tokio::spawn(async move {
            let mut seen = 0;
            while signals.next().await {
                seen += 1;
                if seen > 1 {
                    super::note(&super::signals::abort_text(Some(&ledger)));
                    std::process::exit(i32::from(exit::INTERRUPTED));
                }
                note("interrupted: the command (if running) ends, then the resource is deprovisioned; send the signal again to abort at once");
                interrupt.trigger();
            }
        })
    });
    let callback = settings.timeouts.callback;
    let ledger = std::sync::Arc::new(crate::runner::open_ledger(
        &ledger_path,
        &manifest,
        &settings,
    )?);
    let ctx = RunCtx::start_with_target(manifest.clone(), settings, ledger).await?;
    for line in ctx.target.iter().flat_map(|t| t.notes()) {
        note(line);
    }
    let platform = ctx.platform.clone();
    let provision = ctx
        .on_run_app(&plan, args.as_name.as_deref())
        .map_err(|e| {
            let name = args.as_name.as_deref().unwrap_or_default();
            HarnessError::usage(format!("--as {name}: {e}"), "choose another name")
        })?;
    let uuid = provision.uuid.clone();
    let reply = provision.send("exec provision").await;
    let result = if !reply.is_success() {
        // The partner's failure, not bad input.
        note(&format!(
            "the partner refused the provision: {}; `addon-conformance run --suite provision` shows why",
            reply.exchange.summary()
        ));
        Ok(exit::PARTNER_FAILED)
    } else {
        if reply.status == Some(202) && !interrupt.is_triggered() {
            note(&format!(
                "the partner provisions asynchronously; waiting up to {} for its actions/provision call",
                crate::config::format_duration(callback)
            ));
            let done = platform.journal().wait_for(callback, |i| {
                i.kind == InboundKind::ProvisionAction
                    && i.resource.as_deref() == Some(uuid.as_str())
            });
            tokio::select! {
                done = done => if done.is_err() {
                    note(
                        "no provision action arrived within timeouts.callback; the config may be incomplete",
                    );
                },
                () = interrupt.triggered() => {}
            }
        }
        if interrupt.is_triggered() {
            note("interrupted before the command started: not starting it");
            Ok(exit::INTERRUPTED)
        } else {
            let provider_id = match reply.json.as_ref().ok().and_then(|j| j.get("id")) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            // A name conflict is bad input, but the resource exists: it is still removed below.
            match attach_again(&platform, &ctx, &uuid, &args.attach_again) {
                Ok(()) => run_command(&platform, &ctx, (&uuid, &provider_id), program, rest).await,
                Err(e) => Err(e),
            }
        }
    };
    let removed = remove(&ctx, &uuid, args.keep && reply.is_success(), &interrupt).await;
    drop(platform);
    ctx.stop().await;
    if let Some(w) = watcher {
        w.abort();
    }
    // A resource left behind makes the run fail, whatever the command did.
    match result {
        // Interrupted is never success, whatever the command made of the signal.
        Ok(_) if interrupt.is_triggered() => Ok(exit::INTERRUPTED),
        Ok(0) if !removed => Ok(exit::PARTNER_FAILED),
        other => other,
    }
}

/// Deprovisions the resource (unless `keep`) and proves it gone through the ledger: a 202
/// (asynchronous deprovisioning) counts once its deprovision action arrives. Anything left is
/// named with its curl and the ledger that `cleanup` reads; with nothing left the ledger goes.
/// True when nothing remains or the resource was kept on purpose.
async fn remove(
    ctx: &RunCtx,
    uuid: &str,
    keep: bool,
    interrupt: &crate::runner::Interrupt,
) -> bool {
    let ledger_line = |path: Option<PathBuf>| {
        path.map(|p| {
            let p = p.display();
            format!("; or later: `addon-conformance cleanup --ledger {p}`")
        })
        .unwrap_or_default()
    };
    let curl = || {
        ctx.ledger
            .entry(uuid)
            .unwrap_or_else(|| crate::record::ledger::Entry::new(uuid, "exec provision", true))
            .removal_curl()
    };
    if keep {
        note(&format!(
            "--keep: resource {uuid} stays provisioned (`addon-conformance sso --resource {uuid}` opens it); remove it with: {}{}",
            curl(),
            ledger_line(ctx.ledger.path())
        ));
        return true;
    }
    let removal = ctx
        .deprovision(uuid, Credentials::Manifest, "exec deprovision")
        .await;
    if removal.status == Some(202) {
        note(
            "the partner accepted the removal for later (202); waiting for its deprovision action",
        );
        // An interrupt leaves the wait a short grace, as the run's cleanup does.
        let cut = async {
            interrupt.triggered().await;
            tokio::time::sleep(crate::runner::cleanup::INTERRUPTED_BUDGET).await;
        };
        ctx.removal_until(uuid, cut).await;
    }
    let outstanding = ctx.ledger.outstanding().iter().any(|e| e.uuid == uuid);
    if outstanding {
        note(&format!(
            "the deprovision was not proven ({}); remove resource {uuid} yourself: {}{}",
            removal.exchange.summary(),
            curl(),
            ledger_line(ctx.ledger.path())
        ));
    } else {
        crate::runner::discard_ledger(&ctx.ledger);
    }
    !outstanding
}

/// `--attach-again`: further attachments of the resource to its own app, each with a release.
fn attach_again(
    platform: &crate::platform::Platform,
    ctx: &RunCtx,
    uuid: &str,
    names: &[String],
) -> Result<(), HarnessError> {
    for name in names {
        platform.attach(uuid, &ctx.app, Some(name)).map_err(|e| {
            HarnessError::usage(
                format!("--attach-again {name}: {e}"),
                "choose a name the app does not use yet",
            )
        })?;
    }
    Ok(())
}

async fn run_command(
    platform: &crate::platform::Platform,
    ctx: &RunCtx,
    (uuid, provider_id): (&str, &str),
    program: &str,
    rest: &[String],
) -> Result<u8, HarnessError> {
    let mut env = platform.app_config(&ctx.app.id);
    let attachment = platform.with_model(|m| {
        m.attachments_of(uuid)
            .first()
            .map(|a| a.name.clone())
            .unwrap_or_default()
    });
    note(&format!(
        "resource {uuid} on app {} attached as {attachment}; running `{program}` with {}",
        ctx.app.name,
        if env.is_empty() {
            "no config vars".to_owned()
        } else {
            env.keys().cloned().collect::<Vec<_>>().join(", ")
        }
    ));
    env.insert("ADDON_RESOURCE_UUID".into(), uuid.to_owned());
    env.insert("ADDON_PROVIDER_ID".into(), provider_id.to_owned());
    let mut command = tokio::process::Command::new(program);
    for name in crate::hooks::HARNESS_SECRET_ENV {
        command.env_remove(name);
    }
    let status = match command.args(rest).envs(&env).status().await {
        Ok(status) => status,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            note(&format!("`{program}`: command not found"));
            return Ok(COMMAND_NOT_FOUND);
        }
        Err(e) => {
            return Err(HarnessError::usage(
                format!("cannot run `{program}`: {e}"),
                "give a program on the PATH or a path to one after `--`",
            ));
        }
    };
    match status.code() {
        Some(code) => {
            note(&format!("`{program}` exited with status {code}"));
            Ok(u8::try_from(code).unwrap_or(exit::HARNESS))
        }
        None => {
            use std::os::unix::process::ExitStatusExt;
            note(&format!("`{program}` was ended by a signal"));
            Ok(status
                .signal()
                .and_then(|s| u8::try_from(128 + s).ok())
                .unwrap_or(exit::HARNESS))
        }
    }
}

/// Where `program` would be found, as a shell finds it: a path as given, a bare name on PATH.
fn find_program(program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        let p = PathBuf::from(program);
        return runnable(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| runnable(p))
}
