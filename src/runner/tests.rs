//! Runner tests against stub partners: cleanup leftovers and exit codes.

use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::check::testing::ctx_for;
use crate::record::events::Recorder;

/// A partner that provisions but cannot deprovision.
async fn sticky_partner() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"id":"p-1","config":{"MYADDON_URL":"https://sticky.example/db"}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn resources_that_cannot_be_removed_are_leftovers_and_fail_the_run() {
    let server = sticky_partner().await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    let plan = Selection {
        checks: vec!["PROV-02".into()],
        ..Selection::default()
    }
    .plan()
    .unwrap();
    let mut events = Recorder::default();
    let report = execute(&ctx, &plan, &RunControls::default(), &mut events).await;
    assert_eq!(report.leftovers.len(), 1, "{:?}", report.leftovers);
    assert_eq!(report.billable_provisions, 1);
    assert_eq!(report.exit_code, exit::PARTNER_FAILED);
    // The cleanup attempt is part of the traffic, after the check's own.
    let cleanup_traffic = events.events.iter().any(|e| {
        matches!(e, Event::Traffic { check: None, exchanges, .. }
            if exchanges.iter().any(|x| x.request.method == "DELETE"))
    });
    assert!(cleanup_traffic);
}
