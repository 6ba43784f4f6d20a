//! The cleanup ledger: every resource a run asks the partner to create is written down before the
//! request goes out, and removed again at the end of the run.

use std::sync::Mutex;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Requested; the answer is unknown or not yet seen.
    Requested,
    /// The partner answered 2xx: the resource exists.
    Live,
    /// The partner refused (4xx other than timeouts): nothing was created.
    Refused,
    /// The partner answered a DELETE with 202 (asynchronous deprovisioning): gone only once its
    /// deprovision action arrived.
    RemovalRequested,
    /// Deprovisioned (2xx other than 202, 404 or 410 to a DELETE, or the deprovision action).
    Removed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub uuid: String,
    pub label: String,
    pub state: EntryState,
    /// True when sent with the manifest credentials (Heroku bills from the request).
    pub billable: bool,
}

impl Entry {
    /// A curl command that removes this resource by hand; secrets stay placeholders.
    pub fn removal_curl(&self) -> String {
        format!(
            "curl -sS -X DELETE -u \"$ADDON_ID:$ADDON_PASSWORD\" \"$ADDON_BASE_URL/{}\"",
            self.uuid
        )
    }

    /// `uuid (label): curl …`, one line per leftover in every report.
    pub fn leftover_line(&self) -> String {
        format!("{} ({}): {}", self.uuid, self.label, self.removal_curl())
    }
}

#[derive(Debug, Default)]
pub struct Ledger {
    entries: Mutex<Vec<Entry>>,
}

impl Ledger {
    pub fn record(&self, uuid: &str, label: &str, billable: bool) {
        if let Ok(mut e) = self.entries.lock()
            && !e.iter().any(|x| x.uuid == uuid)
        {
            e.push(Entry {
                uuid: uuid.to_owned(),
                label: label.to_owned(),
                state: EntryState::Requested,
                billable,
            });
        }
    }

    pub fn set(&self, uuid: &str, state: EntryState) {
        if let Ok(mut e) = self.entries.lock()
            && let Some(x) = e.iter_mut().find(|x| x.uuid == uuid)
        {
            // A later refusal (e.g. a repeated delivery answered 4xx) does not undo a success,
            // and an asynchronous removal ends only with its action (`complete_removal`).
            let keep = matches!(
                (x.state, state),
                (EntryState::Live, EntryState::Refused)
                    | (EntryState::RemovalRequested, EntryState::Removed)
            );
            if !keep {
                x.state = state;
            }
        }
    }

    /// The deprovision action of an asynchronous removal arrived: the resource is gone.
    pub fn complete_removal(&self, uuid: &str) {
        if let Ok(mut e) = self.entries.lock()
            && let Some(x) = e.iter_mut().find(|x| x.uuid == uuid)
        {
            x.state = EntryState::Removed;
        }
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// Entries that may still exist on the partner's side.
    pub fn outstanding(&self) -> Vec<Entry> {
        self.entries()
            .into_iter()
            .filter(|e| {
                matches!(
                    e.state,
                    EntryState::Requested | EntryState::Live | EntryState::RemovalRequested
                )
            })
            .collect()
    }

    /// Provisions sent with the real credentials that the partner did not refuse: a refused
    /// provision (4xx) creates no resource, so nobody is billed for it.
    pub fn billable_count(&self) -> usize {
        self.entries()
            .iter()
            .filter(|e| e.billable && e.state != EntryState::Refused)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_asynchronous_removal_ends_only_with_its_action() {
        let l = Ledger::default();
        l.record("r", "provision", true);
        l.set("r", EntryState::Live);
        l.set("r", EntryState::RemovalRequested);
        // A repeated DELETE answered 410 is no proof: the action is.
        l.set("r", EntryState::Removed);
        assert_eq!(l.outstanding().len(), 1);
        l.complete_removal("r");
        assert!(l.outstanding().is_empty());
        assert_eq!(l.billable_count(), 1);
    }
}
