//! Suite definitions (`suites/*.toml`), compiled into the binary.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::check::{Check, Ownership, Resource, Scope};
use crate::error::HarnessError;

/// Every suite file. Adding a suite adds one line here.
const SUITE_FILES: &[(&str, &str)] = &[
    (
        "suites/manifest.toml",
        include_str!("../suites/manifest.toml"),
    ),
    (
        "suites/provision.toml",
        include_str!("../suites/provision.toml"),
    ),
    ("suites/async.toml", include_str!("../suites/async.toml")),
    ("suites/auth.toml", include_str!("../suites/auth.toml")),
    ("suites/plan.toml", include_str!("../suites/plan.toml")),
    ("suites/region.toml", include_str!("../suites/region.toml")),
    ("suites/sso.toml", include_str!("../suites/sso.toml")),
    (
        "suites/idempotency.toml",
        include_str!("../suites/idempotency.toml"),
    ),
    (
        "suites/deprovision.toml",
        include_str!("../suites/deprovision.toml"),
    ),
    (
        "suites/many-per-app.toml",
        include_str!("../suites/many-per-app.toml"),
    ),
    (
        "suites/rotation.toml",
        include_str!("../suites/rotation.toml"),
    ),
    (
        "suites/sharing.toml",
        include_str!("../suites/sharing.toml"),
    ),
    ("suites/timing.toml", include_str!("../suites/timing.toml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    pub name: String,
    pub order: u32,
    pub title: String,
    pub description: String,
    /// False for suites that send nothing to the partner (the manifest suite).
    #[serde(default = "yes")]
    pub network: bool,
    /// Runs in every `--partition` share (it judges the traffic of the job it runs in).
    #[serde(default)]
    pub every_partition: bool,
    /// Manifest `api.requires` flags the suite needs; otherwise it is skipped.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Shared resources the suite's checks use (provisioned once per run, on first use).
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Checks whose failure makes this whole suite blocked.
    #[serde(default)]
    pub blocked_by: Vec<String>,
    /// Shared state the suite's checks read (`--jobs`: it never runs beside a suite changing it).
    #[serde(default)]
    pub reads: Vec<Shared>,
    /// Shared state the suite's checks change (it runs alone among that state's users).
    #[serde(default)]
    pub changes: Vec<Shared>,
    /// Shared resources the suite changes and gets a copy of its own of when suites run side by
    /// side (`--jobs` above 1): its checks' `Resource::Primary` is then its own primary, on an
    /// app of its own, and it no longer waits for (or holds up) the suites using the run's.
    #[serde(default)]
    pub owns: Vec<Resource>,
    /// Runs after every earlier suite has finished (the timing suite judges every call).
    #[serde(default)]
    pub after_all: bool,
    /// The suite's checks in run order, as its `suite!` lists them in `src/checks/`.
    #[serde(skip)]
    pub checks: &'static [&'static Check],
}

impl Suite {
    /// Whose copies of the shared resources the suite's checks use.
    pub fn scope(&'static self, ownership: Ownership) -> Scope {
        Scope::of_suite(&self.name, &self.owns, ownership)
    }

    /// The shared state the suite reads and changes under `ownership`: what it has a copy of
    /// its own of is no longer shared.
    pub fn shared_state(&self, ownership: Ownership) -> (Vec<Shared>, Vec<Shared>) {
        let own = |x: &&Shared| {
            ownership == Ownership::PerSuite && self.owns.iter().any(|r| Shared::from(*r) == **x)
        };
        let keep = |xs: &[Shared]| xs.iter().filter(|x| !own(x)).copied().collect();
        (keep(&self.reads), keep(&self.changes))
    }
}

impl From<Resource> for Shared {
    fn from(r: Resource) -> Self {
        match r {
            Resource::Primary => Shared::Primary,
            Resource::Async => Shared::Async,
            Resource::Secondary => Shared::Secondary,
        }
    }
}

/// Shared state suites declare they read or change, for running suites side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shared {
    /// The shared resource on the default plan: its existence, plan, config and attachments.
    Primary,
    /// The async suite's resource (the primary when there is no `[plans] async`).
    Async,
    /// The second shared resource.
    Secondary,
    /// The callbacks the primary's provision is owed (its grant exchange): ended by removing it.
    PrimaryGrant,
    /// The order of installs on the run's app (a partner may treat a second install on an app
    /// differently): the primary is installed first, then the async resource.
    RunApp,
}

fn yes() -> bool {
    true
}

/// All suites, in run order.
pub fn all() -> Result<&'static [Suite], HarnessError> {
    static CELL: OnceLock<Result<Vec<Suite>, String>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut suites = Vec::new();
        for (path, text) in SUITE_FILES {
            let mut suite: Suite =
                toml::from_str(text).map_err(|e| format!("{path} does not parse: {e}"))?;
            suite.checks = crate::checks::of_suite(&suite.name);
            if suite.checks.is_empty() {
                return Err(format!(
                    "{path}: no checks are listed for suite `{}`",
                    suite.name
                ));
            }
            suites.push(suite);
        }
        suites.sort_by_key(|s| s.order);
        Ok(suites)
    })
    .as_deref()
    .map_err(|e| HarnessError::Internal(e.clone()))
}
