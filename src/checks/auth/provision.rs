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
        replies.push((
            what,
            probe.uuid.clone(),
            probe.send_as(credentials, &label).await,
        ));
    }
    let judged: Vec<_> = replies.iter().map(|(w, _, r)| (*w, r.clone())).collect();
    super::judge("provision", &judged)?;
    // Every probe was refused: none may have left a resource behind.
    for (_, uuid, reply) in &replies {
        crate::check::leftover::left_nothing(cx, uuid, reply).await?;
    }
    crate::check::pass()
}

#[cfg(test)]
mod tests {
    use crate::check::Pass;
    use crate::check::testing::{found, run_against, run_split, stub};

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
        let v = run_split(&super::CHECK, (401, "{}"), (404, "{}")).await;
        assert!(matches!(v, Ok(Pass(_))), "{v:?}");
    }
}
