//! Deprovision checks. DEPROV-02 removes the shared resource; the checks after it probe the
//! removed resource and an unknown one.

pub mod async_07;
pub mod deprov_02;
pub mod deprov_03;
pub mod gen_01_run;
pub mod gen_05;
pub mod idem_05;
pub mod plan_07;
pub mod prov_03_unique;

crate::suite!(
    deprov_02,
    idem_05,
    plan_07,
    deprov_03,
    async_07,
    prov_03_unique,
    gen_01_run,
    gen_05,
);

use std::sync::Arc;

use crate::catalogue::Level;
use crate::check::judge::{is_2xx, is_5xx, observed_status};
use crate::check::{CheckCtx, Provisioned, Resource, Stop, Verdict, blocked, pass};
use crate::partner::Reply;
use crate::record::outcome::{Finding, Outcome};

/// The shared resource after DEPROV-02 removed it, or the verdict that blocks the caller.
pub async fn removed_resource(cx: &CheckCtx<'_>) -> Result<Arc<Provisioned>, Stop> {
    match cx.outcome_of("DEPROV-02") {
        Some(Outcome::Pass | Outcome::Warn) => Ok(cx.resource(Resource::Primary).await),
        Some(o) => blocked(format!(
            "needs the removal made by DEPROV-02, which did not pass ({})",
            o.label().to_lowercase()
        )),
        None => blocked("needs DEPROV-02 to run first"),
    }
}

/// 404 or 410 pass; a 2xx, another 4xx or a 5xx warns (the probes using it are SHOULD checks
/// and a finding stays at the check's level); no answer is no evidence.
pub fn judge_gone(reply: &Reply, expected: &str, hint: &str) -> Verdict {
    match reply.status {
        Some(404 | 410) => pass(),
        None => blocked(format!("no answer to judge: {}", observed_status(reply))),
        s if is_5xx(s) => Err(Stop::violated(
            Finding::new(expected, observed_status(reply))
                .at("status")
                .level(Level::Should)
                .hint("a 5xx makes Heroku retry and alarms the customer; answer 404 or 410")
                .exchange(&reply.exchange),
        )),
        s => Err(Stop::violated(
            Finding::new(expected, observed_status(reply))
                .at("status")
                .level(Level::Should)
                .hint(if is_2xx(s) {
                    hint
                } else {
                    "answer 404 (never seen) or 410 (removed)"
                })
                .exchange(&reply.exchange),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::reply;

    #[test]
    fn gone_judgement() {
        assert!(matches!(judge_gone(&reply(404, ""), "e", "h"), Ok(Pass(_))));
        assert!(matches!(judge_gone(&reply(410, ""), "e", "h"), Ok(Pass(_))));
        let level = |v: Verdict| match v {
            Err(Stop::Violated(f)) => f.level,
            _ => None,
        };
        assert_eq!(
            level(judge_gone(&reply(204, ""), "e", "h")),
            Some(Level::Should)
        );
        assert_eq!(
            level(judge_gone(&reply(400, ""), "e", "h")),
            Some(Level::Should)
        );
        assert_eq!(
            level(judge_gone(&reply(500, ""), "e", "h")),
            Some(Level::Should)
        );
        let mut none = reply(500, "");
        none.status = None;
        assert!(matches!(judge_gone(&none, "e", "h"), Err(Stop::Blocked(_))));
    }
}
