//! Router tests of the legacy App Info API (`/vendor/apps`): Basic auth from the manifest,
//! `heroku_id` or uuid, manifest vars only, releases, 404 while provisioning or once removed.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use serde_json::{Value, json};

use super::tests::{PASSWORD, call, shared};
use super::tests_heroku_pages::{provisioned, releases};
use crate::record::InboundKind;

fn vendor(
    method: &str,
    path: &str,
    auth: Option<(&str, &str)>,
    body: Option<Value>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some((user, password)) = auth {
        let pair = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        b = b.header("authorization", format!("Basic {pair}"));
    }
    b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
        .unwrap()
}

const AUTH: Option<(&str, &str)> = Some(("fast-db", PASSWORD));

#[tokio::test]
async fn the_app_info_api_reads_and_updates_config() {
    let s = shared(Duration::from_secs(300));
    provisioned(&s, "v1");
    let by_heroku_id = "/vendor/apps/app1%40heroku.com";
    let (st, info) = call(&s, vendor("GET", by_heroku_id, AUTH, None)).await;
    assert_eq!(st, StatusCode::OK, "{info}");
    assert_eq!(info["id"], "app1@heroku.com");
    assert_eq!(info["name"], "owner-app");
    assert_eq!(info["config"], json!({"FAST_DB_URL": "v1"}));
    assert_eq!(
        info["owner_email"],
        s.model().apps["app-1"].owner.email.as_str()
    );
    assert_eq!(info["region"], "us");
    assert_eq!(info["log_input_url"], "http://127.0.0.1:1/logs/r1");
    assert_eq!(info["resource"]["uuid"], "r1");
    assert_eq!(info["callback_url"], "http://127.0.0.1:1/vendor/apps/r1");
    let (st, same) = call(&s, vendor("GET", "/vendor/apps/r1", AUTH, None)).await;
    assert_eq!((st, &same), (StatusCode::OK, &info), "the uuid works too");
    assert_eq!(
        call(&s, vendor("GET", "/vendor/apps/r2", AUTH, None))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "still provisioning"
    );
    // A PUT while provisioning sets the config (v1's asynchronous provisioning), no release.
    let early = json!({"config": {"FAST_DB_URL": "early"}});
    let before = releases(&s, "app-1");
    let (st, _) = call(&s, vendor("PUT", "/vendor/apps/r2", AUTH, Some(early))).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(s.model().addons["r2"].config["FAST_DB_URL"], "early");
    assert_eq!(releases(&s, "app-1"), before);
    assert_eq!(
        call(&s, vendor("GET", "/vendor/apps/nope", AUTH, None))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    for auth in [None, Some(("fast-db", "wrong")), Some(("other", PASSWORD))] {
        let (st, body) = call(&s, vendor("GET", "/vendor/apps/r1", auth, None)).await;
        assert_eq!(
            (st, body["id"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthorized"))
        );
    }
    // PUT: manifest names only; a change cuts a release on every attached app.
    let before = releases(&s, "app-1");
    let put = json!({"config": {"FAST_DB_URL": "postgres://rotated/db"}});
    let (st, body) = call(&s, vendor("PUT", by_heroku_id, AUTH, Some(put))).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body["config"]["FAST_DB_URL"], "postgres://rotated/db");
    assert_eq!(releases(&s, "app-1"), before + 1);
    assert_eq!(
        s.model().app_config("app-1")["FAST_DB_URL"],
        "postgres://rotated/db"
    );
    let bad = json!({"config": {"OTHER_URL": "x"}});
    let (st, body) = call(&s, vendor("PUT", "/vendor/apps/r1", AUTH, Some(bad))).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("OTHER_URL"));
    assert_eq!(releases(&s, "app-1"), before + 1);
    let journal = s.journal.all();
    let updated: Vec<Option<&str>> = journal
        .iter()
        .filter(|i| i.kind == InboundKind::AppInfoUpdate && i.ok())
        .map(|i| i.resource.as_deref())
        .collect();
    assert_eq!(updated, [Some("r2"), Some("r1")]);
    assert!(journal.iter().all(|i| {
        let text = format!("{:?}", i);
        !text.contains("postgres://rotated/db") && !text.contains(PASSWORD)
    }));
    assert!(journal.iter().any(|i| i.kind == InboundKind::AppInfoRead));
    // A refused call names the resource it was for, so the check about it can cite it.
    assert!(journal.iter().any(|i| {
        i.status == 401 && i.resource.as_deref() == Some("r1") && i.path == "/vendor/apps/r1"
    }));
    let (st, list) = call(&s, vendor("GET", "/vendor/apps", AUTH, None)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["heroku_id"], "app1@heroku.com");
    // Two live installations on one app share its heroku_id: only the uuid is unambiguous.
    s.model().mark_provisioned("r2");
    assert_eq!(
        call(&s, vendor("GET", by_heroku_id, AUTH, None)).await.0,
        StatusCode::CONFLICT
    );
    s.model().deprovision("r1");
    assert_eq!(
        call(&s, vendor("GET", "/vendor/apps/r1", AUTH, None))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "deprovisioned"
    );
}

#[tokio::test]
async fn the_app_info_api_needs_the_manifest_password() {
    let s = shared(Duration::from_secs(300));
    provisioned(&s, "v1");
    let mut inner = std::sync::Arc::into_inner(s).unwrap();
    inner.password = None;
    let s = std::sync::Arc::new(inner);
    let (st, body) = call(&s, vendor("GET", "/vendor/apps/r1", AUTH, None)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("without the manifest")
    );
}
