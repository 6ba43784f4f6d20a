//! Unit tests of hooks (`mod.rs`).
use super::*;

fn vars() -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("resource_uuid", "0f5e-11".to_owned()),
        ("app", "my-app".to_owned()),
    ])
}

#[test]
fn renders_known_placeholders_and_refuses_the_rest() {
    assert_eq!(
        render("rotate {resource_uuid} --app {app}", &vars()).unwrap(),
        "rotate 0f5e-11 --app my-app"
    );
    assert!(
        render("x {plan}", &vars())
            .unwrap_err()
            .contains("no value")
    );
    // Values that are not plain ids become one single-quoted shell word.
    let evil = BTreeMap::from([("app", "a'; rm -rf /".to_owned())]);
    assert_eq!(render("x {app}", &evil).unwrap(), r"x 'a'\''; rm -rf /'");
}

#[test]
fn other_braces_pass_through() {
    for shell in [
        "curl -H \"Authorization: Bearer ${TOKEN}\" x",
        "awk '{print $1}'",
        "jq '{id:.id}'",
        "jq '{id}'",
        "x {nope} {app",
        "echo ${app}",
    ] {
        assert_eq!(render(shell, &vars()).unwrap(), shell);
    }
    assert_eq!(
        render("echo {{app}} {app}}}", &vars()).unwrap(),
        "echo {app} my-app}"
    );
    assert_eq!(
        referenced_env("curl -u $USER:${PASS_1} {app} $1 $"),
        ["USER", "PASS_1"]
    );
}

#[tokio::test]
async fn runs_with_secrets_in_the_environment_redacted_from_output() {
    let r = Redactor::new();
    r.add("config", "sekrit-value-123");
    let env = BTreeMap::from([("HOOK_SECRET".to_owned(), "sekrit-value-123".to_owned())]);
    let run = run(
        "echo $HOOK_SECRET {app}; exit 3",
        &vars(),
        &env,
        Duration::from_secs(5),
        &r,
    )
    .await;
    assert_eq!(run.status, Some(3));
    assert!(run.stdout.contains("my-app"), "{run:?}");
    assert!(!run.stdout.contains("sekrit"), "{run:?}");
    assert!(!run.summary().contains("sekrit"));
}

#[tokio::test]
async fn a_hanging_hook_times_out() {
    let run = run(
        "sleep 5",
        &vars(),
        &BTreeMap::new(),
        Duration::from_millis(100),
        &Redactor::new(),
    )
    .await;
    assert!(run.timed_out && !run.succeeded(), "{run:?}");
}

#[tokio::test]
async fn the_whole_group_is_killed_and_output_so_far_kept() {
    // A pipeline outlives a killed `sh`; a background job keeps stdout open after `sh` exits.
    let run = run(
        "echo started; sleep 30 | cat",
        &vars(),
        &BTreeMap::new(),
        Duration::from_millis(200),
        &Redactor::new(),
    )
    .await;
    assert!(run.timed_out, "{run:?}");
    assert!(run.stdout.contains("started"), "{run:?}");
    assert!(run.elapsed < Duration::from_secs(5), "{run:?}");
    let run = super::run(
        "sleep 30 & echo done",
        &vars(),
        &BTreeMap::new(),
        Duration::from_secs(20),
        &Redactor::new(),
    )
    .await;
    assert!(run.succeeded() && run.stdout.contains("done"), "{run:?}");
    assert!(run.elapsed < Duration::from_secs(5), "{run:?}");
}

#[tokio::test]
async fn output_is_redacted_before_it_is_cut() {
    let r = Redactor::new();
    let secret = "straddling-secret-value-0123456789";
    let env = BTreeMap::from([("HOOK_SECRET".to_owned(), secret.to_owned())]);
    // The secret starts just before the cut.
    let run = run(
        "printf '%2040s' x; echo \"$HOOK_SECRET\"; echo 'Authorization: Bearer tok-abcdef'",
        &vars(),
        &env,
        Duration::from_secs(5),
        &r,
    )
    .await;
    assert!(!run.stdout.contains("straddling"), "{run:?}");
    let run = super::run(
        "echo 'Authorization: Bearer tok-abcdef https://me:pw-123456@h/'",
        &vars(),
        &BTreeMap::new(),
        Duration::from_secs(5),
        &r,
    )
    .await;
    assert!(
        !run.stdout.contains("tok-abcdef") && !run.stdout.contains("pw-123456"),
        "{run:?}"
    );
}

#[test]
fn the_harness_secrets_are_removed_from_a_hook_environment() {
    let command = shell("env", &BTreeMap::new());
    let removed: Vec<_> = command
        .as_std()
        .get_envs()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .collect();
    for name in HARNESS_SECRET_ENV {
        assert!(removed.iter().any(|r| r == name), "{removed:?}");
    }
}
