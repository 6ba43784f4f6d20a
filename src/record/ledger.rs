//! The cleanup ledger: every resource a run asks the partner to create is written down before the
//! request goes out, with what became of it, and removed again at the end of the run. A ledger may
//! be kept on disk (`file.rs`): then a kill loses nothing but time, and `addon-conformance cleanup`
//! finishes the job from the file.

mod file;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

pub use file::{LedgerFile, RunInfo, read as read_file};

/// What is known about one resource the run asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Written down; the request is about to go out or is in flight. It may exist.
    Planned,
    /// The request never reached the partner (connection refused, DNS, TLS before any byte was
    /// written): nothing exists, nothing is billed.
    NeverReached,
    /// The partner answered 2xx (or 202): the resource exists.
    Answered,
    /// The partner answered with a definite refusal (4xx, 5xx): nothing was created.
    Refused,
    /// Sent, with no definite answer (timeout, reset after sending, a gateway's 502/504): it may
    /// exist.
    Unknown,
    /// The partner accepted the removal for later (202 to an asynchronous deprovision) and has not
    /// yet confirmed it: it may still exist.
    RemovalRequested,
    /// Removal proven: a 2xx or a 410 to the deprovision, or a 404 for a resource the partner
    /// never accepted or that the run already asked it to remove.
    Removed,
}

impl EntryState {
    /// True when the resource may exist at the partner.
    pub fn may_exist(self) -> bool {
        matches!(
            self,
            EntryState::Planned
                | EntryState::Answered
                | EntryState::Unknown
                | EntryState::RemovalRequested
        )
    }

    /// True when the partner accepted or may have accepted the provision (a 404 for it is then not
    /// proof of its removal).
    fn may_have_been_created(self) -> bool {
        matches!(
            self,
            EntryState::Planned | EntryState::Answered | EntryState::Unknown
        )
    }
}

/// How a provision request fared on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvisionResult<'a> {
    /// Never reached the partner.
    NotSent,
    /// Sent; no definite answer.
    NoAnswer,
    /// Answered with this status, and the `id` the answer carried.
    Status(u16, Option<&'a str>),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub uuid: String,
    pub label: String,
    pub state: EntryState,
    /// True when sent with the manifest credentials (Heroku bills from the request).
    pub billable: bool,
    /// True once the resource existed or may have existed with real credentials: the billable
    /// upper bound.
    #[serde(default)]
    pub billed: bool,
    /// The id the partner returned for it, when it returned one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// Why the resource may still exist, once a removal was tried and not proven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// A removal reached the partner and may have taken effect (a 5xx, no answer): a later 404
    /// then proves it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removal_tried: bool,
    /// The partner keeps copies behind this uuid (a 2xx to a removal was followed by another
    /// 2xx): only a 404/410 proves the last one gone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub copies: bool,
    /// Provisions of this uuid the partner answered 2xx: at most this many copies can exist.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub deliveries: u32,
    /// Removals of it the partner answered 2xx.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub removals: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Entry {
    pub fn new(uuid: &str, label: &str, billable: bool) -> Self {
        Self {
            uuid: uuid.to_owned(),
            label: label.to_owned(),
            state: EntryState::Planned,
            billable,
            billed: false,
            provider_id: None,
            why: None,
            removal_tried: false,
            copies: false,
            deliveries: 0,
            removals: 0,
        }
    }

    /// The provider id, when it is another path than the uuid.
    pub fn other_id(&self) -> Option<&str> {
        self.provider_id
            .as_deref()
            .filter(|id| *id != self.uuid && !id.is_empty())
    }

    /// A curl command that removes this resource by hand; secrets stay placeholders.
    pub fn removal_curl(&self) -> String {
        curl(&self.uuid)
    }

    /// `uuid (label): curl …` (and the provider-id form, and why), one line per leftover in every
    /// report.
    pub fn leftover_line(&self) -> String {
        let mut line = format!("{} ({}): {}", self.uuid, self.label, self.removal_curl());
        if let Some(id) = self.other_id() {
            line.push_str(&format!(" or by its provider id: {}", curl(id)));
        }
        if let Some(why) = &self.why {
            line.push_str(&format!(" ({why})"));
        }
        line
    }

    fn provision(&mut self, result: ProvisionResult<'_>) {
        use EntryState as S;
        let fresh = matches!(self.state, S::Planned | S::NeverReached);
        match result {
            ProvisionResult::NotSent => {
                if self.state == S::Planned {
                    self.state = S::NeverReached;
                }
            }
            ProvisionResult::Status(s, id) if (200..300).contains(&s) => {
                self.state = S::Answered;
                self.deliveries += 1;
                self.billed |= self.billable;
                self.why = None;
                if let Some(id) = id {
                    self.provider_id = Some(id.to_owned());
                }
            }
            // A gateway that gave up, or a timeout the partner reported: it may have gone through.
            ProvisionResult::NoAnswer | ProvisionResult::Status(408 | 502 | 504, _) => {
                if !matches!(self.state, S::Answered | S::RemovalRequested) {
                    self.state = S::Unknown;
                    self.billed |= self.billable;
                }
            }
            // A refusal of a repeated delivery does not undo what an earlier one created.
            ProvisionResult::Status(..) => {
                if fresh {
                    self.state = S::Refused;
                }
            }
        }
    }

    /// A deprovision with the manifest's credentials answered `status` (None: no answer) at the
    /// uuid (`by_uuid`) or at the provider id. A 410 says the partner knew the resource and removed
    /// it; a 404 says it does not know this path, which for a resource it accepted (and that the
    /// run never asked it to remove before) may only mean it keys resources by another id.
    fn removal(&mut self, status: Option<u16>, by_uuid: bool) {
        let form = if by_uuid { "uuid" } else { "provider id" };
        if status.is_some_and(|s| (200..300).contains(&s)) {
            self.removals += 1;
        }
        // An asynchronous removal ends only with its deprovision action (`removed`): a repeated
        // DELETE answered 2xx or 410 is no proof.
        if self.state == EntryState::RemovalRequested {
            return;
        }
        if status == Some(202) {
            // Accepted for later (asynchronous deprovisioning): outstanding until its action. A
            // provision that created nothing stays as it was.
            if self.state.may_have_been_created() {
                self.state = EntryState::RemovalRequested;
                self.why = Some("the removal was accepted for later and not yet confirmed".into());
            }
            return;
        }
        let proven = match status {
            // A partner keeping one row per delivery holds at most one per accepted delivery.
            Some(s) if (200..300).contains(&s) => !self.copies || self.removals >= self.deliveries,
            Some(410) => true,
            Some(404) => !self.state.may_have_been_created() || self.removal_tried,
            _ => false,
        };
        if proven {
            self.state = EntryState::Removed;
            self.why = None;
            return;
        }
        self.why = Some(match status {
            Some(s) if (200..300).contains(&s) => format!(
                "the removal by {form} answered {s} again: the partner keeps copies behind this \
                 uuid, and only a 404 or 410 proves the last one gone"
            ),
            Some(404) => format!(
                "the removal by {form} answered 404, but the partner {} this provision, so that \
                 is no proof it is gone",
                if self.state == EntryState::Answered {
                    "accepted"
                } else {
                    "may have accepted"
                }
            ),
            Some(s) => format!("the removal by {form} answered {s}"),
            None => format!("the removal by {form} got no answer"),
        });
        if status != Some(404) {
            self.removal_tried = true;
        }
    }
}

fn curl(path_id: &str) -> String {
    format!("curl -sS -X DELETE -u \"$ADDON_ID:$ADDON_PASSWORD\" \"$ADDON_BASE_URL/{path_id}\"")
}

/// The run's ledger, in memory and, when given a file, on disk: each change is appended and
/// synced before the call that caused it returns.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: Mutex<Vec<Entry>>,
    file: Option<Mutex<LedgerFile>>,
}

impl Ledger {
    /// A ledger that also appends every change to `path` (created with its directory).
    pub fn on_disk(path: &Path, run: &RunInfo) -> std::io::Result<Self> {
        Ok(Self {
            entries: Mutex::default(),
            file: Some(Mutex::new(LedgerFile::create(path, run)?)),
        })
    }

    /// A ledger continuing a file a previous run left, with its entries.
    pub fn resume(path: &Path) -> std::io::Result<(Self, RunInfo)> {
        let (run, entries) = file::read(path)?;
        let file = LedgerFile::append_to(path)?;
        Ok((
            Self {
                entries: Mutex::new(entries),
                file: Some(Mutex::new(file)),
            },
            run,
        ))
    }

    /// Where the ledger is kept, if on disk.
    pub fn path(&self) -> Option<PathBuf> {
        self.file.as_ref().map(|f| lock(f).path().to_path_buf())
    }

    fn update(&self, uuid: &str, change: impl FnOnce(&mut Entry)) {
        let mut entries = lock(&self.entries);
        if let Some(e) = entries.iter_mut().find(|x| x.uuid == uuid) {
            let before = e.clone();
            change(e);
            if *e != before {
                self.write(e);
            }
        }
    }

    fn write(&self, entry: &Entry) {
        if let Some(f) = &self.file {
            // A full disk must not stop the run; the in-memory ledger still drives cleanup.
            let _ = lock(f).append(entry);
        }
    }

    /// Writes a provision down before it is sent. A repeated delivery of a uuid that no longer
    /// exists may create it again, so it is planned again.
    pub fn plan(&self, uuid: &str, label: &str, billable: bool) {
        let mut entries = lock(&self.entries);
        match entries.iter_mut().find(|x| x.uuid == uuid) {
            Some(e) => {
                if !e.state.may_exist() {
                    e.state = EntryState::Planned;
                    e.billable |= billable;
                    self.write(e);
                }
            }
            None => {
                let e = Entry::new(uuid, label, billable);
                self.write(&e);
                entries.push(e);
            }
        }
    }

    /// What the provision of `uuid` got.
    pub fn provisioned(&self, uuid: &str, result: ProvisionResult<'_>) {
        self.update(uuid, |e| e.provision(result));
    }

    /// What a deprovision with the manifest's credentials got, by uuid or by provider id.
    pub fn removal_answered(&self, uuid: &str, status: Option<u16>, by_uuid: bool) {
        self.update(uuid, |e| e.removal(status, by_uuid));
    }

    /// A removal accepted for later (202) whose deprovision action can no longer arrive (the
    /// `cleanup` command serves no platform): a DELETE is sent again and its answer is the proof,
    /// a 404 included, since the removal was asked for before.
    pub fn reopen_removal(&self, uuid: &str) {
        self.update(uuid, |e| {
            if e.state == EntryState::RemovalRequested {
                e.state = EntryState::Answered;
                e.removal_tried = true;
            }
        });
    }

    /// The resource is gone by other means than a deprovision (or the partner confirmed an
    /// asynchronous removal).
    pub fn removed(&self, uuid: &str) {
        self.update(uuid, |e| {
            e.state = EntryState::Removed;
            e.why = None;
        });
    }

    /// A refused provision whose deprovision then answered 404/410 (`check::leftover`): nothing
    /// was created. Only an entry the ledger already holds for gone and that no delivery created
    /// becomes `Refused`; a provision the partner accepted, or may have accepted, keeps what the
    /// removal proved (a 404 is no proof for it).
    pub fn never_created(&self, uuid: &str) {
        self.update(uuid, |e| {
            if e.deliveries == 0 && !e.state.may_exist() {
                e.state = EntryState::Refused;
                e.why = None;
            }
        });
    }

    /// Something other than a removal with real credentials may have removed the resource (the
    /// partner answered 2xx to a DELETE it should have refused): a later 404 proves it gone.
    pub fn removal_may_have_happened(&self, uuid: &str) {
        self.update(uuid, |e| e.removal_tried = true);
    }

    /// The partner still holds a copy of the resource after a removal it answered 2xx: the
    /// entry is outstanding again, and only a 404/410 proves it gone.
    pub fn copies_survived(&self, uuid: &str) {
        self.update(uuid, |e| {
            e.copies = true;
            e.removal_tried = true;
            if e.removals >= e.deliveries {
                // As many removals as deliveries: not even a row per delivery can remain.
                return;
            }
            if e.state == EntryState::Removed {
                e.state = EntryState::Answered;
            }
            e.why = Some(
                "a copy survived its removal: the partner keeps one row per delivery behind this \
                 uuid"
                    .into(),
            );
        });
    }

    /// Why the resource may remain, when a removal could not be tried or finished.
    pub fn note(&self, uuid: &str, why: &str) {
        self.update(uuid, |e| {
            if e.state.may_exist() {
                e.why = Some(why.to_owned());
            }
        });
    }

    pub fn entries(&self) -> Vec<Entry> {
        lock(&self.entries).clone()
    }

    pub fn entry(&self, uuid: &str) -> Option<Entry> {
        lock(&self.entries).iter().find(|e| e.uuid == uuid).cloned()
    }

    /// Entries that may still exist on the partner's side.
    pub fn outstanding(&self) -> Vec<Entry> {
        self.entries()
            .into_iter()
            .filter(|e| e.state.may_exist())
            .collect()
    }

    /// Provisions sent with the real credentials that created, or may have created, a resource:
    /// a refused provision or one that never reached the partner bills nobody.
    pub fn billable_count(&self) -> usize {
        lock(&self.entries).iter().filter(|e| e.billed).count()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

#[cfg(test)]
mod tests;
