//! The check framework: what a check is (`Check`, declared with `check!`), what it concludes
//! (`Verdict` = `Result<Pass, Stop>`), what it can reach (`CheckCtx`) and the judgements several
//! checks share (`judge`). The runner drives checks through this room; checks import only this
//! room, the Heroku logic and the records.

pub mod contact;
pub mod ctx;
pub mod holder;
pub mod judge;
pub mod leftover;
pub mod owed;
pub mod own_id;
pub mod resource;
#[cfg(test)]
pub mod testing;
pub mod triage;
pub mod verdict;
pub mod view;

use std::future::Future;
use std::pin::Pin;

use crate::catalogue::Level;

pub use ctx::{Removal, RunCtx};
pub use holder::{Holder, Ownership, Scope};
pub use owed::{Cancel, OwedKind};
pub use resource::{Provisioned, Resource};
pub use verdict::{
    Blocker, Pass, Stop, Verdict, blocked, blocked_by, error, interrupted, pass, pass_with, skip,
    violated,
};
pub use view::CheckCtx;

pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Verdict> + Send + 'a>>;

#[derive(Debug)]
pub struct Check {
    /// Unique check ID: the requirement ID, or `REQ-ID.variant` when several checks share one.
    pub id: &'static str,
    /// The requirement: the ID without its `.variant` suffix.
    pub requirement: &'static str,
    /// Nominal level; must equal the catalogue's level for the requirement.
    pub level: Level,
    pub title: &'static str,
    /// Billable provisions the check makes of its own, besides the suites' shared resources
    /// (for the `--dry-run` estimate).
    pub provisions: usize,
    pub run: for<'a> fn(&'a CheckCtx<'a>) -> CheckFuture<'a>,
}

/// The requirement a check ID judges: the part before a `.variant` suffix.
pub const fn requirement_of(id: &'static str) -> &'static str {
    let bytes = id.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'.' {
            let (head, _) = bytes.split_at(i);
            return match std::str::from_utf8(head) {
                Ok(req) => req,
                Err(_) => id,
            };
        }
        i += 1;
    }
    id
}

/// Declares the `CHECK` static of a check file:
/// `check!("PROV-14", Should, "title", run)`, or with `provisions = N` before `run` when the
/// check makes N billable provisions of its own.
#[macro_export]
macro_rules! check {
    ($id:literal, $level:ident, $title:literal, $run:path) => {
        $crate::check!($id, $level, $title, provisions = 0, $run);
    };
    ($id:literal, $level:ident, $title:literal, provisions = $n:literal, $run:path) => {
        pub static CHECK: $crate::check::Check = $crate::check::Check {
            id: $id,
            requirement: $crate::check::requirement_of($id),
            level: $crate::catalogue::Level::$level,
            title: $title,
            provisions: $n,
            run: |cx| Box::pin($run(cx)),
        };
    };
}

/// Lists a suite's checks, in run order, as the suite's `CHECKS`: `suite!(prov_02, gen_01, …)`
/// after the `pub mod` lines of its check files. A suite file under `suites/` with the same
/// `name` holds the suite's metadata; this list is the only place a check is registered.
#[macro_export]
macro_rules! suite {
    ($($module:ident),+ $(,)?) => {
        pub static CHECKS: &[&$crate::check::Check] = &[$(&$module::CHECK),+];
    };
}

#[cfg(test)]
mod tests {
    use super::requirement_of;

    #[test]
    fn the_requirement_is_the_id_without_its_variant() {
        assert_eq!(requirement_of("PROV-03"), "PROV-03");
        assert_eq!(requirement_of("IDEM-02.concurrent"), "IDEM-02");
        assert_eq!(requirement_of("AUTH-02.plan-change"), "AUTH-02");
    }
}
