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
    let attr = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = tag[start..].find('"').unwrap() + start;
        tag[start..end].replace("&amp;", "&")
    };
    let action = attr(page.split("<form").nth(1).unwrap(), "action");
    let fields: Vec<(String, String)> = page
        .split("<input")
        .skip(1)
        .map(|t| (attr(t, "name"), attr(t, "value")))
        .collect();
    let login = http.post(&action).form(&fields).send().await.unwrap();
    assert_eq!(login.status(), 302);
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let origin = base.trim_end_matches("/heroku/resources");
    let dashboard = format!("{origin}{}", login.headers()["location"].to_str().unwrap());
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
