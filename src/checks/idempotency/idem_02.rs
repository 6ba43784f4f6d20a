//! IDEM-02: a provision delivered again unchanged is answered like the first delivery with the
//! same id, and is one resource: after its removal, nothing of it is left. Uses a probe of its
//! own (removing the shared resource would take it from the checks after this one).

use crate::check::judge::{is_2xx, observed_status};
use crate::check::{CheckCtx, Stop, Verdict, blocked, pass};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!(
    "IDEM-02",
    Must,
    "a repeated provision gives the same resource and id",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let probe = cx.probe(cx.default_plan());
    let first = probe.send("provision a uuid to deliver twice").await;
    if !first.is_success() {
        return blocked(format!(
            "the first delivery was not accepted: {} (see PROV-02)",
            first.exchange.summary()
        ));
    }
    let again = probe
        .send("provision the same uuid again (repeat delivery)")
        .await;
    let verdict = judge(&first, &again);
    if verdict.is_err() {
        probe
            .remove("deprovision the repeatedly delivered uuid")
            .await;
        return verdict;
    }
    super::nothing_left(cx, &probe, "repeatedly delivered").await
}

pub fn judge(first: &Reply, again: &Reply) -> Verdict {
    let with = |f: Finding| {
        Err(Stop::violated(
            f.exchange(&first.exchange).exchange(&again.exchange),
        ))
    };
    if !is_2xx(again.status) {
        return with(
            Finding::new(
                "the answer of the first delivery (2xx with the same id)",
                observed_status(again),
            )
            .at("status")
            .hint("look the uuid up first and answer with the existing resource; Heroku retries deliveries it thinks failed"),
        );
    }
    let (a, b) = (super::provider_id(first), super::provider_id(again));
    if a != b {
        return with(
            Finding::new(
                format!("the same id as the first delivery ({})", a.map(|v| v.to_string()).unwrap_or_default()),
                format!("id {}", b.map(|v| v.to_string()).unwrap_or_else(|| "missing".into())),
            )
            .at("/id")
            .hint("a second id means a second resource: key provisions on the uuid, with a unique constraint"),
        );
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{assert_found, ctx_for, reply, run_check, start, stub};

    #[tokio::test]
    async fn a_copy_that_survives_the_removal_fails() {
        let server = start(stub(200, r#"{"id":"same","config":{}}"#)).await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        let v = run_check(&super::CHECK, &ctx).await;
        assert_found(&v, Some("status"), "a copy survived");
        // Two deliveries, two removals answered 2xx: no row per delivery can remain.
        assert!(ctx.ledger.outstanding().is_empty());
    }

    #[test]
    fn same_id_passes() {
        let first = reply(200, r#"{"id":"a"}"#);
        assert!(matches!(
            judge(&first, &reply(201, r#"{"id":"a"}"#)),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&first, &reply(200, r#"{"id":"b"}"#)),
            Some("/id"),
            "id \"b\"",
        );
        assert_found(
            &judge(&first, &reply(409, r#"{"message":"dup"}"#)),
            Some("status"),
            "status 409",
        );
    }
}
