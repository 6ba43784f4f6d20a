//! Full runs of the binary with `--partner-cmd --intercept`: an add-on that crashes on its first
//! provision (a Python server, run in a private network namespace since Python could ignore the
//! proxy): its own log lines sit in the failure block and the JSON report, and its exit is the
//! root cause of what follows (a note naming the exchange; later checks blocked, not failed).

use std::process::Command;

use crate::intercept::netns;

const BIN: &str = env!("CARGO_BIN_EXE_addon-conformance");

/// Answers the first provision 500 with a traceback on stderr, then exits 1.
const CRASHING: &str = r#"
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        print("Started POST " + self.path, flush=True)
        sys.stderr.write("Traceback (most recent call last):\n  File \"app.py\", line 12, in provision\nKeyError: 'plan_id'\n")
        sys.stderr.flush()
        self.send_response(500)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
        self.wfile.flush()
        os._exit(1)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"#;

/// Provisions well-formed requests; on a malformed body it dies without answering.
const FRAGILE: &str = r#"
import http.server, json, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            body = json.loads(raw)
            uuid = body["uuid"]
        except Exception as e:
            sys.stderr.write("fatal: cannot parse the provision: %r\n" % (e,))
            sys.stderr.flush()
            os._exit(3)
        print("provisioned " + uuid, flush=True)
        answer = json.dumps({"id": "r-" + uuid, "config": {"CRASHY_URL": "https://crashy.example/" + uuid}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def do_DELETE(self):
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"#;

/// Runs the provision suite against `script` started by `--partner-cmd`; the exit code, the
/// terminal output and the JSON report.
fn run_script(script: &str) -> (Option<i32>, String, serde_json::Value) {
    let dir = crate::intercept::fixture::scratch_dir("crash");
    let port = free_port();
    write_inputs(&dir, script, port);
    let out = Command::new(BIN)
        .current_dir(&dir)
        .args([
            "run",
            "--suite",
            "provision",
            "--intercept",
            "--intercept-dir",
            "ca",
            "--report-json",
            "report.json",
            "--report-html",
            "report.html",
            "--report-junit",
            "report.xml",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    // The other reports, for the caller's searches.
    for file in ["report.html", "report.xml"] {
        let body = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        text.push_str(&format!("\n=== {file}\n{body}"));
    }
    let report = std::fs::read(dir.join("report.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.code(), text, report)
}

#[test]
fn a_check_during_which_the_add_on_died_is_blocked_not_failed() {
    let name = "intercept::launched::a_check_during_which_the_add_on_died_is_blocked_not_failed";
    if !netns::inside(name, &["python3", "ip"]) {
        return;
    }
    netns::assert_isolated();
    let (_, text, report) = run_script(FRAGILE);
    assert_eq!(ids(&report, "fail"), Vec::<String>::new(), "{text}");
    let prov14 = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "PROV-14")
        .unwrap();
    assert_eq!(prov14["outcome"], "blocked", "{text}");
    let message = prov14["message"].as_str().unwrap();
    assert!(
        message.contains("your add-on exited with status 3")
            && message.contains("during this check"),
        "{message}"
    );
    assert!(text.contains("fatal: cannot parse the provision"), "{text}");
    assert_eq!(
        ids(&report, "blocked"),
        ["GEN-02", "OPT-02", "PROV-14"],
        "{text}"
    );
}

#[test]
fn exec_starts_the_add_on_provisions_runs_and_stops_it() {
    let name = "intercept::launched::exec_starts_the_add_on_provisions_runs_and_stops_it";
    if !netns::inside(name, &["python3", "ip"]) {
        return;
    }
    netns::assert_isolated();
    let dir = crate::intercept::fixture::scratch_dir("exec");
    let port = free_port();
    write_inputs(&dir, FRAGILE, port);
    let out = Command::new(BIN)
        .current_dir(&dir)
        .args([
            "exec",
            "--intercept",
            "--intercept-dir",
            "ca",
            "--",
            "sh",
            "-c",
        ])
        .arg("echo \"url=$CRASHY_URL\"")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("url=https://crashy.example/"),
        "{stdout}{stderr}"
    );
    assert!(stderr.contains("started your add-on"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The manifest and config of a Python add-on on `port` whose code is `script`.
fn write_inputs(dir: &std::path::Path, script: &str, port: u16) {
    std::fs::write(dir.join("app.py"), script).unwrap();
    std::fs::write(
        dir.join("addon-manifest.json"),
        format!(
            r#"{{"id":"crashy","name":"Crashy","api":{{"config_vars":["CRASHY_URL"],"password":"pw-crashy-1234567890","sso_salt":"salt-crashy-1234567890","regions":["us"],"requires":[],"production":{{"base_url":"http://127.0.0.1:{port}/heroku/resources","sso_url":"http://127.0.0.1:{port}/sso"}},"version":"3"}}}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("conformance.toml"),
        format!(
            "[partner]\ncommand = \"python3 app.py {port}\"\nready_timeout = \"20s\"\n[plans]\ndefault = \"basic\"\n[timeouts]\ncallback = \"2s\"\nprovision_action = \"2s\"\n"
        ),
    )
    .unwrap();
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_crashing_add_on_shows_its_log_and_blocks_what_follows() {
    let name = "intercept::launched::a_crashing_add_on_shows_its_log_and_blocks_what_follows";
    if !netns::inside(name, &["python3", "ip"]) {
        return;
    }
    netns::assert_isolated();
    let (code, text, report) = run_script(CRASHING);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("note: your add-on exited with status 1 after #"),
        "{text}"
    );
    assert!(text.contains("add-on log"), "{text}");
    assert!(text.contains("stderr | KeyError: 'plan_id'"), "{text}");
    let (html, junit) = text
        .split_once("=== report.html")
        .and_then(|(_, rest)| rest.split_once("=== report.xml"))
        .unwrap();
    assert!(
        html.contains("add-on log") && html.contains("KeyError: &#39;plan_id&#39;"),
        "{html}"
    );
    let system_err = junit.split("<system-err>").nth(1).unwrap_or_default();
    assert!(
        system_err.contains("KeyError: &apos;plan_id&apos;"),
        "{junit}"
    );
    assert!(
        text.contains("callback_url is https://api.heroku.com/addons/{uuid}"),
        "{text}"
    );
    let checks = report["checks"].as_array().unwrap();
    let failed: Vec<&serde_json::Value> =
        checks.iter().filter(|c| c["outcome"] == "fail").collect();
    assert!(!failed.is_empty(), "{text}");
    let logged = failed.iter().any(|c| {
        c["partner_log"]
            .as_array()
            .is_some_and(|l| l.iter().any(|line| line["text"] == "KeyError: 'plan_id'"))
    });
    assert!(logged, "{report:#}");
    let blocked = checks
        .iter()
        .filter(|c| c["outcome"] == "blocked")
        .filter(|c| {
            c["message"]
                .as_str()
                .is_some_and(|m| m.contains("your add-on exited with status 1"))
        })
        .count();
    assert!(blocked >= 3, "{report:#}");
    // The report, partner_log included, still follows its schema.
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../schema/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The manifest and config of a reference partner on `port` with fixed secrets, and the
/// variables that carry those secrets.
fn reference_files(port: u16) -> (String, String, Vec<(&'static str, String)>) {
    use addon_conformance::reference::{
        FaultSet, ReferenceOptions, ReferencePartner, ReferenceSecrets,
    };
    let secret = || uuid::Uuid::new_v4().simple().to_string();
    let secrets = ReferenceSecrets {
        password: secret(),
        sso_salt: secret(),
        client_secret: secret(),
    };
    let vars = vec![
        ("REF_PASSWORD", secrets.password.clone()),
        ("REF_SSO_SALT", secrets.sso_salt.clone()),
        ("REF_CLIENT_SECRET", secrets.client_secret.clone()),
    ];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (manifest, config) = runtime.block_on(async {
        let options = ReferenceOptions {
            secrets: Some(secrets),
            ..ReferenceOptions::default()
        };
        let bind = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let partner = ReferencePartner::start_with(FaultSet::default(), bind, options)
            .await
            .unwrap();
        let texts = (partner.manifest_text(), partner.config_text());
        partner.stop().await;
        texts
    });
    (manifest, config, vars)
}

/// `run --intercept` with the reference partner started by `--partner-cmd` in its
/// hardcoded-hosts mode (with `fault`, if any); returns the exit code, the terminal output and
/// the JSON report.
fn run_reference(fault: Option<&str>) -> (Option<i32>, String, serde_json::Value) {
    let dir = crate::intercept::fixture::scratch_dir("launched-ref");
    let port = free_port();
    let (manifest, config, vars) = reference_files(port);
    let fault = fault.map(|f| format!(" --fault {f}")).unwrap_or_default();
    let launch = format!(
        "[partner]\ncommand = \"'{BIN}' serve-reference --port {port} --hardcoded-heroku-hosts{fault}\"\n\
         ready_timeout = \"20s\"\n\
         env = {{ REFERENCE_PASSWORD = \"$REF_PASSWORD\", REFERENCE_SSO_SALT = \"${{REF_SSO_SALT}}\", \
         REFERENCE_CLIENT_SECRET = \"$REF_CLIENT_SECRET\" }}\n"
    );
    let config = config.replacen("[partner]\n", &launch, 1).replacen(
        "[platform]\n",
        "[platform]\nintercept = true\n",
        1,
    );
    std::fs::write(dir.join("addon-manifest.json"), manifest).unwrap();
    std::fs::write(dir.join("conformance.toml"), config).unwrap();
    let out = Command::new(BIN)
        .current_dir(&dir)
        .envs(vars.clone())
        .args([
            "run",
            "--intercept-dir",
            "ca",
            "--report-json",
            "report.json",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = std::fs::read(dir.join("report.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    // The secrets handed to the add-on through [partner] env appear in no output.
    let json = report.to_string();
    for (name, value) in &vars {
        assert!(
            !text.contains(value.as_str()) && !json.contains(value.as_str()),
            "{name} leaked"
        );
    }
    (out.status.code(), text, report)
}

fn ids(report: &serde_json::Value, outcome: &str) -> Vec<String> {
    let mut ids: Vec<String> = report["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["outcome"] == outcome)
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_hardcoded_hosts_reference_started_by_the_run_passes_everything() {
    let name =
        "intercept::launched::the_hardcoded_hosts_reference_started_by_the_run_passes_everything";
    if !netns::inside(name, &["curl", "ip"]) {
        return;
    }
    netns::assert_isolated();
    let (code, text, report) = run_reference(None);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("started your add-on"), "{text}");
    let checks = report["checks"].as_array().unwrap();
    for suite in ["async", "rotation"] {
        let passed = checks
            .iter()
            .filter(|c| c["suite"] == suite && c["outcome"] == "pass")
            .count();
        assert!(passed >= 2, "{suite}: {text}");
    }
    let oauth = checks
        .iter()
        .filter(|c| c["id"].as_str().is_some_and(|i| i.starts_with("OAUTH-")))
        .filter(|c| c["outcome"] == "pass")
        .count();
    assert!(oauth >= 3, "{text}");
    assert_eq!(ids(&report, "skip"), Vec::<String>::new(), "{text}");
}

#[test]
fn an_async_fault_of_the_started_reference_fails_exactly_its_checks() {
    let name =
        "intercept::launched::an_async_fault_of_the_started_reference_fails_exactly_its_checks";
    if !netns::inside(name, &["curl", "ip"]) {
        return;
    }
    netns::assert_isolated();
    let (code, text, report) = run_reference(Some("async-no-token"));
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(ids(&report, "fail"), ["API-01.token", "ASYNC-03"], "{text}");
    assert_eq!(ids(&report, "warn"), Vec::<String>::new(), "{text}");
}
