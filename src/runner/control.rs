//! How a run can be stopped early: an injectable interrupt (signals in the binary, a test's
//! trigger) and the `--fail-fast` / `--strict` switches.

use std::sync::Arc;

use tokio::sync::watch;

/// A one-way switch shared by whoever may stop the run (a signal handler, a test) and the runner.
/// The runner looks at it between checks: the check in progress finishes, so no request to the
/// partner is abandoned half-way and the ledger knows what exists; then cleanup runs.
#[derive(Debug, Clone)]
pub struct Interrupt {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for Interrupt {
    fn default() -> Self {
        Self::new()
    }
}

impl Interrupt {
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::channel(false).0),
        }
    }

    /// Asks the run to stop after the current check.
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    pub fn is_triggered(&self) -> bool {
        *self.tx.borrow()
    }

    /// The interrupt as checks see it (`check::Cancel`): their waits end when it triggers.
    pub fn cancel(&self) -> crate::check::Cancel {
        crate::check::Cancel::of(self.tx.subscribe())
    }

    /// Resolves once the interrupt has been triggered.
    pub async fn triggered(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|set| *set).await;
    }
}

/// Run-wide switches besides the selection.
#[derive(Debug, Clone, Default)]
pub struct RunControls {
    pub interrupt: Interrupt,
    /// Stop after the first failing check (a warning counts under `strict`).
    pub fail_fast: bool,
    /// SHOULD violations (warnings) fail the run.
    pub strict: bool,
    /// Where the run keeps its ledger on disk (`run` always gives one; tests and `demo` keep it in
    /// memory).
    pub ledger_file: Option<std::path::PathBuf>,
    /// Suites run at once (`--jobs`); None: `[run] jobs`, else the default.
    pub jobs: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn trigger_is_seen_by_clones_and_waiters() {
        let a = Interrupt::new();
        let b = a.clone();
        assert!(!b.is_triggered());
        let waiter = tokio::spawn({
            let b = b.clone();
            async move { b.triggered().await }
        });
        a.trigger();
        waiter.await.unwrap();
        assert!(b.is_triggered());
        // Waiting after the fact returns at once.
        b.triggered().await;
    }
}
