//! The binary as a user runs it: exit codes, bad inputs, and `run` against `serve-reference`
//! giving the same verdicts as `demo`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_addon-conformance");

fn cmd(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("addon-conformance-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn verdicts(report: &std::path::Path) -> BTreeMap<String, String> {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve_reference(
    faults: &[&str],
    manifest: &std::path::Path,
    config: &std::path::Path,
) -> Server {
    let mut args = vec!["serve-reference".to_owned()];
    for f in faults {
        args.extend(["--fault".to_owned(), f.to_string()]);
    }
    args.extend([
        "--write-manifest".to_owned(),
        manifest.display().to_string(),
        "--write-config".to_owned(),
        config.display().to_string(),
    ]);
    let mut child = Command::new(BIN)
        .args(&args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve-reference starts");
    // Event-driven wait: the server prints this line once it listens and has written the files.
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let line = lines
            .next()
            .expect("serve-reference printed its address")
            .unwrap();
        if line.starts_with("reference partner listening on") {
            break;
        }
    }
    Server(child)
}

fn same_verdicts_as_demo(faults: &[&str]) {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(faults, &manifest, &config);
    let run_report = manifest.with_file_name("run.json");
    let run = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--report-json",
        run_report.to_str().unwrap(),
    ]);
    let demo_report = manifest.with_file_name("demo.json");
    let mut demo_args = vec!["demo", "--report-json", demo_report.to_str().unwrap()];
    for f in faults {
        demo_args.extend(["--fault", f]);
    }
    let demo = cmd(&demo_args);
    assert_eq!(
        run.status.code(),
        demo.status.code(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    assert_eq!(verdicts(&run_report), verdicts(&demo_report));
}

#[test]
fn run_against_serve_reference_matches_demo() {
    same_verdicts_as_demo(&[]);
}

#[test]
fn run_against_a_faulty_serve_reference_matches_demo() {
    same_verdicts_as_demo(&["no-auth-on-plan-change", "config-url-relative"]);
}

#[test]
fn demo_exit_codes() {
    let ok = cmd(&["demo", "--color", "never"]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        stdout.contains("0 failed") && !stdout.contains('\x1b'),
        "{stdout}"
    );
    let bad = cmd(&["demo", "--fault", "provision-500"]);
    assert_eq!(bad.status.code(), Some(1));
    // A SHOULD violation alone warns; the run still passes.
    let warn = cmd(&["demo", "--fault", "config-url-relative"]);
    assert_eq!(warn.status.code(), Some(0));
}

#[test]
fn bad_manifest_names_the_file_and_exits_2() {
    let path = tmp("broken.json");
    std::fs::write(&path, "{\"id\": \"x\", \"api\": ").unwrap();
    let out = cmd(&["run", "--manifest", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.json") && err.contains("line 1") && err.contains("fix:"),
        "{err}"
    );
}

#[test]
fn bad_config_names_the_field_and_exits_2() {
    let manifest = tmp("m.json");
    let config = manifest.with_file_name("c.toml");
    let _server = serve_reference(&[], &manifest, &config);
    std::fs::write(&config, "[plans]\ndefualt = \"basic\"\n").unwrap();
    let out = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("c.toml") && err.contains("defualt"), "{err}");
}

#[test]
fn missing_plan_is_an_input_error_not_a_guess() {
    let manifest = tmp("m.json");
    let config = manifest.with_file_name("c.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("default = \"basic\"", "");
    std::fs::write(&config, text).unwrap();
    let out = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("plans.default"));
}

#[test]
fn unknown_check_suggests_and_exits_2() {
    let out = cmd(&["demo", "--check", "PROV-4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PROV-04"));
}

#[test]
fn list_and_explain() {
    let out = cmd(&["list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["suites"].as_array().unwrap().len() >= 6);
    let out = cmd(&["explain", "AUTH-02.deprovision"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("AUTH-02 [MUST]")
            && text.contains("common causes")
            && text.contains("https://"),
        "{text}"
    );
    let out = cmd(&["list", "--format", "md"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("| provision | PROV-02 |"));
}

/// Starts `run` against a reference partner, reading its stdout and stderr lines on threads.
struct Running {
    child: Child,
    stdout: std::sync::mpsc::Receiver<String>,
    stderr: std::sync::mpsc::Receiver<String>,
}

fn lines_of(pipe: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn start_run(manifest: &std::path::Path, config: &std::path::Path) -> Running {
    let mut child = Command::new(BIN)
        .args([
            "run",
            "--manifest",
            manifest.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run starts");
    let stdout = lines_of(child.stdout.take().unwrap());
    let stderr = lines_of(child.stderr.take().unwrap());
    Running {
        child,
        stdout,
        stderr,
    }
}

/// Reads lines until one satisfies `until`; returns everything read.
fn read_until(rx: &std::sync::mpsc::Receiver<String>, until: impl Fn(&str) -> bool) -> String {
    let mut seen = String::new();
    for line in rx.iter() {
        seen.push_str(&line);
        seen.push('\n');
        if until(&line) {
            return seen;
        }
    }
    panic!("the stream ended before the expected line:\n{seen}");
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn sigint_stops_the_run_cleans_up_and_exits_130() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let mut run = start_run(&manifest, &config);
    // The first provision check has finished: the shared resource exists.
    let mut out = read_until(&run.stdout, |l| l.contains("PROV-02"));
    signal(&run.child, "INT");
    out.push_str(&run.stdout.iter().collect::<Vec<_>>().join("\n"));
    let status = run.child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{out}");
    assert!(out.contains("stopped: interrupted"), "{out}");
    assert!(out.contains("nothing left behind"), "{out}");
    assert!(!out.contains("DEPROV-02"), "{out}");
}

#[cfg(unix)]
#[test]
fn sigterm_then_a_second_signal_aborts_at_once() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    // The first provision takes 1.5 s, so the run is waiting on the partner when signalled.
    let _server = serve_reference(&["slow-provision"], &manifest, &config);
    let mut run = start_run(&manifest, &config);
    read_until(&run.stdout, |l| l.starts_with("Provision"));
    signal(&run.child, "TERM");
    read_until(&run.stderr, |l| l.starts_with("interrupted:"));
    signal(&run.child, "INT");
    let status = run.child.wait().unwrap();
    let out: Vec<String> = run.stdout.iter().collect();
    let err: Vec<String> = run.stderr.iter().collect();
    assert_eq!(status.code(), Some(130));
    assert!(err.iter().any(|l| l.starts_with("aborted:")), "{err:?}");
    assert!(!out.iter().any(|l| l.contains("cleanup:")), "{out:?}");
}
