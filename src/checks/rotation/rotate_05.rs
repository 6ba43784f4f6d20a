//! ROTATE-05: a rotation reaches every app: the values change, and the owning app and every
//! attached app get a release and see the new values under their own attachment name.

use crate::outcome::{Finding, Verdict};
use crate::platform::state::rename;
use crate::runner::CheckCtx;

crate::check!(
    "ROTATE-05",
    "ROTATE-05",
    Must,
    "a rotation changes the values on every attached app",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let r = match super::rotation(cx).await {
        Ok(r) => r,
        Err(v) => return v,
    };
    if r.patch.as_ref().is_none_or(|p| !p.ok()) {
        return Verdict::Blocked("no accepted config update (see ROTATE-04)".into());
    }
    let prefix = cx.manifest.prefix();
    match judge(&r, &prefix) {
        None => Verdict::pass_with(format!(
            "{} app(s): {}",
            r.apps.len(),
            r.apps
                .iter()
                .map(|a| format!("{} as {}", a.app_name, a.attachment))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Some(f) => f
            .inbound(std::slice::from_ref(
                r.patch.as_ref().expect("checked above"),
            ))
            .into(),
    }
}

pub fn judge(r: &super::Rotation, prefix: &str) -> Option<Finding> {
    let changed: Vec<&String> = r
        .after
        .iter()
        .filter(|(k, v)| r.before.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    if changed.is_empty() {
        return Some(
            Finding::new(
                "new values for the rotated credentials",
                "the config update set the values it already had",
            )
            .at("platform: PATCH config /config")
            .hint("a rotation issues new credentials and PATCHes them; the old ones stay valid for a grace window"),
        );
    }
    for app in &r.apps {
        if app.releases_after <= app.releases_before {
            return Some(
                Finding::new(
                    format!("a new release on app {}", app.app_name),
                    "no release",
                )
                .at(format!("platform: app {}", app.app_name)),
            );
        }
        for var in &changed {
            let Some(app_var) = rename(var, prefix, &app.attachment) else {
                continue;
            };
            if app.config_after.get(&app_var) != r.after.get(*var) {
                return Some(
                    Finding::new(
                        format!("{app_var} on app {} carries the new value", app.app_name),
                        "it does not",
                    )
                    .at(format!("platform: app {} config {app_var}", app.app_name)),
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::super::{AppView, Rotation};
    use crate::hooks::HookRun;

    fn rotation(after: &str, released: bool, app_value: &str) -> Rotation {
        Rotation {
            hook: HookRun {
                command: "x".into(),
                status: Some(0),
                timed_out: false,
                error: None,
                stdout: String::new(),
                stderr: String::new(),
                elapsed: Duration::ZERO,
            },
            patch: None,
            before: BTreeMap::from([("FOO_URL".into(), "old".into())]),
            after: BTreeMap::from([("FOO_URL".into(), after.into())]),
            apps: vec![AppView {
                app_id: "a2".into(),
                app_name: "other".into(),
                attachment: "BALLOON".into(),
                releases_before: 1,
                releases_after: if released { 2 } else { 1 },
                config_after: BTreeMap::from([("BALLOON_URL".into(), app_value.into())]),
            }],
        }
    }

    #[test]
    fn judges_values_releases_and_renamed_vars() {
        assert!(super::judge(&rotation("new", true, "new"), "FOO").is_none());
        assert!(super::judge(&rotation("old", true, "old"), "FOO").is_some());
        assert!(super::judge(&rotation("new", false, "new"), "FOO").is_some());
        assert!(super::judge(&rotation("new", true, "old"), "FOO").is_some());
    }
}
