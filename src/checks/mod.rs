//! Checks: one small file each, declared with `check!` (ID, level, title, billable provisions).
//! Each suite's `mod.rs` lists its checks once with `suite!`, in run order; the suite's metadata
//! is in `suites/<name>.toml`.

pub mod asynchronous;
pub mod auth;
pub mod deprovision;
pub mod idempotency;
pub mod manifest;
pub mod many;
pub mod plan;
pub mod provision;
pub mod region;
pub mod rotation;
pub mod sharing;
pub mod sso;
pub mod timing;

#[cfg(test)]
mod properties;

use std::sync::LazyLock;

use crate::check::Check;

/// Every suite's checks, by the suite's `name` in `suites/`.
pub static SUITES: &[(&str, &[&Check])] = &[
    ("manifest", manifest::CHECKS),
    ("provision", provision::CHECKS),
    ("async", asynchronous::CHECKS),
    ("auth", auth::CHECKS),
    ("plan", plan::CHECKS),
    ("region", region::CHECKS),
    ("sso", sso::CHECKS),
    ("idempotency", idempotency::CHECKS),
    ("deprovision", deprovision::CHECKS),
    ("many-per-app", many::CHECKS),
    ("rotation", rotation::CHECKS),
    ("sharing", sharing::CHECKS),
    ("timing", timing::CHECKS),
];

/// Every check, suite by suite.
pub static REGISTRY: LazyLock<Vec<&'static Check>> =
    LazyLock::new(|| SUITES.iter().flat_map(|(_, c)| c.iter().copied()).collect());

/// The checks of the suite named `name`.
pub fn of_suite(name: &str) -> &'static [&'static Check] {
    SUITES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[], |(_, c)| c)
}

pub fn find(id: &str) -> Option<&'static Check> {
    REGISTRY.iter().copied().find(|c| c.id == id)
}
