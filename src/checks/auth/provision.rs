//! AUTH-02.provision: provision refuses wrong credentials with 401.

use crate::check::{CheckCtx, Verdict};

crate::check!(
    "AUTH-02.provision",
    Must,
    "provision requires valid Basic auth",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let mut replies = Vec::new();
    for (credentials, what) in super::probes() {
        let probe = cx.probe(cx.default_plan());
        let label = format!("provision with {what}");
        replies.push((what, probe.send_as(credentials, &label).await));
    }
    super::judge("provision", &replies)
}

#[cfg(test)]
mod tests {
    use crate::check::{Pass, Stop};
    use crate::check::testing::{run_against, stub};

    #[tokio::test]
    async fn fails_when_the_partner_accepts() {
        let v = run_against(&super::CHECK, stub(200, "{\"id\":\"x\"}")).await;
        assert!(
            matches!(v, Err(Stop::Violated(_))),
            "{v:?}"
        );
        let v = run_against(&super::CHECK, stub(401, "{}")).await;
        assert!(
            matches!(v, Ok(Pass(_))),
            "{v:?}"
        );
    }
}
