//! Checks: one small file each, with its requirement ID, level and its own test. A check is
//! listed once in `REGISTRY` and named in a suite file under `suites/`.

pub mod asynchronous;
pub mod auth;
pub mod deprovision;
pub mod idempotency;
pub mod inspect;
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
#[cfg(test)]
pub mod testing;

use std::future::Future;
use std::pin::Pin;

use crate::catalogue::Level;
use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;

pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Verdict> + Send + 'a>>;

#[derive(Debug)]
pub struct Check {
    /// Unique check ID: the requirement ID, or `REQ-ID.variant` when several checks share one.
    pub id: &'static str,
    pub requirement: &'static str,
    /// Nominal level; must equal the catalogue's level for the requirement.
    pub level: Level,
    pub title: &'static str,
    pub run: for<'a> fn(&'a CheckCtx<'a>) -> CheckFuture<'a>,
}

/// Declares the `CHECK` static of a check file.
#[macro_export]
macro_rules! check {
    ($id:literal, $req:literal, $level:ident, $title:literal, $run:path) => {
        pub static CHECK: $crate::checks::Check = $crate::checks::Check {
            id: $id,
            requirement: $req,
            level: $crate::catalogue::Level::$level,
            title: $title,
            run: |cx| Box::pin($run(cx)),
        };
    };
}

/// Every check. Adding a check adds one line here.
pub static REGISTRY: &[&Check] = &[
    &manifest::man_01::CHECK,
    &manifest::man_02::CHECK,
    &manifest::man_03::CHECK,
    &manifest::man_04::CHECK,
    &manifest::man_05::CHECK,
    &manifest::man_06::CHECK,
    &manifest::man_07::CHECK,
    &manifest::man_08::CHECK,
    &manifest::man_13::CHECK,
    &provision::prov_02::CHECK,
    &provision::gen_01::CHECK,
    &provision::gen_04::CHECK,
    &provision::prov_03::CHECK,
    &provision::prov_04::CHECK,
    &provision::prov_05::CHECK,
    &provision::prov_06::CHECK,
    &provision::prov_14::CHECK,
    &provision::gen_02::CHECK,
    &provision::opt_02::CHECK,
    &asynchronous::async_09::CHECK,
    &asynchronous::async_03::CHECK,
    &asynchronous::oauth_01::CHECK,
    &asynchronous::prov_08::CHECK,
    &asynchronous::oauth_03::CHECK,
    &asynchronous::config_02::CHECK,
    &asynchronous::api_01_token::CHECK,
    &asynchronous::api_01_accept::CHECK,
    &asynchronous::oauth_04::CHECK,
    &asynchronous::oauth_05::CHECK,
    &auth::provision::CHECK,
    &auth::plan_change::CHECK,
    &auth::deprovision::CHECK,
    &plan::plan_02::CHECK,
    &plan::plan_02_downgrade::CHECK,
    &plan::idem_04::CHECK,
    &plan::plan_03::CHECK,
    &plan::plan_03_forbidden::CHECK,
    &plan::plan_08::CHECK,
    &region::region_05::CHECK,
    &region::region_05_nothing_created::CHECK,
    &region::region_08::CHECK,
    &region::region_07::CHECK,
    &sso::sso_05::CHECK,
    &sso::auth_06::CHECK,
    &sso::sso_12::CHECK,
    &sso::sso_03::CHECK,
    &sso::sso_03_cross::CHECK,
    &sso::sso_04::CHECK,
    &sso::sso_13::CHECK,
    &sso::sso_14::CHECK,
    &idempotency::idem_02::CHECK,
    &idempotency::idem_02_concurrent::CHECK,
    &idempotency::prov_12::CHECK,
    &deprovision::deprov_02::CHECK,
    &deprovision::idem_05::CHECK,
    &deprovision::plan_07::CHECK,
    &deprovision::deprov_03::CHECK,
    &many::prov_11::CHECK,
    &many::att_03::CHECK,
    &many::config_02::CHECK,
    &many::prov_11_concurrent::CHECK,
    &many::sso_10::CHECK,
    &many::prov_10::CHECK,
    &rotation::rotate_04::CHECK,
    &rotation::rotate_05::CHECK,
    &rotation::rotate_02::CHECK,
    &sharing::att_08::CHECK,
    &sharing::att_07::CHECK,
    &sharing::sso_10::CHECK,
    &timing::time_01::CHECK,
    &timing::time_02::CHECK,
];

/// Billable provisions a check makes of its own, besides the suites' shared resources (for
/// `--dry-run`). A test compares the estimate with real runs against the reference partner.
/// REGION-05 makes one per plan in `[plans] private_space_unavailable` and region in
/// `[regions] private_space`; one each is counted here.
pub const OWN_PROVISIONS: &[(&str, usize)] = &[
    ("PROV-14", 1),
    ("GEN-02", 1),
    ("OPT-02", 1),
    ("REGION-05", 1),
    ("REGION-08", 1),
    ("REGION-07", 1),
    ("IDEM-02.concurrent", 1),
    ("PROV-11.concurrent", 2),
];

pub fn find(id: &str) -> Option<&'static Check> {
    REGISTRY.iter().copied().find(|c| c.id == id)
}
