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

#[tokio::test]
async fn the_cleanup_command_asks_again_for_a_removal_accepted_for_later() {
    let server = MockServer::start().await;
    answering(&server, "gone", 410).await;
    answering(&server, "still-pending", 202).await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    let l = &ctx.ledger;
    for uuid in ["gone", "still-pending"] {
        l.plan(uuid, uuid, true);
        l.provisioned(uuid, ProvisionResult::Status(200, None));
        // The run's DELETE got 202 and its deprovision action never came.
        l.removal_answered(uuid, Some(202), true);
    }
    let left = run(&ctx.partner, l, RUN_BUDGET).await;
    assert_eq!(
        left.iter().map(|e| e.uuid.as_str()).collect::<Vec<_>>(),
        ["still-pending"]
    );
    assert_eq!(left[0].state, EntryState::RemovalRequested);
    // One DELETE each: a 202 is not asked again and again.
    let sent = server.received_requests().await.unwrap_or_default();
    assert_eq!(sent.len(), 2, "{sent:?}");
}

#[tokio::test]
async fn a_copies_entry_answered_202_gets_one_delete() {
    let server = MockServer::start().await;
    answering(&server, "copies", 202).await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    let l = &ctx.ledger;
    l.plan("copies", "copies", true);
    l.provisioned("copies", ProvisionResult::Status(200, None));
    l.copies_survived("copies");
    let left = run_until(&ctx.partner, l, RUN_BUDGET, None).await;
    assert_eq!(left.len(), 1);
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}
