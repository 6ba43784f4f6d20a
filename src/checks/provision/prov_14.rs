//! PROV-14: a malformed provision body gets a 4xx: never a 5xx, never success.

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Verdict, pass_with};
use crate::record::outcome::Finding;

crate::check!(
    "PROV-14",
    Should,
    "malformed provision body gets a 4xx",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let uuid = uuid::Uuid::new_v4().to_string();
    // A body cut off mid-object: looks like a provision, is not JSON.
    let bytes = format!(
        "{{\"uuid\": \"{uuid}\", \"plan\": \"{}\", \"region\": ",
        cx.default_plan()
    );
    let reply = cx
        .partner()
        .provision_raw(bytes.into_bytes(), &uuid, "malformed provision body")
        .await;
    match reply.status {
        Some(s) if (400..500).contains(&s) => {
            crate::check::leftover::left_nothing(cx, &uuid, &reply).await?;
            if let Some(f) = crate::check::leftover::success_lookalike(&reply) {
                return f.into();
            }
            pass_with(format!("status {s}; nothing was created"))
        }
        Some(s) if (200..300).contains(&s) => Finding::new(
            "a 4xx (the body is not JSON)",
            format!("status {s}: the malformed request was accepted"),
        )
        .at("status")
        .hint("parse the body strictly as JSON and answer 400 or 422 when it does not parse")
        .into(),
        _ => Finding::new("a 4xx (the body is not JSON)", observed_status(&reply))
            .at("status")
            .hint("a parse error must not escape as a 500: Heroku retries 5xx answers")
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{run_against, run_split, stub};
    use crate::check::{Pass, Stop};

    #[tokio::test]
    async fn fails_on_500_and_passes_on_400() {
        let v = run_against(&super::CHECK, stub(500, "{}")).await;
        crate::check::testing::assert_found(&v, Some("status"), "status 500");
        let refusal = (400, "{\"message\":\"bad json\"}");
        let v = run_split(&super::CHECK, refusal, (404, "{}")).await;
        assert!(matches!(v, Ok(Pass(_))), "{v:?}");
        // The refused uuid can be deprovisioned: the refusal created a resource.
        let v = run_split(&super::CHECK, refusal, (204, "")).await;
        assert!(
            matches!(v, Err(Stop::Blocked(_))),
            "control got 204 too: {v:?}"
        );
        // A refusal that reads like a success answer.
        let v = run_split(
            &super::CHECK,
            (400, r#"{"id":"x","config":{}}"#),
            (404, "{}"),
        )
        .await;
        crate::check::testing::assert_found(&v, Some("body"), "status 400 with `id` and `config`");
    }
}
