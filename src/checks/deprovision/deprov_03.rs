//! DEPROV-03: deprovision of a uuid the partner never saw gets 404 or 410.

use crate::check::{CheckCtx, Verdict};
use crate::partner::Credentials;

crate::check!(
    "DEPROV-03",
    Should,
    "deprovision of an unknown uuid answers 404 or 410",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let uuid = uuid::Uuid::new_v4().to_string();
    let reply = cx
        .deprovision(&uuid, Credentials::Manifest, "deprovision an unknown uuid")
        .await;
    super::judge_gone(
        &reply,
        "404 or 410 for a uuid never provisioned",
        "look the resource up by uuid before answering; a success for an unknown id hides keying bugs",
    )
}

#[cfg(test)]
mod tests {
    use crate::check::Pass;
    use crate::check::testing::{run_against, stub};

    #[tokio::test]
    async fn warns_on_success_for_unknown() {
        let v = run_against(&super::CHECK, stub(204, "")).await;
        crate::check::testing::assert_found(&v, Some("status"), "status 204");
        let v = run_against(&super::CHECK, stub(404, "{}")).await;
        assert!(matches!(v, Ok(Pass(_))), "{v:?}");
    }
}
