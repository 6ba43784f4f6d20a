//! Helpers for checks' own tests: fabricated replies and tiny wiremock partners.

use std::sync::Arc;
use std::time::Duration;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{Check, CheckCtx, RunCtx, Stop, Verdict};
use crate::config::{Config, Overrides, Settings};
use crate::manifest::Manifest;
use crate::partner::Reply;
use crate::record::exchange::{Credentials, Exchange, RequestRecord};
use crate::record::outcome::Finding;

pub const MANIFEST: &str = r#"{
  "id": "test-addon",
  "api": {
    "config_vars": ["TEST_ADDON_URL"],
    "password": "test-password-0123",
    "sso_salt": "test-salt-0123",
    "regions": ["us"],
    "requires": [],
    "production": {"base_url": "https://test.example/heroku/resources", "sso_url": "https://test.example/sso"},
    "version": "3"
  }
}"#;

pub fn reply_typed(status: u16, body: &str, content_type: &str) -> Reply {
    let exchange = Arc::new(Exchange {
        seq: 1,
        label: "test".into(),
        started_ms: 0,
        elapsed_ms: 1.0,
        request: RequestRecord {
            method: "POST".into(),
            url: "http://127.0.0.1:1/".into(),
            headers: vec![],
            credentials: Credentials::Manifest,
            body: None,
        },
        response: None,
        error: None,
    });
    Reply {
        exchange,
        status: Some(status),
        content_type: Some(content_type.to_owned()),
        headers: vec![],
        body: body.as_bytes().to_vec(),
        json: if body.is_empty() {
            Err("empty body".into())
        } else {
            serde_json::from_str(body).map_err(|e| e.to_string())
        },
        delivery: crate::partner::client::Delivery::Answered,
    }
}

pub fn reply(status: u16, body: &str) -> Reply {
    reply_typed(status, body, "application/json")
}

/// What a stub partner answers to every request.
pub struct Stub {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

pub fn stub(status: u16, body: &str) -> Stub {
    Stub {
        status,
        body: body.to_owned(),
        delay: Duration::ZERO,
    }
}

pub async fn start(stub: Stub) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(stub.status)
                .set_body_raw(stub.body, "application/json")
                .set_delay(stub.delay),
        )
        .mount(&server)
        .await;
    server
}

/// A run context whose partner is at `base_url`, with the test manifest and a default plan, and a
/// real platform on loopback.
pub async fn ctx_for(base_url: &str, tweak: impl FnOnce(&mut Config)) -> RunCtx {
    let manifest = Manifest::parse(MANIFEST, "test").unwrap();
    let mut config = Config::default();
    config.plans.default = Some("basic".into());
    config.plans.upgrade = Some("premium".into());
    config.timeouts.request = Duration::from_secs(5);
    tweak(&mut config);
    let overrides = Overrides {
        base_url: format!("{base_url}/heroku/resources").parse().ok(),
        ..Overrides::default()
    };
    let settings = Settings::resolve(&manifest, config, &overrides, "test").unwrap();
    RunCtx::start(manifest, settings).await.unwrap()
}

pub async fn run_check(check: &Check, ctx: &RunCtx) -> Verdict {
    (check.run)(&CheckCtx::new(ctx)).await
}

/// Runs one check against a stub partner.
pub async fn run_against(check: &Check, stub: Stub) -> Verdict {
    let server = start(stub).await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    run_check(check, &ctx).await
}

/// A partner that refuses (422) only provisions whose body contains `marker`, and accepts the rest.
pub async fn refusing_bodies_with(marker: &str) -> MockServer {
    use wiremock::matchers::body_string_contains;
    let server = MockServer::start().await;
    Mock::given(body_string_contains(marker))
        .respond_with(
            ResponseTemplate::new(422).set_body_raw("{\"message\":\"no\"}", "application/json"),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"id\":\"x\"}", "application/json"))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

/// The finding of a violated verdict; any other verdict fails the test.
/// Runs `check` against a partner that answers provisions (POST) with `post` and every other
/// request (the follow-up deprovisions) with `other`.
pub async fn run_split(check: &Check, post: (u16, &str), other: (u16, &str)) -> Verdict {
    use wiremock::matchers::method;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(post.0).set_body_string(post.1))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(other.0).set_body_string(other.1))
        .mount(&server)
        .await;
    let ctx = ctx_for(&server.uri(), |_| {}).await;
    run_check(check, &ctx).await
}

pub fn found(v: &Verdict) -> &Finding {
    match v {
        Err(Stop::Violated(f)) => f,
        other => panic!("expected a finding, got {other:?}"),
    }
}

/// Asserts that `v` is a finding at `location` whose observed text contains `observed`.
#[track_caller]
pub fn assert_found(v: &Verdict, location: Option<&str>, observed: &str) {
    let f = found(v);
    assert_eq!(f.location.as_deref(), location, "{f:?}");
    assert!(f.observed.contains(observed), "observed: {}", f.observed);
}

/// A partner answering DELETE with `status` and everything else 200.
pub async fn deleting_with(status: u16) -> wiremock::MockServer {
    use wiremock::matchers::{any, method};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(status))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"id":"res-1","config":{}}"#, "application/json"),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    server
}
