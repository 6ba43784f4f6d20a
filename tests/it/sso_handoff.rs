//! The `sso` command's page, submitted as a browser would, signs in to the reference partner.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use addon_conformance::cli::handoff::{Handoff, LoginRequest, login_page};
use addon_conformance::config::{Config, Overrides, Settings};
use addon_conformance::heroku::sso::SsoUser;
use addon_conformance::manifest::Manifest;
use addon_conformance::reference::{FaultSet, ReferencePartner};

use crate::common::sso_page;

use sso_page::{parse_form, sign_in};

/// A reference partner with `faults`, and a browser-like client that follows no redirect itself.
async fn start(faults: FaultSet) -> (ReferencePartner, reqwest::Client) {
    let partner = ReferencePartner::start(faults, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    addon_conformance::tls::install_provider();
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (partner, http)
}

/// Provisions one resource at `partner` as Heroku would: its uuid and the partner's answer.
async fn provision(
    partner: &ReferencePartner,
    http: &reqwest::Client,
) -> (String, serde_json::Value) {
    let uuid = uuid::Uuid::new_v4().to_string();
    let answer = http
        .post(partner.base_url())
        .basic_auth("conformance-ref", Some(&partner.password))
        .json(&serde_json::json!({"uuid": uuid, "plan": "basic", "region": "amazon-web-services::us-east-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    (uuid, answer.json().await.unwrap())
}

#[tokio::test]
async fn the_served_form_signs_in_to_the_reference_partner() {
    let (partner, http) = start(FaultSet::default()).await;
    let (uuid, _) = provision(&partner, &http).await;

    let manifest = Manifest::parse(&partner.manifest_text(), "ref manifest").unwrap();
    let config = Config::parse(&partner.config_text(), "ref config").unwrap();
    let settings =
        Settings::resolve(&manifest, config, &Overrides::default(), "ref config").unwrap();
    let req = LoginRequest {
        resource: uuid.clone(),
        provider_id: None,
        app: "my-app".into(),
        user: SsoUser {
            id: uuid::Uuid::new_v4().to_string(),
            email: "user@example.com".into(),
        },
    };
    let (action, page) = login_page(&manifest, &settings, &req).unwrap();
    assert_eq!(action, partner.sso_url());
    let handoff = Handoff::start(page).await.unwrap();

    // The browser: fetch the page, submit its form, follow the redirect with the cookie.
    let fetched = http
        .get(&handoff.url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(handoff.finish(Duration::from_secs(5)).await);
    assert!(fetched.contains("document.forms[0].submit()"));
    let (form_action, fields) = parse_form(&fetched);
    assert_eq!(form_action, action);
    let (cookie, location) = sign_in(&http, &form_action, &fields).await;
    let dashboard_url = format!("http://{}{location}", partner.addr);
    let dashboard = http
        .get(&dashboard_url)
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.status(), 200);
    assert!(dashboard.text().await.unwrap().contains(&uuid));
    // Without the cookie the dashboard stays shut.
    assert_eq!(http.get(&dashboard_url).send().await.unwrap().status(), 403);
    partner.stop().await;
}

#[test]
fn a_resource_that_is_not_a_uuid_is_a_usage_error() {
    let manifest = Manifest::parse(
        r#"{"id":"x","api":{"sso_salt":"salt-123456","production":{"base_url":"https://x.invalid/r","sso_url":"https://x.invalid/sso"}}}"#,
        "m.json",
    )
    .unwrap();
    let settings =
        Settings::resolve(&manifest, Config::default(), &Overrides::default(), "c").unwrap();
    let req = LoginRequest {
        resource: "nope".into(),
        provider_id: None,
        app: "a".into(),
        user: SsoUser::random(),
    };
    let e = login_page(&manifest, &settings, &req).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("--resource"), "{e}");
}

/// An add-on answering its own integer id and verifying only the legacy `id`/`token` pair signs
/// in with `--provider-id` set to that id, and refuses the uuid in its place.
#[tokio::test]
async fn the_provider_id_signs_the_legacy_pair() {
    let faults =
        FaultSet::parse(&["variant-integer-id".into(), "sso-legacy-pair-only".into()]).unwrap();
    let (partner, http) = start(faults).await;
    let (uuid, answer) = provision(&partner, &http).await;
    let own_id = answer["id"].to_string();
    assert!(own_id.parse::<u64>().is_ok(), "an integer id: {own_id}");

    let manifest = Manifest::parse(&partner.manifest_text(), "ref manifest").unwrap();
    let config = Config::parse(&partner.config_text(), "ref config").unwrap();
    let settings =
        Settings::resolve(&manifest, config, &Overrides::default(), "ref config").unwrap();
    let status = |provider_id: Option<String>| {
        let req = LoginRequest {
            resource: uuid.clone(),
            provider_id,
            app: "my-app".into(),
            user: SsoUser::random(),
        };
        let (_, page) = login_page(&manifest, &settings, &req).unwrap();
        let (action, fields) = parse_form(&page);
        let http = http.clone();
        async move {
            assert!(fields.iter().any(|(k, _)| k == "token"));
            http.post(&action)
                .form(&fields)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(status(Some(own_id)).await, 302);
    assert_eq!(status(None).await, 403);
    partner.stop().await;
}
