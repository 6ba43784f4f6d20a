//! Router tests for what Heroku's pages ask partners to test: one installation attached twice
//! to its own app, the collaborator list, async deprovisioning and the log input (the App Info
//! API is in `tests_app_info.rs`).

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use super::logplex;
use super::state::AddonState;
use super::tests::{V3, api, call, shared, token};
use crate::heroku::naming::NamingError;
use crate::record::InboundKind;

fn first(_: usize) -> usize {
    0
}

pub(super) fn releases(s: &super::Shared, app: &str) -> usize {
    s.model().apps[app].releases.len()
}

pub(super) fn provisioned(s: &super::Shared, value: &str) {
    let mut m = s.model();
    m.add_app("app-2", "other-app");
    m.sync_answer(
        "r1",
        "p1",
        [("FAST_DB_URL".to_owned(), value.to_owned())].into(),
    );
}

#[tokio::test]
async fn one_installation_attached_twice_to_its_own_app() {
    let s = shared(Duration::from_secs(300));
    provisioned(&s, "v1");
    let t = token(&s, "r1").await;
    let second = s
        .model()
        .attach_named("r1", "app-1", None, &mut first)
        .unwrap();
    assert_eq!(second.name, "FAST_DB_AMBER", "the heuristic's colour");
    assert_eq!(
        s.model()
            .attach_named("r1", "app-1", Some("FAST_DB"), &mut first)
            .map(|a| a.name),
        Err(NamingError::Conflict("FAST_DB".into())),
        "a user-chosen name that is taken is an error"
    );
    let third = s
        .model()
        .attach_named("r1", "app-1", Some("REPLICA"), &mut first)
        .unwrap();
    s.model()
        .attach_named("r1", "app-2", Some("BALLOON"), &mut first)
        .unwrap();
    assert_eq!(
        releases(&s, "app-1"),
        3,
        "provisioned, then one per attachment"
    );
    let config = s.model().app_config("app-1");
    for var in ["FAST_DB_URL", "FAST_DB_AMBER_URL", "REPLICA_URL"] {
        assert_eq!(config[var], "v1", "{var}");
    }
    // One PATCH reaches every attachment with one release per app.
    let (before1, before2) = (releases(&s, "app-1"), releases(&s, "app-2"));
    let patch = json!({"config": [{"name": "FAST_DB_URL", "value": "v2"}]});
    let (st, _) = call(
        &s,
        api(
            "PATCH",
            "/addons/r1/config",
            Some(&t),
            Some(V3),
            Some(patch),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(releases(&s, "app-1"), before1 + 1);
    assert_eq!(releases(&s, "app-2"), before2 + 1);
    let config = s.model().app_config("app-1");
    for var in ["FAST_DB_URL", "FAST_DB_AMBER_URL", "REPLICA_URL"] {
        assert_eq!(config[var], "v2", "{var}");
    }
    assert_eq!(s.model().app_config("app-2")["BALLOON_URL"], "v2");
    // Detaching one leaves the others, cuts a release, and changes nothing partner-side.
    let addon_before = format!("{:?}", s.model().addons["r1"]);
    let inbound_before = s.journal.all().len();
    assert!(s.model().detach_released(&third.id));
    assert_eq!(releases(&s, "app-1"), before1 + 2);
    let config = s.model().app_config("app-1");
    assert!(!config.contains_key("REPLICA_URL"));
    assert_eq!(
        (
            config["FAST_DB_URL"].as_str(),
            config["FAST_DB_AMBER_URL"].as_str()
        ),
        ("v2", "v2")
    );
    assert_eq!(format!("{:?}", s.model().addons["r1"]), addon_before);
    assert_eq!(s.model().token_scope(&t).as_deref(), Some("r1"));
    assert_eq!(s.journal.all().len(), inbound_before);
    // The attachment list shows the remaining ones, each with the log input URL.
    let (_, list) = call(
        &s,
        api(
            "GET",
            "/addons/r1/addon-attachments",
            Some(&t),
            Some(V3),
            None,
        ),
    )
    .await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["FAST_DB", "FAST_DB_AMBER", "BALLOON"]);
    assert_eq!(list[0]["log_input_url"], "http://127.0.0.1:1/logs/r1");
}

#[tokio::test]
async fn each_app_lists_its_owner_and_a_collaborator() {
    let s = shared(Duration::from_secs(300));
    provisioned(&s, "v1");
    let t = token(&s, "r1").await;
    let (st, body) = call(
        &s,
        api(
            "GET",
            "/apps/owner-app/collaborators",
            Some(&t),
            Some(V3),
            None,
        ),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let list = body.as_array().unwrap();
    let roles: Vec<&str> = list.iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["owner", "collaborator"]);
    assert_ne!(list[0]["user"]["id"], list[1]["user"]["id"]);
    assert_ne!(list[0]["user"]["email"], list[1]["user"]["email"]);
    for c in list {
        assert_eq!(c["app"], json!({"id": "app-1", "name": "owner-app"}));
    }
    // The harness logs in as the same users.
    let users = s.model().collaborators("app-1");
    assert_eq!(list[1]["user"]["id"], users[1].user.id.as_str());
    assert_eq!(list[1]["user"]["email"], users[1].user.email.as_str());
    // Scoped like every endpoint: no token, or an app the resource is not attached to.
    let (st, _) = call(
        &s,
        api("GET", "/apps/owner-app/collaborators", None, Some(V3), None),
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = call(
        &s,
        api(
            "GET",
            "/apps/other-app/collaborators",
            Some(&t),
            Some(V3),
            None,
        ),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let kinds: Vec<InboundKind> = s.journal.all().iter().map(|i| i.kind).collect();
    assert!(
        kinds
            .iter()
            .filter(|k| **k == InboundKind::CollaboratorList)
            .count()
            == 3
    );
}

#[tokio::test]
async fn async_deprovisioning_completes_through_the_action() {
    let s = shared(Duration::from_secs(300));
    provisioned(&s, "v1");
    s.model().attach("r1", "app-2", "BALLOON");
    let t = token(&s, "r1").await;
    let other = token(&s, "r2").await;
    let action = "/addons/r1/actions/deprovision";
    let (st, body) = call(&s, api("POST", action, Some(&t), Some(V3), None)).await;
    assert_eq!(
        (st, body["id"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_state")),
        "nothing pending before a DELETE answered 202"
    );
    assert!(s.model().begin_async_deprovision("r1"));
    let (st, body) = call(&s, api("GET", "/addons/r1", Some(&t), Some(V3), None)).await;
    assert_eq!(
        (st, body["state"].as_str()),
        (StatusCode::OK, Some("provisioned")),
        "the API's schema has no pending state"
    );
    assert_eq!(s.model().addons["r1"].state, AddonState::Deprovisioning);
    assert_eq!(s.model().app_config("app-2")["BALLOON_URL"], "v1");
    let (r1, r2) = (releases(&s, "app-1"), releases(&s, "app-2"));
    assert_eq!(
        call(&s, api("POST", action, Some(&t), None, None)).await.0,
        StatusCode::BAD_REQUEST,
        "the v3 Accept header"
    );
    assert_eq!(
        call(&s, api("POST", action, Some(&other), Some(V3), None))
            .await
            .0,
        StatusCode::FORBIDDEN,
        "a token of another resource"
    );
    assert_eq!(s.model().addons["r1"].state, AddonState::Deprovisioning);
    let waiter = s.journal.wait_for(Duration::from_secs(5), |i| {
        i.kind == InboundKind::DeprovisionAction && i.resource.as_deref() == Some("r1") && i.ok()
    });
    let (st, body) = call(&s, api("POST", action, Some(&t), Some(V3), None)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        (body["id"].as_str(), body["state"].as_str()),
        (Some("r1"), Some("deprovisioned"))
    );
    let hit = waiter.await.unwrap();
    assert_eq!(hit.scope.as_deref(), Some("r1"));
    assert_eq!(
        (releases(&s, "app-1"), releases(&s, "app-2")),
        (r1 + 1, r2 + 1)
    );
    assert!(s.model().attachments_of("r1").is_empty());
    assert!(s.model().app_config("app-2").is_empty());
    assert_eq!(
        call(&s, api("GET", "/addons/r1", Some(&t), Some(V3), None))
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "the partner's tokens for it are revoked"
    );
}

fn log_post(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", logplex::CONTENT_TYPE)
        .header("content-length", body.len().to_string())
        .header(
            "user-agent",
            "FastDb (https://elements.heroku.com/addons/fast-db)",
        )
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn log_input_is_answered_like_logplex_and_kept_raw() {
    let s = shared(Duration::from_secs(300));
    provisioned(&s, "v1");
    let msg = "<190>1 2026-12-01T10:00:00Z r1 app fast-db - - source=fast-db rotated=true";
    let body = format!("{} {msg}", msg.len());
    let resp =
        tower::ServiceExt::oneshot(super::http::router(s.clone()), log_post("/logs/r1", &body))
            .await
            .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert!(bytes.is_empty());
    let entry = s.journal.all().last().cloned().unwrap();
    assert_eq!(
        (entry.kind, entry.resource.as_deref()),
        (InboundKind::LogWrite, Some("r1"))
    );
    assert!(entry.headers.iter().any(|h| h.name == "user-agent"));
    let writes = s.logs.for_resource("r1");
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].seq, entry.seq);
    assert_eq!(writes[0].body, body.as_bytes());
    let verdict = logplex::judge(&writes[0].post());
    assert!(verdict.ok(), "{:?}", verdict.defects);
    assert_eq!(verdict.frames[0].msg, "source=fast-db rotated=true");
    // Unknown resources are 404 and keep nothing; GET is not log input.
    assert_eq!(
        call(&s, log_post("/logs/nope", &body)).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(s.logs.for_resource("nope").is_empty());
    assert_eq!(
        call(&s, api("GET", "/logs/r1", None, None, None)).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(s.logs.for_resource("r1").len(), 1);
}

/// The platform handle the runner and checks use: the provision body's log input URL is the
/// route the platform serves, the app's users, async deprovisioning recorded.
#[tokio::test]
async fn the_platform_handle_exposes_users_states_and_the_log_input_route() {
    let manifest = crate::manifest::Manifest::parse(
        r#"{"id":"fast-db","api":{"requires":["log_input"],"password":"pw-0123456789","config_vars":["FAST_DB_URL"]}}"#,
        "m",
    )
    .unwrap();
    let platform = super::Platform::start(
        super::PlatformSettings {
            bind: "127.0.0.1:0".parse().unwrap(),
            url: None,
            client_secret: None,
            token_ttl: Duration::from_secs(60),
            grant_ttl: Duration::from_secs(60),
            max_body_bytes: 1024,
            admin: false,
        },
        super::ServiceInfo::from_manifest(&manifest),
        std::sync::Arc::new(crate::redact::Redactor::new()),
    )
    .await
    .unwrap();
    let app = crate::heroku::App::random();
    let (code, expires) = platform.register_provision("u1", "fast-db-u1", "basic", "us", &app);
    let body = crate::heroku::provision_body(
        &manifest,
        &crate::heroku::ProvisionSpec {
            uuid: "u1",
            plan: "basic",
            region: "us",
            options: &Default::default(),
            app: &app,
            platform_origin: platform.origin(),
            grant_code: &code,
            grant_expires: expires,
            send_heroku_id: true,
        },
    );
    assert_eq!(
        body["log_input_url"],
        super::logs::input_url(platform.origin(), "u1").as_str()
    );
    let users = platform.collaborators(&app);
    assert_eq!(users.len(), 2);
    assert_ne!(users[0].user.id, users[1].user.id);
    assert_eq!(
        platform.with_model(|m| m.apps[&app.id].heroku_id.clone()),
        Some(app.heroku_id.clone())
    );
    assert_eq!(platform.addon_state("u1"), Some(AddonState::Provisioning));
    assert!(platform.record_async_deprovision("u1"));
    assert_eq!(platform.addon_state("u1"), Some(AddonState::Deprovisioning));
    assert!(!platform.record_async_deprovision("nope"));
    assert!(platform.log_writes("u1").is_empty());
    platform.stop().await;
}
