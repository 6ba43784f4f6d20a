//! GEN-02: unknown fields in the provision body are tolerated.

use crate::checks::inspect::{is_2xx, observed_status};
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "GEN-02",
    "GEN-02",
    Must,
    "unknown request fields are tolerated",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let reply = match super::variant_probe(cx, "unknown fields", |body| {
        if let Some(map) = body.as_object_mut() {
            map.insert("conformance_unknown_field".into(), "ignore me".into());
            map.insert(
                "conformance_unknown_object".into(),
                serde_json::json!({"nested": [1, 2, 3], "flag": true}),
            );
        }
    })
    .await
    {
        Ok(r) => r,
        Err(v) => return v,
    };
    if is_2xx(reply.status) {
        return Verdict::pass();
    }
    Finding::new(
        "the same success as without the unknown fields",
        observed_status(&reply),
    )
    .at("status")
    .hint("ignore request fields you do not know: Heroku adds fields without notice")
    .into()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{ctx_for, refusing_bodies_with, run_against, run_check, stub};
    use crate::record::outcome::Verdict;

    #[tokio::test]
    async fn fails_when_refused() {
        let server = refusing_bodies_with("conformance_unknown_field").await;
        let ctx = ctx_for(&server.uri(), |_| {});
        let v = run_check(&super::CHECK, &ctx).await;
        assert!(matches!(v, Verdict::Violated(_)), "{v:?}");
    }

    #[tokio::test]
    async fn blocked_when_even_the_baseline_provision_fails() {
        let v = run_against(&super::CHECK, stub(500, "{}")).await;
        assert!(matches!(v, Verdict::Blocked(_)), "{v:?}");
        let v = run_against(&super::CHECK, stub(200, "{\"id\":\"x\"}")).await;
        assert!(matches!(v, Verdict::Pass(_)), "{v:?}");
    }
}
