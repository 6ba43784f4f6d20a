//! Whose copy of a shared resource a check uses. When suites run side by side (`--jobs` above 1)
//! a suite that changes a shared resource gets a copy of its own (`owns` in `suites/*.toml`),
//! made on an app of its own through the same `Provision` handle as every other resource, so it
//! runs beside the suites that use the run's copy. A serial run shares the run's copies: the
//! fewest billable provisions.

use super::resource::Resource;

/// Whether the suites that change a shared resource get copies of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// Every suite uses the run's copies (a serial run: the changing suites take turns).
    Shared,
    /// Each suite owning a resource gets its own copy (suites side by side).
    PerSuite,
}

impl Ownership {
    /// Copies of their own only when suites run side by side.
    pub fn of_jobs(jobs: usize) -> Self {
        if jobs > 1 {
            Self::PerSuite
        } else {
            Self::Shared
        }
    }
}

/// Who a copy of a shared resource (and the memos of checks) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holder {
    /// The run's copies, which every suite without a copy of its own uses.
    Run,
    /// The copies of the named suite.
    Suite(&'static str),
}

/// The resources a check's suite holds copies of.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    holder: Holder,
    owns: &'static [Resource],
}

impl Scope {
    /// The run's copies of everything.
    pub const RUN: Self = Self {
        holder: Holder::Run,
        owns: &[],
    };

    /// The scope of suite `name`, which owns `owns` under `ownership`.
    pub fn of_suite(name: &'static str, owns: &'static [Resource], ownership: Ownership) -> Self {
        match ownership {
            Ownership::PerSuite if !owns.is_empty() => Self {
                holder: Holder::Suite(name),
                owns,
            },
            _ => Self::RUN,
        }
    }

    /// Who holds the copy of `which` the suite's checks use.
    pub fn holder_of(&self, which: Resource) -> Holder {
        if self.owns.contains(&which) {
            self.holder
        } else {
            Holder::Run
        }
    }

    /// The resources the suite has copies of its own of (in `owns` order; none for the run's).
    pub fn owned(&self) -> &'static [Resource] {
        match self.holder {
            Holder::Run => &[],
            Holder::Suite(_) => self.owns,
        }
    }

    /// Whose memos the suite's checks share (a suite with copies of its own keeps its memos too:
    /// a value about "the primary" is about its primary).
    pub fn memo_holder(&self) -> Holder {
        self.holder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_of_their_own_only_side_by_side() {
        static OWNS: [Resource; 1] = [Resource::Primary];
        let serial = Scope::of_suite("plan", &OWNS, Ownership::of_jobs(1));
        assert_eq!(serial.holder_of(Resource::Primary), Holder::Run);
        let side = Scope::of_suite("plan", &OWNS, Ownership::of_jobs(4));
        assert_eq!(side.holder_of(Resource::Primary), Holder::Suite("plan"));
        assert_eq!(side.holder_of(Resource::Secondary), Holder::Run);
        assert_eq!(side.memo_holder(), Holder::Suite("plan"));
        let none = Scope::of_suite("sso", &[], Ownership::PerSuite);
        assert_eq!(none.memo_holder(), Holder::Run);
    }
}
