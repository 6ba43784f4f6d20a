//! SIGINT and SIGTERM: the first stops the run after the current check and lets cleanup run; a
//! second one aborts at once.

use crate::error::exit;
use crate::runner::Interrupt;

/// Watches for signals for the rest of the process and drives `interrupt`.
pub fn watch(interrupt: Interrupt) {
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
                    "\ninterrupted: finishing the current check, then deprovisioning what the run \
                     created; send the signal again to abort at once (cleanup is then skipped)",
                );
                interrupt.trigger();
            } else {
                super::note(
                    "\naborted: cleanup skipped; resources this run provisioned may still exist",
                );
                std::process::exit(i32::from(exit::INTERRUPTED));
            }
        }
    });
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
