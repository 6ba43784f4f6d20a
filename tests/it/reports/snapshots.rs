//! Snapshots, kept small so that one change touches few of them: a conformant summary (one line
//! per check) and, for a few faults that fail disjoint sets of checks, only those checks' blocks
//! in every format. A check's title is in the summary and in at most one fault's file.

use addon_conformance::reference::faults;

use super::{Run, demo};

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../../snapshots");
    s.set_prepend_module_to_snapshot(false);
    for (re, rep) in [
        (r"127\.0\.0\.1:\d{2,5}", "127.0.0.1:[port]"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[uuid]",
        ),
        (r"\(\d+ ms\)", "([n] ms)"),
        (r"slowest \d+ ms", "slowest [n] ms"),
        (r#"time="[0-9.]+""#, r#"time="[n]""#),
        (r"at \d+ ms", "at [n] ms"),
        // Callbacks of different resources interleave: inbound order numbers vary.
        (r"inbound(\s+)#\d+", "inbound$1#[n]"),
        // Exchange numbers count every exchange before: a new check earlier in the run shifts them.
        (r"exchange(\s+)#\d+", "exchange$1#[n]"),
        (r#""seq": \d+"#, r#""seq": "[n]""#),
        (
            r#""(duration_ms|elapsed_ms|started_ms|at_ms)": [0-9.e-]+"#,
            r#""$1": "[n]""#,
        ),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000", "[time]"),
        (r"conformance-app-\d+", "conformance-app-[n]"),
        (r"app\d+@heroku\.com", "app[n]@heroku.com"),
        (
            r"conformance-ref-conformance-[0-9a-f]+",
            "conformance-ref-conformance-[n]",
        ),
        (
            r#""value": "[A-Z][a-z]{2}, \d+ [A-Z][a-z]{2} \d{4} [0-9:]+ GMT""#,
            r#""value": "[date]""#,
        ),
        (
            r#"("name": "content-length",\s*"value": )"\d+""#,
            r#"$1"[n]""#,
        ),
    ] {
        s.add_filter(re, rep);
    }
    s
}

/// Faults with a snapshot of their findings. They fail and warn disjoint sets of checks, so a
/// check's blocks are in at most one of their files.
const SNAPSHOT_FAULTS: &[&str] = &[
    "auth-403",
    "config-undeclared-var",
    "provision-html-content-type",
];

/// One line per check: id, level, title, outcome.
fn summary(run: &Run) -> String {
    run.json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap().to_owned();
            format!(
                "{:<20} {:<6} {:<8} {}",
                field("id"),
                field("level"),
                field("outcome"),
                field("title")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lines from the first one `start` accepts through the next one `end` accepts.
fn block(text: &str, start: impl Fn(&str) -> bool, end: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().skip_while(|l| !start(l)) {
        out.push(line.to_owned());
        if end(line) {
            break;
        }
    }
    out
}

/// Everything the run's outputs say about one check: its terminal lines, its JSON result, its
/// JUnit test case, and its GitHub annotation and summary row.
fn excerpts(run: &Run, id: &str) -> String {
    let mut terminal: Vec<String> = run
        .terminal
        .lines()
        .filter(|l| l.starts_with("  ") && l.split_whitespace().nth(1) == Some(id))
        .map(str::to_owned)
        .collect();
    for outcome in ["FAIL", "WARN"] {
        let head = format!("{outcome} {id} ");
        terminal.extend(block(
            &run.terminal,
            |l| l.starts_with(&head),
            str::is_empty,
        ));
    }
    let result = run.json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    let case = format!("<testcase name=\"{id} ");
    let is_case = |l: &str| l.trim_start().starts_with(&case);
    let junit = block(&run.junit, is_case, |l| {
        l.trim() == "</testcase>" || (is_case(l) && l.ends_with("/>"))
    });
    let github: Vec<&str> = run
        .github
        .lines()
        .filter(|l| l.contains(&format!("title={id} ")) || l.contains(&format!("`{id}`")))
        .collect();
    format!(
        "## {id}\n\n### terminal\n{}\n\n### json\n{}\n\n### junit\n{}\n\n### github\n{}\n",
        terminal.join("\n"),
        serde_json::to_string_pretty(result).unwrap(),
        junit.join("\n"),
        github.join("\n")
    )
}

#[test]
fn snapshot_conformant_summary() {
    let run = demo(&[]);
    settings().bind(|| insta::assert_snapshot!("conformant", summary(&run)));
}

#[test]
fn snapshot_findings_of_faults() {
    for fault in SNAPSHOT_FAULTS {
        let run = demo(&[fault]);
        let findings: Vec<String> = run.json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["outcome"] == "fail" || c["outcome"] == "warn")
            .map(|c| excerpts(&run, c["id"].as_str().unwrap()))
            .collect();
        assert!(!findings.is_empty(), "{fault} finds nothing");
        settings().bind(|| {
            insta::assert_snapshot!(format!("fault-{fault}"), findings.join("\n"));
        });
    }
}

#[test]
fn snapshot_faults_find_disjoint_checks() {
    let mut seen = std::collections::BTreeMap::new();
    for (fault, name, _) in faults::ALL {
        if !SNAPSHOT_FAULTS.contains(name) {
            continue;
        }
        let expected = fault.expected();
        for id in expected.fail.iter().chain(expected.warn) {
            if let Some(other) = seen.insert(*id, *name) {
                panic!("{id} is in the snapshots of both {other} and {name}");
            }
        }
    }
}
