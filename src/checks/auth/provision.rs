//! AUTH-02.provision: provision refuses wrong credentials with 401.

use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;

crate::check!(
    "AUTH-02.provision",
    "AUTH-02",
    Must,
    "provision requires valid Basic auth",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let mut replies = Vec::new();
    for (credentials, what) in super::probes() {
        let uuid = uuid::Uuid::new_v4().to_string();
        let body = cx.provision_body(&uuid, cx.default_plan());
        let label = format!("provision with {what}");
        replies.push((what, cx.provision(&body, credentials, &label).await));
    }
    super::judge("provision", &replies)
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run_against, stub};

    #[tokio::test]
    async fn fails_when_the_partner_accepts() {
        let v = run_against(&super::CHECK, stub(200, "{\"id\":\"x\"}")).await;
        assert!(
            matches!(v, crate::record::outcome::Verdict::Violated(_)),
            "{v:?}"
        );
        let v = run_against(&super::CHECK, stub(401, "{}")).await;
        assert!(
            matches!(v, crate::record::outcome::Verdict::Pass(_)),
            "{v:?}"
        );
    }
}
