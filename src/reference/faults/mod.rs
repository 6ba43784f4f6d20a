//! Named faults of the reference partner. Each breaks one behaviour and declares, beside its
//! definition in `table.rs`, the exact checks it fails and warns when `demo --fault NAME` runs
//! every suite; `tests/fault_zoo.rs` runs them all. `variant-*` entries are conformant
//! alternatives (201, 200 on delete, …) that must fail and warn nothing. What each fault does to
//! the partner is decided once, in `behaviour.rs`.

mod table;

use std::collections::BTreeSet;
use std::str::FromStr;

pub use table::{ALL, Fault};

use crate::error::HarnessError;

/// The checks a fault must fail and warn, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub fail: &'static [&'static str],
    pub warn: &'static [&'static str],
}

/// `Name = "name": "what it breaks", fail: ["CHECK-ID", …], warn: [ … ];` per fault.
macro_rules! faults {
    ($($variant:ident = $name:literal: $doc:literal,
        fail: [$($fail:literal),* $(,)?], warn: [$($warn:literal),* $(,)?];)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Fault { $($variant,)* }

        /// Every fault with its name and what it breaks.
        pub const ALL: &[(Fault, &str, &str)] = &[$((Fault::$variant, $name, $doc),)*];

        impl Fault {
            /// The checks this fault fails and warns when every suite runs.
            pub fn expected(self) -> super::Expected {
                match self {
                    $(Fault::$variant => super::Expected {
                        fail: &[$($fail),*],
                        warn: &[$($warn),*],
                    },)*
                }
            }
        }
    };
}
use faults;

impl Fault {
    pub fn name(self) -> &'static str {
        ALL.iter()
            .find(|(f, _, _)| *f == self)
            .map(|(_, n, _)| *n)
            .unwrap_or_default()
    }
}

impl FromStr for Fault {
    type Err = HarnessError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL.iter()
            .find(|(_, name, _)| *name == s)
            .map(|(f, _, _)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = ALL.iter().map(|(_, n, _)| *n).collect();
                let fix = match crate::text::suggest(s, &names) {
                    Some(n) => format!("did you mean `{n}`? `demo --list-faults` shows them all"),
                    None => "`demo --list-faults` shows them all".to_owned(),
                };
                HarnessError::usage(format!("unknown fault `{s}`"), fix)
            })
    }
}

/// The faults a reference partner runs with.
#[derive(Debug, Clone, Default)]
pub struct FaultSet(BTreeSet<Fault>);

impl FaultSet {
    pub fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }

    pub fn parse(names: &[String]) -> Result<Self, HarnessError> {
        names
            .iter()
            .map(|n| n.parse())
            .collect::<Result<_, _>>()
            .map(FaultSet)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|f| f.name()).collect()
    }
}

impl FromIterator<Fault> for FaultSet {
    fn from_iter<I: IntoIterator<Item = Fault>>(iter: I) -> Self {
        FaultSet(iter.into_iter().collect())
    }
}
