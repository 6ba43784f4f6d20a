//! What a check concludes: `Ok(Pass)` on evidence that its requirement held, or a `Stop`. Helpers
//! return `Result<_, Stop>`, so a check body is a sequence of `?`.

use crate::record::outcome::{Finding, RootCause};

/// The requirement held; the note says what was seen when that is worth telling.
#[derive(Debug, Clone, Default)]
pub struct Pass(pub Option<String>);

/// Why a check ends without a pass.
#[derive(Debug, Clone)]
pub enum Stop {
    /// The requirement was broken: a finding with its evidence.
    Violated(Box<Finding>),
    /// Nothing to judge (the add-on does not use the feature, …); says why.
    Skip(String),
    /// A prerequisite failed.
    Blocked(Blocker),
    /// The harness could not judge.
    Error(String),
    /// The run was interrupted while the check waited; says what it was waiting for. Reported
    /// as blocked, with a message starting "interrupted".
    Interrupted(String),
}

pub type Verdict = Result<Pass, Stop>;

/// Why a check is blocked, and the root cause when one is known (the check or condition that
/// blocks this one and others: reporters collapse a cascade to one line per cause).
#[derive(Debug, Clone)]
pub struct Blocker {
    pub why: String,
    pub cause: Option<RootCause>,
}

impl From<String> for Blocker {
    fn from(why: String) -> Self {
        Self { why, cause: None }
    }
}

impl From<&str> for Blocker {
    fn from(why: &str) -> Self {
        why.to_owned().into()
    }
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.why)
    }
}

impl Stop {
    /// The run's interrupt cut a wait short.
    pub fn interrupted<T>(waiting_for: impl Into<String>) -> Result<T, Stop> {
        Err(Stop::Interrupted(waiting_for.into()))
    }

    pub fn violated(finding: Finding) -> Self {
        Stop::Violated(Box::new(finding))
    }

    /// The finding, if this is a violation.
    pub fn finding(&self) -> Option<&Finding> {
        match self {
            Stop::Violated(f) => Some(f),
            _ => None,
        }
    }
}

impl From<Finding> for Stop {
    fn from(f: Finding) -> Self {
        Stop::violated(f)
    }
}

impl From<Finding> for Verdict {
    fn from(f: Finding) -> Self {
        Err(Stop::violated(f))
    }
}

pub fn pass() -> Verdict {
    Ok(Pass(None))
}

pub fn pass_with(note: impl Into<String>) -> Verdict {
    Ok(Pass(Some(note.into())))
}

pub fn skip<T>(why: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Skip(why.into()))
}

pub fn blocked<T>(why: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Blocked(Blocker::from(why.into())))
}

/// Blocked by `cause`: `why` is this check's message, `cause` what every check it blocks shares.
pub fn blocked_by<T>(cause: RootCause, why: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Blocked(Blocker {
        why: why.into(),
        cause: Some(cause),
    }))
}

pub fn error<T>(why: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Error(why.into()))
}

/// The run's interrupt cut a wait short.
pub fn interrupted<T>(waiting_for: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Interrupted(waiting_for.into()))
}

pub fn violated(finding: Finding) -> Verdict {
    Err(Stop::violated(finding))
}
