//! ROTATE-05: a rotation sets new values under names Heroku can rename per attachment: the
//! PATCH changes at least one value, and every changed name carries the manifest's prefix.

use crate::check::{CheckCtx, Verdict, blocked, pass_with};
use crate::platform::state::rename;
use crate::record::outcome::Finding;

crate::check!(
    "ROTATE-05",
    Must,
    "a rotation sets new values under prefixed names",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let r = super::rotation(cx).await?;
    let Some(patch) = r.patch.as_ref().filter(|p| p.ok()) else {
        return blocked("no accepted config update (see ROTATE-04)");
    };
    let prefix = cx.manifest().prefix();
    match judge(&r, &prefix) {
        None => pass_with(format!(
            "{} app(s): {}",
            r.apps.len(),
            r.apps
                .iter()
                .map(|a| format!("{} as {}", a.app_name, a.attachment))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Some(f) => f.inbound(std::slice::from_ref(patch)).into(),
    }
}

/// Judges what the partner did: its PATCH changed at least one value, and every name it changed
/// carries the manifest's prefix, so Heroku can rename it per attachment. That every app then
/// gets a release and the new values is the platform's part (tested in `platform`).
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
    if let Some(stray) = changed
        .iter()
        .find(|var| rename(var, prefix, "ATTACHMENT").is_none())
    {
        return Some(
            Finding::new(
                format!("changed names carry the prefix {prefix}_, so each attached app gets its own name"),
                format!("{stray} changed"),
            )
            .at(format!("platform: PATCH config /config {stray}"))
            .hint("PATCH the manifest's names (MYADDON_URL); Heroku renames them per attachment"),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::super::Rotation;
    use crate::hooks::HookRun;

    fn rotation(after: &[(&str, &str)]) -> Rotation {
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
            after: after
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            apps: Vec::new(),
            interrupted: false,
        }
    }

    #[test]
    fn judges_only_what_the_partner_patched() {
        assert!(super::judge(&rotation(&[("FOO_URL", "new")]), "FOO").is_none());
        assert!(super::judge(&rotation(&[("FOO_URL", "old")]), "FOO").is_some());
        let stray = super::judge(&rotation(&[("FOO_URL", "new"), ("OTHER", "x")]), "FOO")
            .expect("a changed name without the prefix fails");
        assert!(format!("{stray:?}").contains("OTHER"), "{stray:?}");
        assert!(super::judge(&rotation(&[("FOO", "new")]), "FOO").is_some());
    }
}
