//! The requirement catalogue (`suites/requirements.toml`), compiled into the binary.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::HarnessError;

const CATALOGUE_TOML: &str = include_str!("../suites/requirements.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "SHOULD")]
    Should,
    #[serde(rename = "MAY")]
    May,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The partner must do it; checks verify it.
    Partner,
    /// Heroku does it; the harness reproduces it.
    Heroku,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub level: Level,
    pub side: Side,
    pub source: String,
    /// Stated by one of the core Dev Center pages (internal bookkeeping; never shown).
    #[serde(default, skip_serializing)]
    pub seed: bool,
    /// A rule the harness adds beyond what Heroku's documentation states (robust handling).
    #[serde(default)]
    pub ours: bool,
    pub statement: String,
    /// What the checks of this requirement send, for `explain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sends: Option<String>,
    /// An answer that passes, for `explain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passing_example: Option<String>,
    pub why: String,
    #[serde(default)]
    pub causes: Vec<String>,
    #[serde(default)]
    pub out_of_scope: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub sources: BTreeMap<String, String>,
    #[serde(rename = "requirement")]
    pub requirements: Vec<Requirement>,
}

impl Catalogue {
    /// The embedded catalogue, parsed once.
    pub fn get() -> Result<&'static Catalogue, HarnessError> {
        static CELL: OnceLock<Result<Catalogue, String>> = OnceLock::new();
        CELL.get_or_init(|| {
            toml::from_str(CATALOGUE_TOML)
                .map_err(|e| format!("suites/requirements.toml does not parse: {e}"))
        })
        .as_ref()
        .map_err(|e| HarnessError::Internal(e.clone()))
    }

    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// The documentation URL of a requirement.
    pub fn doc_url(&self, requirement: &Requirement) -> &str {
        self.sources
            .get(&requirement.source)
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_parses_and_ids_are_unique() {
        let cat = Catalogue::get().unwrap();
        let mut seen = std::collections::HashSet::new();
        for r in &cat.requirements {
            assert!(seen.insert(&r.id), "duplicate requirement {}", r.id);
            assert!(
                cat.sources.contains_key(&r.source),
                "{}: unknown source",
                r.id
            );
        }
    }
}
