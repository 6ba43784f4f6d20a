//! `cleanup`: removes what a previous run left behind, from its ledger file. Idempotent: what is
//! proven removed is written back to the ledger, so a second cleanup sends nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::CleanupArgs;
use super::{inputs, note, say};
use crate::config::Settings;
use crate::error::{HarnessError, exit};
use crate::partner::PartnerClient;
use crate::record::RunClock;
use crate::record::journal::Journal;
use crate::record::ledger::{Entry, EntryState, Ledger};
use crate::redact::Redactor;
use crate::runner::cleanup;

use crate::runner::LEDGER_DIR;

/// A fresh ledger path for a run: `.addon-conformance/ledger-<run>.jsonl`.
pub fn default_ledger() -> PathBuf {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let short = uuid::Uuid::new_v4().simple().to_string();
    Path::new(LEDGER_DIR).join(format!("ledger-{secs}-{}.jsonl", &short[..8]))
}

pub(super) async fn cleanup(args: CleanupArgs) -> Result<u8, HarnessError> {
    let inputs = inputs::load(
        args.target.manifest.as_deref(),
        args.target.config.as_deref(),
    )?;
    inputs.manifest.check_can_authenticate()?;
    let overrides = args.target.overrides(None, &inputs.env)?;
    let settings = Settings::resolve(
        &inputs.manifest,
        inputs.config,
        &overrides,
        &inputs.config_source,
    )?;
    let explicit = args.ledger.is_some();
    let files = match args.ledger {
        Some(path) => vec![path],
        None => ledgers_in(Path::new(LEDGER_DIR))?,
    };
    if files.is_empty() {
        say(&format!(
            "no ledger in {LEDGER_DIR}/: nothing to clean up (pass --ledger FILE for another one)"
        ));
        return Ok(exit::PASS);
    }
    let mut code = exit::PASS;
    for path in files {
        if !path.is_file() {
            say(&format!(
                "{}: no such ledger; nothing to clean up",
                path.display()
            ));
            continue;
        }
        let left = one(
            &path,
            &inputs.manifest,
            &settings,
            overrides.base_url.is_some(),
        )
        .await?;
        if !left.is_empty() {
            code = exit::PARTNER_FAILED;
        } else if !explicit {
            // Everything in it is proven gone; a default ledger has done its job.
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_dir(LEDGER_DIR);
        }
    }
    Ok(code)
}

/// Cleans up after one ledger; returns what may remain.
async fn one(
    path: &Path,
    manifest: &crate::manifest::Manifest,
    settings: &Settings,
    base_url_overridden: bool,
) -> Result<Vec<Entry>, HarnessError> {
    let io = |source| HarnessError::Io {
        action: "read the ledger",
        path: path.to_path_buf(),
        source,
    };
    let (ledger, run) = Ledger::resume(path).map_err(io)?;
    let ledger = Arc::new(ledger);
    let outstanding = ledger.outstanding();
    if outstanding.is_empty() {
        say(&format!(
            "{}: nothing outstanding (run {})",
            path.display(),
            run.run
        ));
        return Ok(outstanding);
    }
    // The resources live where the run sent them, unless told otherwise.
    let base_url = match (
        &settings.base_url,
        base_url_overridden || run.base_url.is_empty(),
    ) {
        (Some(url), true) => url.to_string(),
        _ => run.base_url.clone(),
    };
    let client = client(manifest, settings, &base_url, ledger.clone())?;
    say(&format!(
        "{}: {} resources of run {} may still exist at {base_url}; deprovisioning",
        path.display(),
        outstanding.len(),
        run.run
    ));
    let left = cleanup::run(&client, &ledger, cleanup::RUN_BUDGET).await;
    for e in &outstanding {
        if ledger
            .entry(&e.uuid)
            .is_some_and(|x| x.state == EntryState::Removed)
        {
            say(&format!("  removed {} ({})", e.uuid, e.label));
        }
    }
    if left.is_empty() {
        say("nothing left behind");
    } else {
        say(&format!("{} could not be removed:", left.len()));
        for e in &left {
            say(&format!("  {}", e.leftover_line()));
        }
        note(&format!(
            "run `addon-conformance cleanup --ledger {}` again once your add-on answers",
            path.display()
        ));
    }
    Ok(left)
}

fn client(
    manifest: &crate::manifest::Manifest,
    settings: &Settings,
    base_url: &str,
    ledger: Arc<Ledger>,
) -> Result<PartnerClient, HarnessError> {
    PartnerClient::new(
        settings.client_settings(manifest, Some(base_url.to_owned())),
        Arc::new(Redactor::new()),
        Arc::new(Journal::on(RunClock::start())),
        ledger,
    )
}

/// The ledger files in `dir`, oldest first; none when the directory does not exist.
fn ledgers_in(dir: &Path) -> Result<Vec<PathBuf>, HarnessError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(HarnessError::Io {
                action: "read",
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ledger-") && n.ends_with(".jsonl"))
        })
        .collect();
    files.sort();
    Ok(files)
}
