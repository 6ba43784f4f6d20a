//! Runs one test of this binary again inside a private network namespace (loopback only), so a
//! program that ignored the proxy fails instead of reaching a real host. Where namespaces are
//! unavailable the test is skipped with a message, except under `CI=true`, where that fails.

use std::process::Command;

const INSIDE: &str = "ADDON_CONFORMANCE_TEST_NETNS";

/// The `unshare` invocation that works here: as root, or as a user mapped to root.
fn unshare_prefix() -> Option<Vec<&'static str>> {
    let candidates: [&[&str]; 2] = [&["--net"], &["--user", "--map-root-user", "--net"]];
    candidates.into_iter().find_map(|flags| {
        let ok = Command::new("unshare")
            .args(flags)
            .args(["--", "sh", "-c", "ip link set lo up"])
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| flags.to_vec())
    })
}

fn skip_or_fail(why: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{why}; under CI=true this test must run");
    }
    #[expect(
        clippy::print_stderr,
        reason = "a skipped test says why on the test output"
    )]
    {
        eprintln!("SKIPPED: {why}");
    }
}

/// True when the caller is inside the namespace and should run its body. Outside, runs `test`
/// again inside one (and asserts that it passed), or skips; either way returns false.
pub fn inside(test: &str, needs: &[&str]) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        return true;
    }
    for program in needs {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {program}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            skip_or_fail(&format!("{program} is not installed"));
            return false;
        }
    }
    let Some(prefix) = unshare_prefix() else {
        skip_or_fail("network namespaces are unavailable (unshare --net failed)");
        return false;
    };
    let exe = std::env::current_exe().expect("test binary");
    let output = Command::new("unshare")
        .args(&prefix)
        .args(["--", "sh", "-c", r#"ip link set lo up && exec "$@""#, "sh"])
        .arg(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .output()
        .expect("unshare runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{test} failed inside its namespace:\n{text}"
    );
    assert!(
        text.contains("1 passed"),
        "{test} did not run inside its namespace:\n{text}"
    );
    false
}

/// Inside the namespace: there is no route off the machine.
pub fn assert_isolated() {
    let routes = Command::new("ip")
        .args(["route", "show", "default"])
        .output()
        .expect("ip");
    assert!(
        String::from_utf8_lossy(&routes.stdout).trim().is_empty(),
        "a default route exists inside the test namespace"
    );
}
