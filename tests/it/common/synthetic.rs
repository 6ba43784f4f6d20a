//! Three synthetic partners that hold no logic at all, for proving that checks pass only on
//! evidence (`tests/synthetic.rs`, expectations in `tests/synthetic_expect.toml`):
//!
//! - *void*: nothing listens. The port is bound but never listened on, so it stays reserved for
//!   the test and every connection to it is refused.
//! - *yes-man*: answers every request 2xx with a minimal plausible body: a provision gets an id
//!   derived from the uuid it names and every declared config var, a plan change `{}`, a
//!   deprovision 204, every SSO login a 302 to the dashboard with a session cookie, every GET a
//!   page. It never calls the platform and never refuses anything.
//! - *broken*: 500 with a JSON `message` to everything.
//! - *quitter*: answers like the yes-man until its first provision, and stops listening before
//!   it writes that answer: a partner that went away after one success (the run's first request
//!   is the shared provision: it runs with `--jobs 1`). Later connects are refused,
//!   deterministically.
//!
//! The harness runs as the binary, with a manifest and config written for every suite, and the
//! per-check outcomes are read from its JSON report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::net::{TcpListener, TcpSocket};

/// The manifest id, also the Basic-auth username.
pub const ADDON_ID: &str = "synthetic-addon";
/// The manifest password; the yes-man never looks at it.
pub const PASSWORD: &str = "synthetic-password-5b1e0c";
const SSO_SALT: &str = "synthetic-salt-9d27a4";
/// The config vars the manifest declares.
pub const CONFIG_VARS: [&str; 2] = ["SYNTHETIC_URL", "SYNTHETIC_API_KEY"];
/// Where the yes-man's SSO login sends the browser.
const DASHBOARD: &str = "/dashboard";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Void,
    YesMan,
    Broken,
    Quitter,
}

impl Kind {
    /// The name used in `tests/synthetic_expect.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Void => "void",
            Kind::YesMan => "yes-man",
            Kind::Broken => "broken",
            Kind::Quitter => "quitter",
        }
    }
}

/// A running synthetic partner; dropping it stops it (or releases the void's port).
pub struct Synthetic {
    pub origin: String,
    _held: Held,
}

enum Held {
    /// Bound, never listened on: connections are refused while this lives.
    Socket(#[expect(dead_code, reason = "held only to keep the port reserved")] TcpSocket),
    Server(tokio::task::JoinHandle<()>),
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Held::Server(task) = self {
            task.abort();
        }
    }
}

/// Starts `kind` on a loopback port. Must be called inside a tokio runtime that keeps running
/// while the harness runs (a multi-thread runtime, since the caller blocks on the binary).
pub async fn start(kind: Kind) -> Synthetic {
    match kind {
        Kind::Void => {
            let socket = TcpSocket::new_v4().expect("socket");
            socket.bind("127.0.0.1:0".parse().unwrap()).expect("bind");
            let addr = socket.local_addr().expect("bound address");
            Synthetic {
                origin: format!("http://{addr}"),
                _held: Held::Socket(socket),
            }
        }
        Kind::Quitter => {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("bound address");
            let task = tokio::spawn(async move {
                while let Ok((mut stream, _)) = listener.accept().await {
                    let Some((request_line, body)) = read_request(&mut stream).await else {
                        continue;
                    };
                    if request_line.starts_with("POST /heroku/resources ") {
                        drop(listener);
                        write_answer(stream, "200 OK", &provision_answer(&body)).await;
                        return;
                    }
                    let status = if request_line.starts_with("DELETE ") {
                        "204 No Content"
                    } else {
                        "200 OK"
                    };
                    write_answer(
                        stream,
                        status,
                        if status.starts_with("204") { "" } else { "{}" },
                    )
                    .await;
                }
            });
            Synthetic {
                origin: format!("http://{addr}"),
                _held: Held::Server(task),
            }
        }
        Kind::YesMan | Kind::Broken => {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("bound address");
            let app = axum::Router::new().fallback(move |m, u, h, b| answer(kind, m, u, h, b));
            let task = tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            Synthetic {
                origin: format!("http://{addr}"),
                _held: Held::Server(task),
            }
        }
    }
}

async fn answer(kind: Kind, method: Method, uri: Uri, _h: HeaderMap, body: Bytes) -> Response {
    match kind {
        Kind::Broken => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"message": "internal error"}"#,
        )
            .into_response(),
        Kind::YesMan => yes(&method, uri.path(), &body),
        Kind::Void | Kind::Quitter => unreachable!("served without axum"),
    }
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Everything succeeds; nothing is stored, so a repeated provision of one uuid gets the same id.
fn yes(method: &Method, path: &str, body: &[u8]) -> Response {
    if path.starts_with("/sso") {
        let mut r = StatusCode::FOUND.into_response();
        let h = r.headers_mut();
        h.insert(header::LOCATION, HeaderValue::from_static(DASHBOARD));
        h.insert(
            header::SET_COOKIE,
            HeaderValue::from_static("yes_session=granted; Path=/; HttpOnly"),
        );
        return r;
    }
    match *method {
        Method::GET => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><title>Dashboard</title><h1>Your resource</h1>",
        )
            .into_response(),
        Method::POST if path == "/heroku/resources" => json(StatusCode::OK, provision_answer(body)),
        Method::DELETE => StatusCode::NO_CONTENT.into_response(),
        _ => json(StatusCode::OK, "{}".to_owned()),
    }
}

/// The yes-man's provision answer: an id derived from the request's uuid and every declared var.
fn provision_answer(body: &[u8]) -> String {
    let uuid = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["uuid"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "anonymous".to_owned());
    let id = format!("yes-{uuid}");
    let config = serde_json::json!({
        CONFIG_VARS[0]: format!("https://db.yes-man.invalid/{id}"),
        CONFIG_VARS[1]: format!("key-{id}"),
    });
    serde_json::json!({"id": id, "config": config, "message": "provisioned"}).to_string()
}

/// Reads one request: its request line and its Content-Length body.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>)> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head_end, len) = loop {
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (end + 4, len);
        }
    };
    while buf.len() < head_end + len {
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf[..head_end]);
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    Some((request_line, buf[head_end..head_end + len].to_vec()))
}

/// Writes one answer and closes the connection, so the client cannot reuse it.
async fn write_answer(mut stream: tokio::net::TcpStream, status: &str, body: &str) {
    use tokio::io::AsyncWriteExt;
    let kind = if body.is_empty() {
        String::new()
    } else {
        "content-type: application/json\r\n".to_owned()
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\n{kind}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The manifest of every synthetic partner: every feature, so every suite runs.
pub fn manifest() -> String {
    serde_json::json!({
        "id": ADDON_ID,
        "name": "Synthetic",
        "api": {
            "config_vars": CONFIG_VARS,
            "config_vars_prefix": "SYNTHETIC",
            "password": PASSWORD,
            "sso_salt": SSO_SALT,
            "regions": ["us", "eu"],
            "requires": ["many_per_app", "attachable"],
            "production": {
                "base_url": "https://synthetic.invalid/heroku/resources",
                "sso_url": "https://synthetic.invalid/sso/login"
            },
            "version": "3"
        }
    })
    .to_string()
}

/// A config for a full run of every suite against `origin`, with short budgets. The hooks run
/// `true`: they succeed without touching the partner (or the network).
pub fn config(origin: &str) -> String {
    format!(
        r#"[partner]
base_url = "{origin}/heroku/resources"
sso_url = "{origin}/sso/login"

[plans]
default = "basic"
upgrade = "premium"
downgrade = "basic"
async = "deferred"
private_space_unavailable = ["hobby"]
forbidden_transitions = [["premium", "hobby"]]

[regions]
private_space = ["amazon-web-services::us-west-2"]
unknown = "amazon-web-services::xx-conformance-1"

[idempotency]
concurrent_deliveries = 3

[timeouts]
request = "5s"
connect = "300ms"
warn_after = "2s"
fail_after = "4s"
callback = "300ms"
provision_action = "300ms"

[hooks]
rotate = "true"
verify_credentials = "true"
timeout = "5s"

[sharing]
attach_as = "ATTACHED"

[platform]
client_secret = "synthetic-client-secret-3f0a"
token_ttl = "60s"
grant_ttl = "1s"
"#
    )
}

/// One check's result as the JSON report gives it.
#[derive(Clone, Debug)]
pub struct Observed {
    pub suite: String,
    pub outcome: String,
    pub level: String,
    pub message: String,
}

/// What one run produced: per-check results, and the report and terminal output for notes.
pub struct RunResult {
    pub checks: BTreeMap<String, Observed>,
    pub report: serde_json::Value,
    pub stdout: String,
    pub exit: Option<i32>,
}

fn scratch_dir(kind: Kind) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "addon-conformance-synthetic-{}-{}",
        kind.name(),
        uuid::Uuid::new_v4()
    ));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs every suite of the binary `bin` against a fresh `kind` partner.
pub fn run(bin: &Path, kind: Kind) -> RunResult {
    match kind {
        // It goes away after the run's first provision, which is the shared one only when the
        // suites run one after another: beside it, another suite's provision (or a connection
        // queued while it quits, then reset) may come first.
        Kind::Quitter => run_with(bin, kind, &["--jobs", "1"]),
        _ => run_with(bin, kind, &[]),
    }
}

/// [`run`] with extra command-line arguments (e.g. `--skip ID`).
pub fn run_with(bin: &Path, kind: Kind, extra: &[&str]) -> RunResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let partner = runtime.block_on(start(kind));
    let dir = scratch_dir(kind);
    let manifest_path = dir.join("addon-manifest.json");
    let config_path = dir.join("conformance.toml");
    let report = dir.join("report.json");
    std::fs::write(&manifest_path, manifest()).expect("write manifest");
    std::fs::write(&config_path, config(&partner.origin)).expect("write config");
    let out = Command::new(bin)
        .args(["run", "--color", "never", "--manifest"])
        .arg(&manifest_path)
        .arg("--config")
        .arg(&config_path)
        .arg("--report-json")
        .arg(&report)
        .arg("--ledger")
        .arg(dir.join("ledger.jsonl"))
        .args(extra)
        .env_remove("ADDON_PASSWORD")
        .output()
        .expect("the harness runs");
    drop(partner);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let text = std::fs::read(&report).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); stdout:\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let report: serde_json::Value = serde_json::from_slice(&text).expect("report is JSON");
    let _ = std::fs::remove_dir_all(&dir);
    let field = |c: &serde_json::Value, k: &str| c[k].as_str().unwrap_or_default().to_owned();
    let checks = report["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .map(|c| {
            (
                field(c, "id"),
                Observed {
                    suite: field(c, "suite"),
                    outcome: field(c, "outcome"),
                    level: field(c, "level"),
                    message: field(c, "message"),
                },
            )
        })
        .collect();
    RunResult {
        checks,
        report,
        stdout,
        exit: out.status.code(),
    }
}
