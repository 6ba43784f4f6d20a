//! OPT-02: unknown provisioning options are ignored.

use crate::check::judge::{is_2xx, observed_status};
use crate::check::{CheckCtx, Verdict, pass};
use crate::record::outcome::Finding;

crate::check!(
    "OPT-02",
    Should,
    "unknown provisioning options are ignored",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let reply = super::variant_probe(cx, "an unknown option", |body| {
        if let Some(options) = body.get_mut("options").and_then(|o| o.as_object_mut()) {
            options.insert("conformance-unknown-option".into(), "true".into());
        }
    })
    .await?;
    if is_2xx(reply.status) {
        return pass();
    }
    Finding::new(
        "success, ignoring the unknown option",
        observed_status(&reply),
    )
    .at("status")
    .hint(
        "customers pass options through app.json and the CLI; ignore the ones you do not recognise",
    )
    .into()
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{ctx_for, refusing_bodies_with, run_against, run_check, stub};
    use crate::check::{Pass, Stop};

    #[tokio::test]
    async fn warns_when_refused() {
        let server = refusing_bodies_with("conformance-unknown-option").await;
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
