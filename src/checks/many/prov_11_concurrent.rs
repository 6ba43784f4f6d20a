//! PROV-11 (concurrent): two installs on one app sent at once both succeed as independent
//! resources with distinct ids. Both are removed afterwards.

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Verdict, pass};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!(
    "PROV-11.concurrent",
    Must,
    "concurrent installs on one app both succeed with distinct ids",
    provisions = 2,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    // Only meaningful once one install on the app works.
    cx.live_resource(Resource::Primary).await?;
    let plan = cx.default_plan();
    let installs = [cx.on_run_app(plan)?, cx.on_run_app(plan)?];
    let (a, b) = tokio::join!(
        installs[0].send("concurrent install 1"),
        installs[1].send("concurrent install 2"),
    );
    let verdict = judge(&a, &b);
    for (install, reply) in installs.iter().zip([&a, &b]) {
        if reply.is_success() {
            install.remove("remove a concurrent install").await;
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
    pass()
}

#[cfg(test)]
mod tests {
    use crate::check::Pass;
    use crate::check::testing::{assert_found, reply};

    #[test]
    fn judges_status_and_ids() {
        let ok = |id: &str| reply(200, &format!("{{\"id\":\"{id}\"}}"));
        assert!(matches!(super::judge(&ok("a"), &ok("b")), Ok(Pass(_))));
        assert_found(
            &super::judge(&ok("a"), &ok("a")),
            Some("/id"),
            "both answered id `a`",
        );
        assert_found(
            &super::judge(&ok("a"), &reply(422, "{}")),
            Some("status"),
            "status 422",
        );
    }
}
