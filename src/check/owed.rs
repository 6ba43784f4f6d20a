//! What the partner owes: callbacks with one absolute deadline each, fixed when the obligation
//! starts (the grant's `expires_at` when its provision is sent, the 202's time plus the
//! provision budget, a rotation hook's start plus its budget, a 202 to a DELETE plus the
//! deprovision action's budget). Every check that depends on the event waits until the same
//! instant, so a deadline is paid at most once per run; once it has passed, a waiter looks at
//! what arrived and returns at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

/// A callback the partner owes for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwedKind {
    /// `POST /oauth/token` with the grant code (until the grant expires, plus a little grace).
    GrantExchange,
    /// `POST /addons/{uuid}/actions/provision` after a 202 answer.
    ProvisionAction,
    /// A refresh of the token issued by the exchange.
    Refresh,
    /// The config PATCH a rotation hook causes.
    RotationPatch,
    /// `POST /addons/{uuid}/actions/deprovision` after a 202 answer to a DELETE (from the 202
    /// plus `timeouts.deprovision_action`).
    DeprovisionAction,
}

/// How long after the grant's `expires_at` an exchange is still awaited: a late exchange must
/// arrive to be judged late (PROV-08), not missing.
pub const GRANT_GRACE: Duration = Duration::from_secs(1);

/// Deadlines by resource and kind. The first registration wins: an obligation has one deadline.
#[derive(Debug, Default)]
pub struct Owed {
    deadlines: Mutex<HashMap<(String, OwedKind), Instant>>,
}

impl Owed {
    /// Registers the obligation unless it already has a deadline; returns the deadline in force.
    pub fn owe(&self, uuid: &str, kind: OwedKind, deadline: Instant) -> Instant {
        let mut map = match self.deadlines.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        *map.entry((uuid.to_owned(), kind)).or_insert(deadline)
    }

    /// The deadline of an obligation, if it started.
    pub fn deadline(&self, uuid: &str, kind: OwedKind) -> Option<Instant> {
        self.deadlines
            .lock()
            .ok()
            .and_then(|m| m.get(&(uuid.to_owned(), kind)).copied())
    }
}

/// The run's interrupt as checks see it: every wait ends when it triggers.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Option<tokio::sync::watch::Receiver<bool>>);

impl Cancel {
    /// Triggered once the channel holds `true` (the runner hands out its interrupt's).
    pub fn of(rx: tokio::sync::watch::Receiver<bool>) -> Self {
        Self(Some(rx))
    }

    /// Resolves once the run is interrupted (never, for a context without an interrupt).
    pub async fn triggered(&self) {
        match &self.0 {
            Some(rx) => {
                let mut rx = rx.clone();
                if rx.wait_for(|set| *set).await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending().await,
        }
    }
}

/// The instant a wall-clock time falls on (the grant's `expires_at` is wall-clock).
pub fn instant_of(at: SystemTime) -> Instant {
    let now_wall = SystemTime::now();
    let now = Instant::now();
    match at.duration_since(now_wall) {
        Ok(ahead) => now + ahead,
        Err(past) => now.checked_sub(past.duration()).unwrap_or(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_deadline_stays() {
        let owed = Owed::default();
        let first = Instant::now() + Duration::from_secs(5);
        assert_eq!(owed.owe("u", OwedKind::GrantExchange, first), first);
        let later = first + Duration::from_secs(60);
        assert_eq!(owed.owe("u", OwedKind::GrantExchange, later), first);
        assert_eq!(owed.deadline("u", OwedKind::GrantExchange), Some(first));
        assert_eq!(owed.deadline("u", OwedKind::ProvisionAction), None);
    }

    #[test]
    fn wall_clock_times_map_to_instants() {
        // Bounds taken around the call: the mapping is checked, not the speed of the test.
        let before = Instant::now();
        let ahead = instant_of(SystemTime::now() + Duration::from_secs(10));
        let after = Instant::now();
        let ten = Duration::from_secs(10);
        assert!(
            ahead + Duration::from_secs(1) >= before + ten
                && ahead <= after + ten + Duration::from_millis(1),
            "{ahead:?} not 10 s after {before:?}..{after:?}"
        );
    }
}
