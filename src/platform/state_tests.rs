//! Unit tests of the platform model (`state.rs`).
use super::*;

fn model() -> Model {
    let mut m = Model::new(
        "foo-bar",
        "FOO_BAR",
        vec!["FOO_BAR_A".into(), "FOO_BAR_B".into()],
    );
    m.add_app("app-1", "owner-app");
    m.add_app("app-2", "other-app");
    m.create_addon(
        AddonRecord {
            uuid: "r1".into(),
            name: "foo-bar-1".into(),
            plan: "basic".into(),
            region: "us".into(),
            state: AddonState::Provisioning,
            provider_id: None,
            config: BTreeMap::new(),
            app_id: "app-1".into(),
        },
        "FOO_BAR",
    );
    m
}

#[test]
fn renaming_follows_the_seed_example() {
    assert_eq!(
        rename("FOO_BAR_A", "FOO_BAR", "BALLOON").as_deref(),
        Some("BALLOON_A")
    );
    assert_eq!(
        rename("FAST_DB_URL", "FAST_DB", "PRIMARY_DB").as_deref(),
        Some("PRIMARY_DB_URL")
    );
    assert_eq!(rename("OTHER_A", "FOO_BAR", "BALLOON"), None);
}

#[test]
fn config_while_provisioning_cuts_no_release_and_provisioning_cuts_one() {
    let mut m = model();
    m.set_config("r1", &[("FOO_BAR_A".into(), Some("x".into()))])
        .unwrap();
    assert!(m.apps["app-1"].releases.is_empty());
    assert!(
        m.app_config("app-1").is_empty(),
        "not visible before provisioned"
    );
    m.mark_provisioned("r1");
    assert_eq!(m.apps["app-1"].releases.len(), 1);
    assert_eq!(m.app_config("app-1")["FOO_BAR_A"], "x");
    // Marking again changes nothing.
    m.mark_provisioned("r1");
    assert_eq!(m.apps["app-1"].releases.len(), 1);
}

#[test]
fn a_change_on_a_provisioned_resource_releases_every_attached_app() {
    let mut m = model();
    m.sync_answer(
        "r1",
        "p1",
        BTreeMap::from([("FOO_BAR_A".into(), "v1".into())]),
    );
    m.attach("r1", "app-2", "BALLOON");
    m.set_config("r1", &[("FOO_BAR_A".into(), Some("v2".into()))])
        .unwrap();
    assert_eq!(m.apps["app-1"].releases.len(), 2);
    assert_eq!(m.apps["app-2"].releases.len(), 1);
    assert_eq!(m.app_config("app-2")["BALLOON_A"], "v2");
    assert_eq!(m.app_config("app-1")["FOO_BAR_A"], "v2");
}

#[test]
fn a_rotation_releases_every_attached_app_once_with_the_new_values_renamed() {
    let mut m = model();
    m.sync_answer(
        "r1",
        "p1",
        BTreeMap::from([
            ("FOO_BAR_A".into(), "a1".into()),
            ("FOO_BAR_B".into(), "b1".into()),
        ]),
    );
    m.attach("r1", "app-2", "BALLOON");
    let before: Vec<usize> = ["app-1", "app-2"]
        .iter()
        .map(|a| m.apps[*a].releases.len())
        .collect();
    m.set_config(
        "r1",
        &[
            ("FOO_BAR_A".into(), Some("a2".into())),
            ("FOO_BAR_B".into(), Some("b2".into())),
        ],
    )
    .unwrap();
    for (app, before) in ["app-1", "app-2"].iter().zip(before) {
        assert_eq!(m.apps[*app].releases.len(), before + 1, "{app}");
    }
    let owner = m.app_config("app-1");
    assert_eq!(
        (owner["FOO_BAR_A"].as_str(), owner["FOO_BAR_B"].as_str()),
        ("a2", "b2")
    );
    let other = m.app_config("app-2");
    assert_eq!(
        (other["BALLOON_A"].as_str(), other["BALLOON_B"].as_str()),
        ("a2", "b2")
    );
    assert!(!other.contains_key("FOO_BAR_A"));
}

#[test]
fn undeclared_names_are_refused() {
    let mut m = model();
    let e = m
        .set_config("r1", &[("FOO_BAR_C".into(), Some("x".into()))])
        .unwrap_err();
    assert_eq!(e, ConfigError::UndeclaredName("FOO_BAR_C".into()));
}

#[test]
fn grants_are_single_use_and_expire() {
    let mut m = model();
    let code = m.issue_grant("r1", Duration::from_secs(300));
    let t = m.exchange(&code, Duration::from_secs(60)).unwrap();
    assert_eq!(m.token_scope(&t.access_token).as_deref(), Some("r1"));
    assert_eq!(
        m.exchange(&code, Duration::from_secs(60)).unwrap_err(),
        GrantError::Used
    );
    let stale = m.issue_grant("r1", Duration::ZERO);
    assert_eq!(
        m.exchange(&stale, Duration::from_secs(60)).unwrap_err(),
        GrantError::Expired
    );
    assert_eq!(
        m.exchange("nope", Duration::from_secs(60)).unwrap_err(),
        GrantError::Unknown
    );
    let r = m
        .refresh(&t.refresh_token, Duration::from_secs(60))
        .unwrap();
    assert_ne!(r.access_token, t.access_token);
    m.deprovision("r1");
    assert!(
        m.token_scope(&r.access_token).is_none(),
        "revoked on deprovision"
    );
}

#[test]
fn a_refused_repeat_delivery_leaves_an_existing_resource_alone() {
    let mut m = model();
    m.sync_answer("r1", "r1", BTreeMap::new());
    assert!(m.begin_async_deprovision("r1"));
    // The removed uuid delivered again and refused (410): the pending removal still stands.
    m.refused("r1");
    assert_eq!(
        m.addons.get("r1").map(|a| a.state),
        Some(AddonState::Deprovisioning)
    );
    // A first delivery refused: nothing exists.
    let mut fresh = model();
    fresh.refused("r1");
    assert!(!fresh.addons.contains_key("r1"));
}

#[test]
fn a_token_can_come_until_the_grant_expires_unexchanged() {
    let mut m = model();
    assert_eq!(m.token_prospect("r1"), TokenProspect::Never);
    m.issue_grant("r1", Duration::from_secs(60));
    assert!(matches!(m.token_prospect("r1"), TokenProspect::Until(_)));
    m.issue_grant("r2", Duration::ZERO);
    assert_eq!(m.token_prospect("r2"), TokenProspect::Never);
}
