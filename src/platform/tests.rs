//! Router tests (tower oneshot): token scoping, grants, client secret, Accept header, config
//! names, body limits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::PlatformSettings;
use super::Shared;
use super::http::router;
use super::inbound::InboundJournal;
use super::state::{AddonRecord, AddonState, Model};
use crate::redact::Redactor;

pub(super) const SECRET: &str = "client-secret-0123";
pub(super) const PASSWORD: &str = "manifest-password-0123";
pub(super) const V3: &str = "application/vnd.heroku+json; version=3";

/// Resources r1 and r2 of `fast-db` (provisioning) on app-1 (`owner-app`, heroku_id
/// `app1@heroku.com`), both attached as `FAST_DB`; the manifest requires log_input.
pub(super) fn shared(grant_ttl: Duration) -> Arc<Shared> {
    let mut model = Model::new("fast-db", "FAST_DB", vec!["FAST_DB_URL".into()]);
    model.log_input = true;
    model.add_heroku_app(&crate::heroku::App {
        id: "app-1".into(),
        name: "owner-app".into(),
        heroku_id: "app1@heroku.com".into(),
    });
    for uuid in ["r1", "r2"] {
        model.create_addon(
            AddonRecord {
                uuid: uuid.into(),
                name: format!("fast-db-{uuid}"),
                plan: "basic".into(),
                region: "us".into(),
                state: AddonState::Provisioning,
                provider_id: None,
                config: Default::default(),
                app_id: "app-1".into(),
            },
            "FAST_DB",
        );
    }
    let _ = grant_ttl;
    Arc::new(Shared {
        model: Mutex::new(model),
        journal: InboundJournal::default(),
        settings: PlatformSettings {
            bind: "127.0.0.1:0".parse().unwrap(),
            url: None,
            client_secret: Some(SECRET.into()),
            token_ttl: Duration::from_secs(60),
            grant_ttl,
            max_body_bytes: 1024,
            admin: false,
        },
        redactor: Arc::new(Redactor::new()),
        origin: "http://127.0.0.1:1".into(),
        password: Some(PASSWORD.into()),
        logs: Default::default(),
    })
}

pub(super) async fn call(s: &Arc<Shared>, req: Request<Body>) -> (StatusCode, Value) {
    let resp = router(s.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn form(body: String) -> Request<Body> {
    Request::post("/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

fn grant(s: &Arc<Shared>, uuid: &str) -> String {
    s.model().issue_grant(uuid, s.settings.grant_ttl)
}

pub(super) async fn token(s: &Arc<Shared>, uuid: &str) -> String {
    let code = grant(s, uuid);
    let (status, body) = call(
        s,
        form(format!(
            "grant_type=authorization_code&code={code}&client_secret={SECRET}"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

pub(super) fn api(
    method: &str,
    path: &str,
    token: Option<&str>,
    accept: Option<&str>,
    body: Option<Value>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    if let Some(a) = accept {
        b = b.header("accept", a);
    }
    b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
        .unwrap()
}

#[tokio::test]
async fn grant_exchange_is_single_use_and_checks_the_secret() {
    let s = shared(Duration::from_secs(300));
    let code = grant(&s, "r1");
    let (st, body) = call(
        &s,
        form(format!(
            "grant_type=authorization_code&code={code}&client_secret=wrong"
        )),
    )
    .await;
    assert_eq!(
        (st, body["id"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let ok = format!("grant_type=authorization_code&code={code}&client_secret={SECRET}");
    let (st, body) = call(&s, form(ok.clone())).await;
    assert_eq!(st, StatusCode::OK);
    for key in [
        "access_token",
        "refresh_token",
        "expires_in",
        "token_type",
        "user_id",
        "session_nonce",
    ] {
        assert!(body.get(key).is_some(), "{key} missing");
    }
    let (st, body) = call(&s, form(ok)).await;
    assert_eq!(
        (st, body["id"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    // The query-string form works too (Heroku's sample add-on uses it).
    let code = grant(&s, "r1");
    let req = Request::post(format!(
        "/oauth/token?grant_type=authorization_code&code={code}&client_secret={SECRET}"
    ))
    .body(Body::empty())
    .unwrap();
    assert_eq!(call(&s, req).await.0, StatusCode::OK);
    // The journal redacted the secret and the code.
    let all = s.journal.all();
    assert!(
        all.iter()
            .all(|i| !i.path.contains(SECRET)
                && !i.body.clone().unwrap_or_default().contains(SECRET))
    );
    assert_eq!(all[0].resource.as_deref(), Some("r1"));
}

#[tokio::test]
async fn expired_grants_are_refused() {
    let s = shared(Duration::ZERO);
    let code = grant(&s, "r1");
    let (st, body) = call(
        &s,
        form(format!(
            "grant_type=authorization_code&code={code}&client_secret={SECRET}"
        )),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn refresh_issues_a_new_access_token() {
    let s = shared(Duration::from_secs(300));
    let code = grant(&s, "r1");
    let (_, body) = call(
        &s,
        form(format!(
            "grant_type=authorization_code&code={code}&client_secret={SECRET}"
        )),
    )
    .await;
    let refresh = body["refresh_token"].as_str().unwrap();
    let (st, again) = call(
        &s,
        form(format!(
            "grant_type=refresh_token&refresh_token={refresh}&client_secret={SECRET}"
        )),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_ne!(again["access_token"], body["access_token"]);
}

#[tokio::test]
async fn tokens_are_scoped_to_one_resource() {
    let s = shared(Duration::from_secs(300));
    let t = token(&s, "r1").await;
    assert_eq!(
        call(&s, api("GET", "/addons/r1", Some(&t), Some(V3), None))
            .await
            .0,
        StatusCode::OK
    );
    let (st, body) = call(&s, api("GET", "/addons/r2", Some(&t), Some(V3), None)).await;
    assert_eq!(
        (st, body["id"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    assert_eq!(
        call(&s, api("GET", "/addons/r1", None, Some(V3), None))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&s, api("GET", "/addons/r1", Some("bogus"), Some(V3), None))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&s, api("GET", "/apps/owner-app", Some(&t), Some(V3), None))
            .await
            .0,
        StatusCode::OK
    );
    let inbound = s.journal.all();
    let forbidden = inbound.iter().find(|i| i.status == 403).unwrap();
    assert_eq!(
        (forbidden.resource.as_deref(), forbidden.scope.as_deref()),
        (Some("r2"), Some("r1"))
    );
}

#[tokio::test]
async fn the_v3_accept_header_is_required() {
    let s = shared(Duration::from_secs(300));
    let t = token(&s, "r1").await;
    let (st, body) = call(&s, api("GET", "/addons/r1", Some(&t), None, None)).await;
    assert_eq!(
        (st, body["id"].as_str()),
        (StatusCode::BAD_REQUEST, Some("missing_version"))
    );
    let (st, _) = call(
        &s,
        api(
            "GET",
            "/addons/r1",
            Some(&t),
            Some("application/json"),
            None,
        ),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn config_updates_take_manifest_names_only() {
    let s = shared(Duration::from_secs(300));
    let t = token(&s, "r1").await;
    let good = json!({"config": [{"name": "FAST_DB_URL", "value": "postgres://h/db"}]});
    let (st, body) = call(
        &s,
        api("PATCH", "/addons/r1/config", Some(&t), Some(V3), Some(good)),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        body,
        json!([{"name": "FAST_DB_URL", "value": "postgres://h/db"}])
    );
    let bad = json!({"config": [{"name": "PRIMARY_DB_URL", "value": "x"}]});
    let (st, body) = call(
        &s,
        api("PATCH", "/addons/r1/config", Some(&t), Some(V3), Some(bad)),
    )
    .await;
    assert_eq!(
        (st, body["id"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_params"))
    );
    let wrong_type = json!({"config": [{"name": "FAST_DB_URL", "value": 5}]});
    assert_eq!(
        call(
            &s,
            api(
                "PATCH",
                "/addons/r1/config",
                Some(&t),
                Some(V3),
                Some(wrong_type)
            )
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The config value is redacted in the journal.
    assert!(s.journal.all().iter().all(|i| {
        !i.body
            .clone()
            .unwrap_or_default()
            .contains("postgres://h/db")
    }));
    // Provisioning releases the app with the config.
    let (st, body) = call(
        &s,
        api(
            "POST",
            "/addons/r1/actions/provision",
            Some(&t),
            Some(V3),
            None,
        ),
    )
    .await;
    assert_eq!(
        (st, body["state"].as_str()),
        (StatusCode::OK, Some("provisioned"))
    );
    assert_eq!(
        s.model().app_config("app-1")["FAST_DB_URL"],
        "postgres://h/db"
    );
}

#[tokio::test]
async fn oversized_and_malformed_bodies_get_4xx_and_the_server_keeps_serving() {
    let s = shared(Duration::from_secs(300));
    let t = token(&s, "r1").await;
    let big = Request::builder()
        .method("PATCH")
        .uri("/addons/r1/config")
        .header("authorization", format!("Bearer {t}"))
        .header("accept", V3)
        .body(Body::from(vec![b'x'; 4096]))
        .unwrap();
    assert_eq!(call(&s, big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    let junk = Request::builder()
        .method("PATCH")
        .uri("/addons/r1/config")
        .header("authorization", format!("Bearer {t}"))
        .header("accept", V3)
        .body(Body::from(vec![0xff, 0xfe, b'{']))
        .unwrap();
    assert_eq!(call(&s, junk).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        call(&s, api("GET", "/addons/r1", Some(&t), Some(V3), None))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&s, api("GET", "/nowhere", None, None, None)).await.0,
        StatusCode::NOT_FOUND
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn arbitrary_callback_bodies_get_answers_below_500(
            body in prop::collection::vec(any::<u8>(), 0..2048),
            path in prop::sample::select(vec!["/oauth/token", "/addons/r1/config", "/addons/r1/actions/provision", "/addons/r1/actions/deprovision", "/apps/owner-app", "/vendor/apps/r1", "/logs/r1", "/x"]),
            method in prop::sample::select(vec!["POST", "PATCH", "GET", "PUT"]),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let s = shared(Duration::from_secs(300));
                let t = token(&s, "r1").await;
                let req = Request::builder()
                    .method(method)
                    .uri(path)
                    .header("authorization", format!("Bearer {t}"))
                    .header("accept", V3)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap();
                let (status, _) = call(&s, req).await;
                assert!(status.as_u16() < 500, "{method} {path}: {status}");
            });
        }
    }
}
