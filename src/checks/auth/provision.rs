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
    use crate::check::Pass;
    use crate::check::testing::{found, run_against, stub};

    #[tokio::test]
    async fn fails_when_the_partner_accepts() {
        let v = run_against(&super::CHECK, stub(200, "{\"id\":\"x\"}")).await;
        let f = found(&v);
        assert_eq!(f.location.as_deref(), Some("status"));
        for probe in ["no credentials", "wrong password", "wrong username"] {
            assert!(
                f.observed.contains(&format!("{probe}: status 200")),
                "{}",
                f.observed
            );
        }
        let v = run_against(&super::CHECK, stub(401, "{}")).await;
        assert!(matches!(v, Ok(Pass(_))), "{v:?}");
    }
}
