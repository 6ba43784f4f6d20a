//! The binary as a user runs it: exit codes, bad inputs, and `run` against `serve-reference`
//! giving the same verdicts as `demo`.

use crate::common::sso_page;

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

/// Kills the server when the test ends, however it ends; holds its origin (`http://127.0.0.1:N`).
struct Server(Child, String);

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
    let origin = loop {
        let line = lines
            .next()
            .expect("serve-reference printed its address")
            .unwrap();
        if let Some(origin) = line.strip_prefix("reference partner listening on ") {
            break origin.to_owned();
        }
    };
    Server(child, origin)
}

/// The uuids the reference partner still holds, from its admin endpoint.
fn live_at(server: &Server) -> Vec<String> {
    use std::io::{Read, Write};
    let addr = server.1.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    write!(
        conn,
        "GET /admin/resources HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    conn.read_to_string(&mut text).unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    json["live"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
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
    assert!(
        err.contains("c.toml") && err.contains("plans.defualt"),
        "{err}"
    );
    assert!(err.contains("did you mean `default`?"), "{err}");
    assert!(err.contains("addon-conformance init"), "{err}");
    // A bare number where a duration belongs shows the accepted form.
    std::fs::write(&config, "[timeouts]\nwarn_after = 3\n").unwrap();
    let out = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("timeouts.warn_after") && err.contains("\"3s\""),
        "{err}"
    );
    // Typed flags are refused by the parser, before anything is read or sent.
    for (flag, value, says) in [
        ("--request-timeout", "5", "no unit"),
        ("--base-url", "localhost:3000", "http(s) URL"),
        ("--platform-bind", "localhost", "127.0.0.1:0"),
    ] {
        let out = cmd(&["run", "--manifest", manifest.to_str().unwrap(), flag, value]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{flag}: {err}");
    }
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

/// `sso --no-browser` prints a loopback URL whose page, submitted like a browser does, signs in
/// to `serve-reference`; the command then exits 0.
#[tokio::test]
async fn sso_command_prints_a_page_that_signs_in() {
    addon_conformance::tls::install_provider();
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let c: toml::Table = toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let base = c["partner"]["base_url"].as_str().unwrap().to_owned();
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let uuid = uuid::Uuid::new_v4().to_string();
    let created = http
        .post(&base)
        .basic_auth("conformance-ref", m["api"]["password"].as_str())
        .json(&serde_json::json!({"uuid": uuid, "plan": "basic", "region": "amazon-web-services::us-east-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);

    let mut child = Command::new(BIN)
        .args([
            "sso",
            "--resource",
            &uuid,
            "--no-browser",
            "--wait",
            "20s",
            "--manifest",
        ])
        .arg(&manifest)
        .arg("--config")
        .arg(&config)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("sso printed a URL").unwrap();
        if line.starts_with("http://127.0.0.1:") {
            break line;
        }
    };
    let page = http.get(&url).send().await.unwrap().text().await.unwrap();
    let (action, fields) = sso_page::parse_form(&page);
    let (cookie, location) = sso_page::sign_in(&http, &action, &fields).await;
    let origin = base.trim_end_matches("/heroku/resources");
    let dashboard = format!("{origin}{location}");
    let page = http
        .get(&dashboard)
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains(&uuid));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
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
    start_run_with(manifest, config, &[])
}

fn start_run_with(manifest: &std::path::Path, config: &std::path::Path, extra: &[&str]) -> Running {
    let mut child = Command::new(BIN)
        .args([
            "run",
            "--manifest",
            manifest.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ])
        .args(extra)
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
    let _server = serve_reference(&[], &manifest, &config);
    let ledger = manifest.with_file_name("ledger.jsonl");
    // A partner that accepts connections and never answers: the run is provably blocked on its
    // first provision (for up to a minute) while both signals arrive.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent = format!("http://{}/heroku/resources", listener.local_addr().unwrap());
    let (accepted, connected) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
            let _ = accepted.send(());
        }
    });
    let mut run = start_run_with(
        &manifest,
        &config,
        &[
            "--base-url",
            &silent,
            "--request-timeout",
            "60s",
            // One provision in flight at a time: the listing below names exactly that one.
            "--jobs",
            "1",
            "--ledger",
            ledger.to_str().unwrap(),
        ],
    );
    read_until(&run.stdout, |l| l.starts_with("Provision"));
    // The first provision is in flight (and in the ledger, written before the connection).
    connected.recv().unwrap();
    signal(&run.child, "TERM");
    read_until(&run.stderr, |l| l.starts_with("interrupted:"));
    // The interrupted run's cleanup now waits on the silent partner: the second signal aborts it.
    signal(&run.child, "INT");
    let status = run.child.wait().unwrap();
    let out: Vec<String> = run.stdout.iter().collect();
    let err: Vec<String> = run.stderr.iter().collect();
    assert_eq!(status.code(), Some(130));
    assert!(err.iter().any(|l| l.starts_with("aborted:")), "{err:?}");
    assert!(!out.iter().any(|l| l.contains("cleanup:")), "{out:?}");
    // The provision in flight is listed from the ledger, with the curl that removes it.
    let (_, entries) = addon_conformance::record::ledger::read_file(&ledger).unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let listed = err
        .iter()
        .any(|l| l.contains(&entries[0].uuid) && l.contains("curl -sS -X DELETE"));
    assert!(listed, "{err:?}");
}

#[cfg(unix)]
#[test]
fn a_killed_run_loses_nothing_cleanup_from_its_ledger_empties_the_partner() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let dir = manifest.parent().unwrap().to_path_buf();
    let ledger = dir.join(".addon-conformance").join("ledger-killed.jsonl");
    // Slow first provision: the shared one is still in flight at the partner for a while.
    let server = serve_reference(&["sluggish-provision"], &manifest, &config);
    // One suite at a time: with suites side by side a probe the partner would refuse (the
    // unknown region) may be cut off in flight, and its 404 at cleanup is rightly no proof (the
    // partner may have accepted it), so it would be listed rather than removed.
    let args = ["--ledger", ledger.to_str().unwrap(), "--jobs", "1"];
    let mut run = start_run_with(&manifest, &config, &args);
    read_until(&run.stdout, |l| l.contains("PROV-03"));
    signal(&run.child, "KILL");
    run.child.wait().unwrap();
    let live = live_at(&server);
    assert!(!live.is_empty(), "the run had made something");
    let (_, entries) = addon_conformance::record::ledger::read_file(&ledger).unwrap();
    for uuid in &live {
        assert!(
            entries
                .iter()
                .any(|e| &e.uuid == uuid && e.state.may_exist()),
            "{uuid} is live but not outstanding in the ledger: {entries:?}"
        );
    }
    let cleanup = |expect: &str| {
        let out = cmd(&[
            "cleanup",
            "--manifest",
            manifest.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--ledger",
            ledger.to_str().unwrap(),
        ]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(expect), "{text}");
        text
    };
    let first = cleanup("nothing left behind");
    for uuid in &live {
        assert!(first.contains(&format!("removed {uuid}")), "{first}");
    }
    assert_eq!(live_at(&server), Vec::<String>::new());
    // Idempotent: the ledger now says every resource is gone, and nothing is sent.
    cleanup("nothing outstanding");
    // Without --ledger, every ledger in ./.addon-conformance/; a finished one is removed.
    let out = Command::new(BIN)
        .current_dir(&dir)
        .args(["cleanup", "--manifest", manifest.to_str().unwrap()])
        .args(["--config", config.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("nothing outstanding"), "{text}");
    assert!(!ledger.exists());
    let again = Command::new(BIN)
        .current_dir(&dir)
        .args(["cleanup", "--manifest", manifest.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to clean up"));
}

fn run_via(
    manifest: &std::path::Path,
    config: &std::path::Path,
    base_url: &str,
    env: &[(&str, &str)],
) -> Output {
    let mut c = Command::new(BIN);
    c.args([
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--base-url",
        base_url,
        "--check",
        "PROV-02",
        "--color",
        "never",
    ]);
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        c.env_remove(var);
    }
    c.envs(env.iter().copied());
    c.output().expect("binary runs")
}

#[test]
fn proxies_from_the_environment_are_honoured_and_loopback_is_never_proxied() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let text = std::fs::read_to_string(&config).unwrap();
    let base = text
        .lines()
        .find_map(|l| l.strip_prefix("base_url = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_owned();
    let origin = base.trim_end_matches("/heroku/resources").to_owned();
    // A host that is never resolved here, reachable only through the proxy: the reference
    // partner answers absolute-form requests like a forward proxy that delivers them.
    let unresolvable = "http://partner.invalid/heroku/resources";
    let proxied = run_via(&manifest, &config, unresolvable, &[("HTTP_PROXY", &origin)]);
    let out = String::from_utf8_lossy(&proxied.stdout);
    assert_eq!(proxied.status.code(), Some(0), "{out}");
    // (NO_PROXY for a non-loopback host is not probed here: bypassing the proxy would make the
    // test resolve that host through the system's DNS, which leaves this machine.)
    // A loopback partner is reached directly even when a (dead) proxy is configured.
    let dead_proxy = "http://127.0.0.1:9";
    let direct = run_via(
        &manifest,
        &config,
        &base,
        &[
            ("HTTP_PROXY", dead_proxy),
            ("HTTPS_PROXY", dead_proxy),
            ("ALL_PROXY", dead_proxy),
        ],
    );
    let out = String::from_utf8_lossy(&direct.stdout);
    assert_eq!(direct.status.code(), Some(0), "{out}");
}

#[test]
fn dry_run_sends_nothing_and_counts_billable_provisions() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let server = serve_reference(&[], &manifest, &config);
    drop(server); // Nothing listens any more: a request would fail.
    let out = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--dry-run",
        "--suite",
        "provision",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("OPT-02") && !text.contains("MAN-01"),
        "{text}"
    );
    assert!(text.contains("billable provisions: at most 4"), "{text}");
}

#[test]
fn partitions_and_rerun_failed_from_the_command_line() {
    let dir = tmp("x").with_file_name("");
    let mut seen = Vec::new();
    for k in 1..=3 {
        let report = dir.join(format!("part{k}.json"));
        let part = format!("{k}/3");
        let out = cmd(&[
            "demo",
            "--fault",
            "provision-500",
            "--partition",
            &part,
            "--report-json",
            report.to_str().unwrap(),
        ]);
        assert!(matches!(out.status.code(), Some(0 | 1)));
        seen.extend(verdicts(&report).into_keys());
    }
    // Timing runs in every share (it judges each job's own calls); every other check exactly once.
    seen.sort();
    for id in ["TIME-01", "TIME-02"] {
        assert_eq!(seen.iter().filter(|s| *s == id).count(), 3, "{id}");
    }
    seen.dedup();
    let all = verdicts(&{
        let p = dir.join("all.json");
        cmd(&[
            "demo",
            "--fault",
            "provision-500",
            "--report-json",
            p.to_str().unwrap(),
        ]);
        p
    });
    assert_eq!(seen, all.keys().cloned().collect::<Vec<_>>());
    // Rerun only what failed or was blocked last time.
    let rerun = dir.join("rerun.json");
    let out = cmd(&[
        "demo",
        "--rerun-failed",
        dir.join("all.json").to_str().unwrap(),
        "--report-json",
        rerun.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the conformant reference passes the rerun"
    );
    let rerun_ids: Vec<String> = verdicts(&rerun).into_keys().collect();
    let failed: Vec<String> = all
        .iter()
        .filter(|(_, o)| *o != "pass")
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(rerun_ids, failed);
    assert!(cmd(&["demo", "--partition", "4/3"]).status.code() == Some(2));
}

#[test]
fn init_writes_a_config_and_refuses_to_overwrite() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let target = manifest.with_file_name("new.toml");
    let args = [
        "init",
        "--manifest",
        manifest.to_str().unwrap(),
        "--output",
        target.to_str().unwrap(),
    ];
    assert_eq!(cmd(&args).status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("[plans]")
    );
    let again = cmd(&args);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(cmd(&forced).status.code(), Some(0));
    // Until the partner names its plan, `run` stops before sending anything and says what to set.
    let run = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        target.to_str().unwrap(),
        "--base-url",
        "http://127.0.0.1:9/heroku/resources",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("plans.default"));
}

#[test]
fn github_actions_gets_annotations_and_a_step_summary() {
    let summary = tmp("summary.md");
    let out = Command::new(BIN)
        .args([
            "demo",
            "--fault",
            "config-undeclared-var",
            "--color",
            "never",
        ])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("::error title=PROV-04 [MUST]"), "{text}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("| FAIL | `PROV-04` | MUST |"), "{md}");
}

#[test]
fn exec_runs_the_command_with_the_app_side_config_and_its_exit_status() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let base = [
        "exec",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    let mut args = base.to_vec();
    args.extend(["--as", "BALLOON", "--attach-again", "REPLICA", "--", "env"]);
    // The harness's secrets in its environment (the same values as the manifest's) never reach
    // the command.
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let password = m["api"]["password"].as_str().unwrap().to_owned();
    let salt = m["api"]["sso_salt"].as_str().unwrap().to_owned();
    let out = Command::new(BIN)
        .args(&args)
        .env_remove("NO_COLOR")
        .env("ADDON_PASSWORD", &password)
        .env("ADDON_SSO_SALT", &salt)
        .env("ADDON_OAUTH_CLIENT_SECRET", "client-secret-in-env-42")
        .output()
        .unwrap();
    let env = String::from_utf8_lossy(&out.stdout);
    for (name, value) in [
        ("ADDON_PASSWORD", password.as_str()),
        ("ADDON_SSO_SALT", salt.as_str()),
        ("ADDON_OAUTH_CLIENT_SECRET", "client-secret-in-env-42"),
    ] {
        assert!(
            !env.contains(name) && !env.contains(value),
            "{name} leaked: {env}"
        );
    }
    let notes = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{notes}");
    assert!(
        env.lines()
            .any(|l| l.starts_with("BALLOON_URL=postgres://"))
            && env.lines().any(|l| l.starts_with("BALLOON_API_KEY=")),
        "{env}"
    );
    assert!(!env.contains("CONFORMANCE_REF_URL="), "{env}");
    // A second attachment to the same app: the command sees both sets of vars, same values.
    let value = |name: &str| {
        env.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::to_owned)
    };
    assert!(value("REPLICA_URL=").is_some(), "{env}");
    assert_eq!(value("REPLICA_URL="), value("BALLOON_URL="));
    assert!(notes.contains("attached as BALLOON"), "{notes}");
    // The notes name the vars but never show their values.
    assert!(!notes.contains("postgres://"), "{notes}");
    let mut args = base.to_vec();
    args.extend([
        "--",
        "sh",
        "-c",
        // Without --as the attachment is named after the answer's recommended_prefix.
        "test -n \"$REFDB_URL\" && exit 7",
    ]);
    let out = cmd(&args);
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut args = base.to_vec();
    args.extend(["--as", "bad-name", "--", "true"]);
    let out = cmd(&args);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_rotate_hook_failing_here_is_an_error_at_once_not_a_partner_failure() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .lines()
        .map(|l| {
            if l.starts_with("rotate = ") {
                "rotate = \"sleep 20\"".to_owned()
            } else if l.starts_with("timeout = ") {
                "timeout = \"200ms\"\nrotation_timeout = \"60s\"".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&config, text).unwrap();
    let report = manifest.with_file_name("run.json");
    let started = std::time::Instant::now();
    let out = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--suite",
        "rotation",
        "--report-json",
        report.to_str().unwrap(),
    ]);
    // Neither the hook's 20s nor the 60s rotation wait is spent.
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    let v = verdicts(&report);
    assert_eq!(
        v.get("ROTATE-04").map(String::as_str),
        Some("error"),
        "{v:?} {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!v.values().any(|o| o == "fail"), "{v:?}");
}

#[test]
fn exec_exit_codes_follow_the_partner() {
    // A refused provision is the partner's failure (1), and the command never runs.
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&["provision-500"], &manifest, &config);
    let marker = manifest.with_file_name("ran");
    let script = format!("touch {}", marker.display());
    let args = [
        "exec",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        &script,
    ];
    let out = cmd(&args);
    let notes = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{notes}");
    assert!(notes.contains("refused the provision"), "{notes}");
    assert!(!marker.exists());

    // A failed deprovision: non-zero although the command succeeded, with a removal line.
    let (code, notes, ledger) = exec_true(&["deprovision-500"]);
    assert_eq!(code, Some(1), "{notes}");
    assert!(notes.contains("curl -sS -X DELETE"), "{notes}");
    // The ledger stays, names the resource, and is what `cleanup` reads.
    assert!(
        notes.contains(&format!("cleanup --ledger {}", ledger.display())),
        "{notes}"
    );
    let kept = std::fs::read_to_string(&ledger).unwrap();
    assert!(kept.contains("exec provision"), "{kept}");

    // A removal that succeeded leaves no ledger behind.
    let (code, notes, ledger) = exec_true(&[]);
    assert_eq!(code, Some(0), "{notes}");
    assert!(!ledger.exists());
}

/// `exec --ledger FILE -- true` against a reference partner with `faults`: the exit code, the
/// notes (stderr) and the ledger path.
fn exec_true(faults: &[&str]) -> (Option<i32>, String, PathBuf) {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(faults, &manifest, &config);
    let ledger = manifest.with_file_name("exec-ledger.jsonl");
    let out = cmd(&[
        "exec",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--ledger",
        ledger.to_str().unwrap(),
        "--",
        "true",
    ]);
    let notes = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), notes, ledger)
}

#[cfg(unix)]
#[test]
fn sigterm_while_exec_waits_for_the_provision_skips_the_command_and_deprovisions() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(
        &["variant-async-all", "async-never-completes"],
        &manifest,
        &config,
    );
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("callback = \"3s\"", "callback = \"60s\"");
    std::fs::write(&config, text).unwrap();
    let marker = manifest.with_file_name("ran");
    let mut child = Command::new(BIN)
        .args([
            "exec",
            "--manifest",
            manifest.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--",
            "touch",
            marker.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = lines_of(child.stderr.take().unwrap());
    read_until(&stderr, |l| l.contains("for its actions/provision call"));
    let started = std::time::Instant::now();
    signal(&child, "TERM");
    let rest = read_until(&stderr, |l| l.contains("not starting it"));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(!marker.exists());
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn run_picks_up_the_files_init_writes_and_says_which() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let dir = manifest.parent().unwrap();
    let out = Command::new(BIN)
        .args(["run", "--suite", "manifest"])
        .current_dir(dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("using addon-manifest.json and conformance.toml"),
        "{err}"
    );
    // Without the files and the flag, the error says what to pass.
    let empty = tmp("nothing-here");
    std::fs::create_dir_all(&empty).unwrap();
    let out = Command::new(BIN)
        .args(["run"])
        .current_dir(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--manifest"));
}

#[test]
fn a_manifest_no_request_can_authenticate_with_is_an_input_error_for_network_suites() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let good: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let report = manifest.with_file_name("run.json");
    for (field, edit) in [
        (
            "api.password",
            Box::new(|m: &mut serde_json::Value| m["api"]["password"] = "".into())
                as Box<dyn Fn(&mut serde_json::Value)>,
        ),
        (
            "api.password",
            Box::new(|m: &mut serde_json::Value| m["api"]["password"] = 42.into()),
        ),
        (
            "api.password",
            Box::new(|m: &mut serde_json::Value| {
                m["api"].as_object_mut().unwrap().remove("password");
            }),
        ),
        (
            "id",
            Box::new(|m: &mut serde_json::Value| {
                m.as_object_mut().unwrap().remove("id");
            }),
        ),
    ] {
        let mut m = good.clone();
        edit(&mut m);
        std::fs::write(&manifest, m.to_string()).unwrap();
        let args = |extra: &[&str]| {
            let mut a = vec![
                "run".to_owned(),
                "--manifest".to_owned(),
                manifest.display().to_string(),
                "--config".to_owned(),
                config.display().to_string(),
                "--report-json".to_owned(),
                report.display().to_string(),
            ];
            a.extend(extra.iter().map(|s| s.to_string()));
            a
        };
        let _ = std::fs::remove_file(&report);
        let out = Command::new(BIN).args(args(&[])).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{field}: {err}");
        assert!(
            err.contains(field) && err.contains("nothing was sent"),
            "{err}"
        );
        assert!(!report.exists(), "no run started");
        // The manifest suite alone still judges it.
        let out = Command::new(BIN)
            .args(args(&["--suite", "manifest"]))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{field}");
        let v = verdicts(&report);
        assert!(v.values().any(|o| o == "fail"), "{v:?}");
    }
}

#[test]
fn completions_man_page_and_version() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = cmd(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("addon-conformance") && text.contains("serve-reference"),
            "{shell}"
        );
    }
    let out = cmd(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cmd(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.starts_with(".ie") || page.contains(".TH"), "{page}");
    assert!(page.contains("addon-conformance"), "{page}");
    let out = cmd(&["--version"]);
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(
        version.contains(env!("CARGO_PKG_VERSION"))
            && version.contains("commit ")
            && version.contains("catalogue "),
        "{version}"
    );
}

#[test]
fn exec_gives_the_resource_ids_keeps_on_request_and_exits_127_for_a_missing_command() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let base = [
        "exec",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    let mut args = base.to_vec();
    args.extend(["--keep", "--", "env"]);
    let out = cmd(&args);
    let notes = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{notes}");
    let env = String::from_utf8_lossy(&out.stdout);
    let value = |name: &str| {
        env.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_default()
            .to_owned()
    };
    let uuid = value("ADDON_RESOURCE_UUID");
    assert!(uuid::Uuid::parse_str(&uuid).is_ok(), "{env}");
    assert!(!value("ADDON_PROVIDER_ID").is_empty(), "{env}");
    // Kept: the note says how to remove it, and no deprovision was sent.
    assert!(
        notes.contains("--keep") && notes.contains("curl -sS -X DELETE") && notes.contains(&uuid),
        "{notes}"
    );
    assert!(!notes.contains("deprovision did not succeed"), "{notes}");

    let mut args = base.to_vec();
    args.extend(["--", "no-such-command-anywhere-42"]);
    let out = cmd(&args);
    let notes = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(127), "{notes}");
    assert!(
        notes.contains("command not found") && notes.contains("nothing was provisioned"),
        "{notes}"
    );
}

/// Rewrites lines of a config that start with one of `keys` (`key = ` prefix) to `value`.
fn edit_config(config: &std::path::Path, edits: &[(&str, &str)]) {
    let text = std::fs::read_to_string(config).unwrap();
    let text = text
        .lines()
        .map(|l| {
            edits
                .iter()
                .find(|(k, _)| l.starts_with(&format!("{k} = ")))
                .map_or_else(|| l.to_owned(), |(_, v)| (*v).to_owned())
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(config, text).unwrap();
}

#[test]
fn dry_run_is_a_preflight_with_every_problem_and_the_skips() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    drop(serve_reference(&[], &manifest, &config));
    edit_config(
        &config,
        &[
            ("default", "# no default plan"),
            (
                "rotate",
                "rotate = \"no-such-rotate-program {resource_uuid}\"",
            ),
            ("token_ttl", "token_ttl = \"1h\""),
        ],
    );
    let unwritable = manifest.with_file_name("missing-dir/report.json");
    let base = [
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    let mut args = base.to_vec();
    args.extend(["--dry-run", "--report-json", unwritable.to_str().unwrap()]);
    let out = cmd(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    for needle in [
        "plans.default",
        "hooks.rotate: `no-such-rotate-program` is not found on PATH",
        "--report-json",
        "does not exist",
        "OAUTH-03",
        "SKIP: tokens live 3600s",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    args.extend(["--format", "json"]);
    let out = cmd(&args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["problems"].as_array().unwrap().len(), 3, "{json}");
    let skip = json["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["checks"].as_array().unwrap().clone())
        .find(|c| c["id"] == "OAUTH-03")
        .unwrap();
    assert_eq!(skip["skip"]["certain"], true, "{skip}");
    // The real run refuses the same inputs before sending anything: exit 2, not 3 at the end.
    let mut args = base.to_vec();
    args.extend([
        "--suite",
        "provision",
        "--plan",
        "test",
        "--report-json",
        unwritable.to_str().unwrap(),
    ]);
    let out = cmd(&args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--report-json"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).is_empty());
}

#[test]
fn dry_run_of_a_good_config_is_ok() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    drop(serve_reference(&[], &manifest, &config));
    let out = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--dry-run",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("preflight: ok"), "{text}");
}

#[test]
fn reports_go_to_standard_output_with_dash_and_events_stream_as_json_lines() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(&[], &manifest, &config);
    let events = manifest.with_file_name("events.jsonl");
    let out = cmd(&[
        "run",
        "--manifest",
        manifest.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--suite",
        "auth",
        "--report-json",
        "-",
        "--report-events",
        events.to_str().unwrap(),
        "-v",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Standard output is the JSON report alone; the terminal report moved to standard error.
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["checks"].as_array().is_some_and(|c| !c.is_empty()));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("passed,"), "{err}");
    // -v: each exchange with method, URL, status and time.
    assert!(
        err.contains(" POST http://127.0.0.1:") && err.contains(" ms)"),
        "{err}"
    );
    let lines = std::fs::read_to_string(&events).unwrap();
    let kinds: Vec<String> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].to_string())
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("\"run_started\""));
    assert_eq!(kinds.last().map(String::as_str), Some("\"run_finished\""));
    assert!(kinds.iter().any(|k| k == "\"exchange\""), "{kinds:?}");
}

#[test]
fn exec_counts_an_asynchronous_removal_only_once_its_action_arrives() {
    let (code, notes, ledger) = exec_true(&["variant-async-deprovision-all"]);
    assert_eq!(code, Some(0), "{notes}");
    assert!(
        notes.contains("waiting for its deprovision action"),
        "{notes}"
    );
    assert!(!ledger.exists());
    // The 202 alone proves nothing: without the action the resource is a leftover.
    let (code, notes, ledger) = exec_true(&[
        "variant-async-deprovision-all",
        "async-deprovision-no-action",
    ]);
    assert_eq!(code, Some(1), "{notes}");
    assert!(notes.contains("not proven"), "{notes}");
    assert!(ledger.exists());
}

#[cfg(unix)]
#[test]
fn a_second_signal_while_exec_awaits_a_deprovision_action_aborts_with_the_ledger() {
    let manifest = tmp("addon-manifest.json");
    let config = manifest.with_file_name("conformance.toml");
    let _server = serve_reference(
        &[
            "variant-async-deprovision-all",
            "async-deprovision-no-action",
        ],
        &manifest,
        &config,
    );
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "deprovision_action = \"3s\"",
        "deprovision_action = \"10m\"",
    );
    std::fs::write(&config, text).unwrap();
    let ledger = manifest.with_file_name("exec-ledger.jsonl");
    let mut child = Command::new(BIN)
        .args(["exec", "--manifest"])
        .arg(&manifest)
        .arg("--config")
        .arg(&config)
        .arg("--ledger")
        .arg(&ledger)
        .args(["--", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = lines_of(child.stderr.take().unwrap());
    read_until(&stderr, |l| {
        l.contains("waiting for its deprovision action")
    });
    signal(&child, "TERM");
    read_until(&stderr, |l| l.contains("send the signal again"));
    signal(&child, "TERM");
    let rest = read_until(&stderr, |l| l.contains("aborted"));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("cleanup --ledger"), "{rest}");
    assert!(ledger.exists());
}
