//! SIGINT and SIGTERM: the first cuts the current check short, lets cleanup run within its own
//! budget and the reports be written (exit 130); a second one aborts at once, printing what the
//! ledger says may still exist, with the curl lines that remove it.

use std::path::PathBuf;

use crate::error::exit;
use crate::runner::Interrupt;

/// Watches for signals for the rest of the process and drives `interrupt`; `ledger` is the run's
/// ledger file, read on the second signal.
pub fn watch(interrupt: Interrupt, ledger: Option<PathBuf>) {
    // Installed before returning, so a signal right after the run starts is never missed.
    let Some(mut signals) = Signals::install() else {
        return;
    };
    tokio::spawn(async move {
        let mut seen = 0;
        while signals.next().await {
            seen += 1;
            if seen == 1 {
                super::note(
                    "\ninterrupted: stopping the current check, then deprovisioning what the run \
                     created (a few seconds at most); send the signal again to abort at once",
                );
                interrupt.trigger();
            } else {
                super::note(&abort_text(ledger.as_deref()));
                std::process::exit(i32::from(exit::INTERRUPTED));
            }
        }
    });
}

/// What the abort says: the resources that may remain, from the ledger file.
pub(super) fn abort_text(ledger: Option<&std::path::Path>) -> String {
    let Some(path) = ledger else {
        return "\naborted: cleanup skipped; resources this run provisioned may still exist".into();
    };
    let left: Vec<_> = match crate::record::ledger::read_file(path) {
        Ok((_, entries)) => entries
            .into_iter()
            .filter(|e| e.state.may_exist())
            .collect(),
        Err(_) => Vec::new(),
    };
    if left.is_empty() {
        return format!(
            "\naborted: cleanup skipped; the ledger ({}) lists nothing that may still exist",
            path.display()
        );
    }
    let mut text = format!(
        "\naborted: cleanup skipped; {} resources may still exist. Remove them with \
         `addon-conformance cleanup --ledger {}`, or one by one:",
        left.len(),
        path.display()
    );
    for e in &left {
        text.push_str(&format!("\n  {}", e.leftover_line()));
    }
    text
}

/// SIGINT and SIGTERM as one stream, registered once so no signal falls between two waits.
#[cfg(unix)]
pub(super) struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    pub(super) fn install() -> Option<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Some(Self {
            int: signal(SignalKind::interrupt()).ok()?,
            term: signal(SignalKind::terminate()).ok()?,
        })
    }

    /// Waits for the next signal; false when the streams end.
    pub(super) async fn next(&mut self) -> bool {
        tokio::select! {
            s = self.int.recv() => s.is_some(),
            s = self.term.recv() => s.is_some(),
        }
    }
}

#[cfg(not(unix))]
pub(super) struct Signals;

#[cfg(not(unix))]
impl Signals {
    pub(super) fn install() -> Option<Self> {
        Some(Self)
    }

    pub(super) async fn next(&mut self) -> bool {
        tokio::signal::ctrl_c().await.is_ok()
    }
}
