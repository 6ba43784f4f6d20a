//! GEN-02: unknown fields in the provision body are tolerated.

use crate::check::judge::{is_2xx, observed_status};
use crate::check::{CheckCtx, Verdict, pass};
use crate::record::outcome::Finding;

crate::check!(
    "GEN-02",
    Must,
    "unknown request fields are tolerated",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let reply = super::variant_probe(cx, "unknown fields", |body| {
        if let Some(map) = body.as_object_mut() {
            map.insert("conformance_unknown_field".into(), "ignore me".into());
            map.insert(
                "conformance_unknown_object".into(),
                serde_json::json!({"nested": [1, 2, 3], "flag": true}),
            );
        }
    })
    .await?;
    if is_2xx(reply.status) {
        return pass();
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
    use crate::check::testing::{ctx_for, refusing_bodies_with, run_against, run_check, stub};
    use crate::check::{Pass, Stop};

    #[tokio::test]
    async fn fails_when_refused() {
        let server = refusing_bodies_with("conformance_unknown_field").await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        let v = run_check(&super::CHECK, &ctx).await;
        assert!(matches!(v, Err(Stop::Violated(_))), "{v:?}");
    }

    #[tokio::test]
    async fn blocked_when_even_the_baseline_provision_fails() {
        let v = run_against(&super::CHECK, stub(500, "{}")).await;
        assert!(matches!(v, Err(Stop::Blocked(_))), "{v:?}");
        let v = run_against(&super::CHECK, stub(200, "{\"id\":\"x\"}")).await;
        assert!(matches!(v, Ok(Pass(_))), "{v:?}");
    }
}
