use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::check::testing::ctx_for;
use crate::record::ledger::ProvisionResult;

async fn answering(server: &MockServer, at: &str, status: u16) {
    Mock::given(method("DELETE"))
        .and(path(format!("/heroku/resources/{at}")))
        .respond_with(ResponseTemplate::new(status))
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_accepted_resource_answered_404_is_tried_by_its_provider_id() {
    let server = MockServer::start().await;
    answering(&server, "by-uuid", 404).await;
    answering(&server, "own-7", 204).await;
    answering(&server, "lost", 404).await;
    answering(&server, "own-8", 404).await;
    answering(&server, "refused", 404).await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    let l = &ctx.ledger;
    for (uuid, result) in [
        ("by-uuid", ProvisionResult::Status(200, Some("own-7"))),
        ("lost", ProvisionResult::Status(200, Some("own-8"))),
        ("refused", ProvisionResult::Status(422, None)),
    ] {
        l.plan(uuid, uuid, true);
        l.provisioned(uuid, result);
    }
    // A probe's removal answered 404 for the refused one during the run.
    l.removal_answered("refused", Some(404), true);
    let left = run(&ctx.partner, l, RUN_BUDGET).await;
    assert_eq!(left.len(), 1, "{left:?}");
    let line = left[0].leftover_line();
    assert!(line.starts_with("lost (lost)"), "{line}");
    assert!(line.contains("/own-8\""), "{line}");
    assert!(
        line.contains("404 by uuid and 404 by provider id"),
        "{line}"
    );
    assert_eq!(
        l.entry("by-uuid").map(|e| e.state),
        Some(EntryState::Removed)
    );
}

#[tokio::test]
async fn removals_run_at_once_within_one_budget() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    for i in 0..20 {
        let uuid = format!("u{i}");
        ctx.ledger.plan(&uuid, "probe", true);
        ctx.ledger
            .provisioned(&uuid, ProvisionResult::Status(200, None));
    }
    let started = Instant::now();
    let left = run(&ctx.partner, &ctx.ledger, Duration::from_millis(300)).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(left.len(), 20);
    assert!(
        left.iter()
            .all(|e| e.why.as_deref().is_some_and(|w| w.contains("budget"))),
        "{left:?}"
    );
}

#[tokio::test]
async fn nothing_outstanding_sends_nothing() {
    let server = MockServer::start().await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    ctx.ledger.plan("a", "probe", true);
    ctx.ledger.provisioned("a", ProvisionResult::NotSent);
    assert!(run(&ctx.partner, &ctx.ledger, RUN_BUDGET).await.is_empty());
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn an_interrupt_cuts_the_cleanup_to_its_own_budget() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(60)))
        .mount(&server)
        .await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    ctx.ledger.plan("a", "probe", true);
    ctx.ledger
        .provisioned("a", ProvisionResult::Status(200, None));
    let interrupt = crate::runner::Interrupt::new();
    interrupt.trigger();
    let started = Instant::now();
    let left = run_until(&ctx.partner, &ctx.ledger, RUN_BUDGET, Some(&interrupt)).await;
    assert!(started.elapsed() < RUN_BUDGET);
    assert_eq!(left.len(), 1);
}
