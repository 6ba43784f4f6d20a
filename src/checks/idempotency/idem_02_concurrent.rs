//! IDEM-02 (concurrent): N identical provisions of a fresh uuid sent at once give one resource:
//! every successful answer carries the same id, and after its removal nothing of it is left. N is
//! `[idempotency] concurrent_deliveries`.

use crate::catalogue::Level;
use crate::check::judge::{is_2xx, observed_status};
use crate::check::{CheckCtx, Stop, Verdict, pass, skip};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!(
    "IDEM-02.concurrent",
    Must,
    "identical provisions sent at once give one resource",
    provisions = 1,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let n = cx.config().idempotency.concurrent_deliveries;
    if n < 2 {
        return skip("[idempotency] concurrent_deliveries is below 2");
    }
    let probe = cx.probe(cx.default_plan());
    let replies = probe.send_concurrently(n).await.map_err(Stop::Error)?;
    let verdict = judge(&replies);
    if verdict.is_err() {
        probe
            .remove("deprovision the concurrently provisioned uuid")
            .await;
        return verdict;
    }
    super::nothing_left(cx, &probe, "concurrently provisioned").await
}

pub fn judge(replies: &[Reply]) -> Verdict {
    let ok: Vec<&Reply> = replies.iter().filter(|r| is_2xx(r.status)).collect();
    let mut ids: Vec<String> = ok
        .iter()
        .map(|r| {
            super::provider_id(r)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "(none)".into())
        })
        .collect();
    ids.sort();
    ids.dedup();
    let finding = |f: Finding| {
        let mut f = f;
        for r in replies {
            f = f.exchange(&r.exchange);
        }
        Err(Stop::violated(f))
    };
    if ids.len() > 1 {
        return finding(
            Finding::new(
                "one resource: every successful answer carries the same id",
                format!("{} deliveries created {} different ids", replies.len(), ids.len()),
            )
            .at("/id")
            .level(Level::Must)
            .hint("the uuid lookup and the insert race: use a unique constraint on the uuid and answer the duplicate with the stored resource"),
        );
    }
    if ok.is_empty() {
        return finding(
            Finding::new(
                "at least one delivery succeeds",
                format!(
                    "none did; first: {}",
                    replies.first().map(observed_status).unwrap_or_default()
                ),
            )
            .at("status")
            .level(Level::Must),
        );
    }
    if let Some(bad) = replies.iter().find(|r| !is_2xx(r.status)) {
        return finding(
            Finding::new(
                "every delivery answered like the first (2xx, same id)",
                format!("{} of {} answered {}", replies.len() - ok.len(), replies.len(), observed_status(bad)),
            )
            .at("status")
            .level(Level::Should)
            .hint("Heroku retries a refused duplicate; answering it with the stored resource avoids the delay"),
        );
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{found, reply};

    #[test]
    fn one_id_passes_several_fail() {
        let a = || reply(200, r#"{"id":"a"}"#);
        assert!(matches!(judge(&[a(), a(), a()]), Ok(Pass(_))));
        let v = judge(&[a(), reply(200, r#"{"id":"b"}"#)]);
        let f = found(&v);
        assert_eq!(
            (f.level, f.location.as_deref()),
            (Some(Level::Must), Some("/id"))
        );
        assert!(f.observed.contains("2 different ids"), "{}", f.observed);
        let v = judge(&[a(), reply(409, "{}")]);
        let f = found(&v);
        assert_eq!(
            (f.level, f.location.as_deref()),
            (Some(Level::Should), Some("status"))
        );
        assert!(f.observed.contains("409"), "{}", f.observed);
        let v = judge(&[reply(500, "{}"), reply(500, "{}")]);
        let f = found(&v);
        assert_eq!(f.level, Some(Level::Must));
        assert!(f.observed.contains("none did"), "{}", f.observed);
    }
}
