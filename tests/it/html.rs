//! The HTML report in a real browser: headless Chromium loads the report of a faulty demo run and
//! the rendered DOM shows every failing check, expanded. Outside CI the test skips when chromium
//! is missing; under `CI=true` it must run (`.ci/run` installs chromium).
#![expect(
    clippy::expect_used,
    clippy::print_stderr,
    clippy::unwrap_used,
    reason = "test code: a panic is how a test reports its failure"
)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use addon_conformance::record::outcome::Outcome;
use addon_conformance::report::HtmlReport;
use addon_conformance::report::file::render;

const FAULTS: &[&str] = &[
    "config-undeclared-var",
    "no-auth-on-deprovision",
    "config-url-relative",
    "provision-html-content-type",
];

fn tmp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ac-html-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Loads `file` in headless Chromium and returns the DOM after rendering.
fn dump_dom(browser: &Path, file: &Path, profile: &Path) -> String {
    let child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(output) => {
            let output = output.expect("chromium ran");
            assert!(
                output.status.success(),
                "chromium failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("chromium did not finish within 120 s");
        }
    }
}

#[test]
fn the_html_report_shows_every_failing_check_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is missing under CI=true; .ci/run installs it"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let (outcome, recorder) = common::demo_recorded(FAULTS);
    let failing = outcome.report.ids(Outcome::Fail);
    let warning = outcome.report.ids(Outcome::Warn);
    assert!(
        failing.len() >= 3 && !warning.is_empty(),
        "{failing:?} {warning:?}"
    );

    let html = String::from_utf8(render(HtmlReport::default(), &recorder.events).unwrap()).unwrap();
    // Self-contained: nothing for the browser to fetch.
    for needle in ["<script", "<link", "@import", "url(", "src="] {
        assert!(!html.contains(needle), "the report references `{needle}`");
    }
    let dir = tmp_dir();
    let file = dir.join("report.html");
    std::fs::write(&file, &html).unwrap();
    let dom = dump_dom(&browser, &file, &dir.join("profile"));

    assert!(
        dom.contains("<h1>addon-conformance: conformance-ref</h1>"),
        "{dom}"
    );
    for id in failing.iter().chain(&warning) {
        let outcome = if failing.contains(id) { "fail" } else { "warn" };
        let marker = format!("id=\"check-{id}\" data-outcome=\"{outcome}\"><details open=\"\">");
        assert!(
            dom.contains(&marker),
            "{id} is not shown expanded as {outcome}"
        );
    }
    // Evidence and the timeline of a failing check are rendered.
    assert!(dom.contains("reproduce") && dom.contains("class=\"timeline\""));
    assert!(dom.contains(&format!("{} failed", failing.len())));
    // Failures first: the verdict banner, then an index linking every failure to its block.
    assert!(
        dom.contains("class=\"banner fail\" id=\"verdict\"><strong>FAIL</strong>"),
        "{dom}"
    );
    let index = dom
        .split("<nav id=\"failures\">")
        .nth(1)
        .expect("failures index");
    let index = index.split("</nav>").next().unwrap();
    for id in failing.iter().chain(&warning) {
        assert!(
            index.contains(&format!("<a href=\"#check-{id}\">{id}</a>")),
            "{id} is not linked from the index"
        );
    }
    // Each timeline has a time scale.
    assert!(dom.contains("class=\"track scale\"") && dom.contains(">0 ms<"));
    let _ = std::fs::remove_dir_all(&dir);
}
