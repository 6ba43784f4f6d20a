//! PROV-11 (concurrent): two installs on one app sent at once both succeed as independent
//! resources with distinct ids. Both are removed afterwards.

use crate::checks::inspect::observed_status;
use crate::partner::{Credentials, Reply};
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "PROV-11.concurrent",
    "PROV-11",
    Must,
    "concurrent installs on one app both succeed with distinct ids",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    // Only meaningful once one install on the app works.
    if let Err(v) = cx.live_resource("primary").await {
        return v;
    }
    let uuids = [
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    ];
    let plan = cx.default_plan().to_owned();
    let bodies: Vec<_> = uuids.iter().map(|u| cx.same_app_body(u, &plan)).collect();
    let (a, b) = tokio::join!(
        cx.provision(&bodies[0], Credentials::Manifest, "concurrent install 1"),
        cx.provision(&bodies[1], Credentials::Manifest, "concurrent install 2"),
    );
    let verdict = judge(&a, &b);
    for (uuid, reply) in uuids.iter().zip([&a, &b]) {
        if reply.is_success() {
            cx.deprovision(uuid, Credentials::Manifest, "remove a concurrent install")
                .await;
        }
    }
    verdict
}

pub fn judge(a: &Reply, b: &Reply) -> Verdict {
    let with = |f: Finding| f.exchange(&a.exchange).exchange(&b.exchange).into();
    if let Some(bad) = [a, b].into_iter().find(|r| !r.is_success()) {
        return with(
            Finding::new(
                "2xx for both installs on the app, sent at once",
                observed_status(bad),
            )
            .at("status")
            .hint("concurrent provisions for one app must not collide: key installs on the uuid"),
        );
    }
    let (ia, ib) = (super::provider_id(a), super::provider_id(b));
    if let (Some(x), Some(y)) = (&ia, &ib)
        && x == y
    {
        return with(
            Finding::new(
                "distinct ids for installs sent at once",
                format!("both answered id `{x}`"),
            )
            .at("/id")
            .hint("derive ids from the uuid or an atomic sequence, not from a per-app counter read and written in separate steps"),
        );
    }
    Verdict::pass()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::reply;
    use crate::record::outcome::Verdict;

    #[test]
    fn judges_status_and_ids() {
        let ok = |id: &str| reply(200, &format!("{{\"id\":\"{id}\"}}"));
        assert!(matches!(super::judge(&ok("a"), &ok("b")), Verdict::Pass(_)));
        assert!(matches!(
            super::judge(&ok("a"), &ok("a")),
            Verdict::Violated(_)
        ));
        assert!(matches!(
            super::judge(&ok("a"), &reply(422, "{}")),
            Verdict::Violated(_)
        ));
    }
}
