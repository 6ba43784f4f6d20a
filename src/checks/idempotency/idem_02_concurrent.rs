//! IDEM-02 (concurrent): N identical provisions of a fresh uuid sent at once give one resource:
//! every successful answer carries the same id. N is `[idempotency] concurrent_deliveries`.

use tokio::task::JoinSet;

use crate::catalogue::Level;
use crate::checks::inspect::{is_2xx, observed_status};
use crate::partner::{Credentials, Reply};
use crate::record::outcome::{Finding, Verdict};
use crate::runner::CheckCtx;

crate::check!(
    "IDEM-02.concurrent",
    "IDEM-02",
    Must,
    "identical provisions sent at once give one resource",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let n = cx.settings.config.idempotency.concurrent_deliveries;
    if n < 2 {
        return Verdict::Skip("[idempotency] concurrent_deliveries is below 2".into());
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    let body = cx.provision_body(&uuid, cx.default_plan());
    let mut set = JoinSet::new();
    for i in 0..n {
        let client = cx.partner.clone();
        let body = body.clone();
        set.spawn(async move {
            let label = format!("concurrent provision {}/{n}", i + 1);
            (
                i,
                client.provision(&body, Credentials::Manifest, &label).await,
            )
        });
    }
    let mut replies: Vec<(usize, Reply)> = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(r) => replies.push(r),
            Err(e) => return Verdict::Error(format!("a delivery task failed: {e}")),
        }
    }
    replies.sort_by_key(|(i, _)| *i);
    let replies: Vec<Reply> = replies.into_iter().map(|(_, r)| r).collect();
    if let Some(p) = &cx.platform {
        for r in &replies {
            p.record_answer(&uuid, r);
        }
    }
    let verdict = judge(&replies);
    cx.deprovision(
        &uuid,
        Credentials::Manifest,
        "deprovision the concurrently provisioned uuid",
    )
    .await;
    verdict
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
        Verdict::violated(f)
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
    Verdict::pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::reply;

    #[test]
    fn one_id_passes_several_fail() {
        let a = || reply(200, r#"{"id":"a"}"#);
        assert!(matches!(judge(&[a(), a(), a()]), Verdict::Pass(_)));
        let v = judge(&[a(), reply(200, r#"{"id":"b"}"#)]);
        assert!(matches!(v, Verdict::Violated(f) if f.level == Some(Level::Must)));
        let v = judge(&[a(), reply(409, "{}")]);
        assert!(matches!(v, Verdict::Violated(f) if f.level == Some(Level::Should)));
        let v = judge(&[reply(500, "{}"), reply(500, "{}")]);
        assert!(matches!(v, Verdict::Violated(f) if f.level == Some(Level::Must)));
    }
}
