//! Real clients outside Rust through the proxy, each in a private network namespace: curl,
//! Python's `urllib.request` and Java's `HttpClient`, configured only by the interception environment, make a grant
//! exchange and a config PATCH that the platform journals and answers.

use std::collections::BTreeMap;

use addon_conformance::intercept::env::Java;

use super::fixture::{self, CONFIG_VAR, Fixture, SECRET, V3};
use super::netns;
use addon_conformance::record::InboundKind;

/// The interception environment plus the values the client's script reads. The secrets reach it
/// as variables, never in the command text.
fn env(fx: &Fixture) -> BTreeMap<String, String> {
    let mut env = fx.interceptor.env().map();
    env.insert("CODE".into(), fx.code.clone());
    env.insert("SECRET".into(), SECRET.into());
    env.insert("UUID".into(), fx.uuid.clone());
    env.insert("V3".into(), V3.into());
    env.insert("CONFIG_VAR".into(), CONFIG_VAR.into());
    env
}

async fn run(program: &str, args: &[&str], env: &BTreeMap<String, String>) -> String {
    let output = tokio::process::Command::new(program)
        .args(args)
        .envs(env)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("client starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{program} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn judge(fx: Fixture, expected: &str) {
    assert_eq!(
        fx.inbound(),
        [
            ("token exchange".to_owned(), 200),
            ("config update".to_owned(), 200)
        ]
    );
    assert_eq!(fx.config().as_deref(), Some(expected));
    fx.stop().await;
}

const CURL: &str = r#"
set -eu
answer=$(curl -sS --fail-with-body -X POST https://id.heroku.com/oauth/token \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
  --data-urlencode "client_secret=$SECRET")
token=$(printf '%s' "$answer" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
test -n "$token"
curl -sS --fail-with-body -X PATCH "https://api.heroku.com/addons/$UUID/config" \
  -H "Authorization: Bearer $token" -H "Accept: $V3" -H 'Content-Type: application/json' \
  -d "{\"config\":[{\"name\":\"$CONFIG_VAR\",\"value\":\"postgres://curl\"}]}"
"#;

#[test]
fn curl_exchanges_a_grant_and_patches_config() {
    if !netns::inside(
        "intercept::clients::curl_exchanges_a_grant_and_patches_config",
        &["curl", "ip"],
    ) {
        return;
    }
    netns::assert_isolated();
    runtime().block_on(async {
        let fx = fixture::start(|_| {}).await;
        run("sh", &["-c", CURL], &env(&fx)).await;
        judge(fx, "postgres://curl").await;
    });
}

const PYTHON: &str = r#"
import json, os, urllib.error, urllib.parse, urllib.request
form = urllib.parse.urlencode({"grant_type": "authorization_code", "code": os.environ["CODE"],
                               "client_secret": os.environ["SECRET"]}).encode()
with urllib.request.urlopen(urllib.request.Request(
        "https://id.heroku.com/oauth/token", data=form, method="POST")) as r:
    token = json.load(r)["access_token"]
body = json.dumps({"config": [{"name": os.environ["CONFIG_VAR"], "value": "postgres://py"}]})
req = urllib.request.Request(
    "https://api.heroku.com/addons/%s/config" % os.environ["UUID"], data=body.encode(),
    method="PATCH", headers={"Authorization": "Bearer " + token, "Accept": os.environ["V3"],
                             "Content-Type": "application/json"})
with urllib.request.urlopen(req) as r:
    assert r.status == 200, r.status
try:
    urllib.request.urlopen("https://api.stripe.com/v1/charges")
    raise SystemExit("a refused host answered")
except urllib.error.URLError as e:
    print("refused:", e)
"#;

#[test]
fn python_urllib_exchanges_a_grant_and_patches_config() {
    let name = "intercept::clients::python_urllib_exchanges_a_grant_and_patches_config";
    if !netns::inside(name, &["python3", "ip"]) {
        return;
    }
    netns::assert_isolated();
    runtime().block_on(async {
        let fx = fixture::start(|_| {}).await;
        let out = run("python3", &["-c", PYTHON], &env(&fx)).await;
        assert!(out.contains("403"), "{out}");
        let journal = fx.platform.journal().all();
        let refused = journal
            .iter()
            .find(|i| i.kind == InboundKind::RefusedOutbound)
            .expect("the refused host is journaled");
        assert_eq!(refused.path, "api.stripe.com:443");
        // The journal's first two entries are the grant exchange and the PATCH.
        let fx_calls: Vec<_> = journal
            .iter()
            .filter(|i| i.kind != refused.kind)
            .cloned()
            .collect();
        assert_eq!(fx_calls.len(), 2);
        assert_eq!(fx.config().as_deref(), Some("postgres://py"));
        fx.stop().await;
    });
}

const JAVA: &str = r#"
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

public class Client {
    public static void main(String[] args) throws Exception {
        var env = System.getenv();
        var client = HttpClient.newHttpClient();
        var form = "grant_type=authorization_code&code=" + env.get("CODE")
            + "&client_secret=" + env.get("SECRET");
        var token = client.send(HttpRequest.newBuilder(URI.create("https://id.heroku.com/oauth/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
            HttpResponse.BodyHandlers.ofString());
        var found = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(token.body());
        if (token.statusCode() != 200 || !found.find()) throw new RuntimeException(token.body());
        var body = "{\"config\":[{\"name\":\"" + env.get("CONFIG_VAR")
            + "\",\"value\":\"postgres://java\"}]}";
        var patch = client.send(HttpRequest.newBuilder(
                URI.create("https://api.heroku.com/addons/" + env.get("UUID") + "/config"))
            .header("Authorization", "Bearer " + found.group(1)).header("Accept", env.get("V3"))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (patch.statusCode() != 200) throw new RuntimeException(patch.body());
    }
}
"#;

#[test]
fn java_http_client_exchanges_a_grant_and_patches_config() {
    let name = "intercept::clients::java_http_client_exchanges_a_grant_and_patches_config";
    if !netns::inside(name, &["java", "keytool", "ip"]) {
        return;
    }
    netns::assert_isolated();
    runtime().block_on(async {
        let fx = fixture::start(|s| s.java = Java::TrustStore).await;
        assert!(
            fx.interceptor.env().notes.is_empty(),
            "{:?}",
            fx.interceptor.env().notes
        );
        let source = fx.dir.join("Client.java");
        std::fs::write(&source, JAVA).unwrap();
        run("java", &[source.to_str().unwrap()], &env(&fx)).await;
        judge(fx, "postgres://java").await;
    });
}

const ADD_ON: &str = r#"
import json, os, signal, socket, sys, urllib.parse, urllib.request
form = urllib.parse.urlencode({"grant_type": "authorization_code", "code": os.environ["CODE"],
                               "client_secret": os.environ["SECRET"]}).encode()
with urllib.request.urlopen(urllib.request.Request(
        "https://id.heroku.com/oauth/token", data=form, method="POST")) as r:
    token = json.load(r)["access_token"]
print("exchanged code", os.environ["CODE"], "for token", token, flush=True)
print("client secret is", os.environ["SECRET"], file=sys.stderr, flush=True)
server = socket.socket()
server.bind(("127.0.0.1", int(os.environ["PORT"])))
server.listen()
print("listening", flush=True)
signal.pause()
"#;

#[test]
fn a_launched_add_on_reaches_the_platform_and_its_log_is_redacted() {
    use addon_conformance::launch::{LaunchSpec, PartnerProcess};
    let name = "intercept::clients::a_launched_add_on_reaches_the_platform_and_its_log_is_redacted";
    if !netns::inside(name, &["python3", "ip"]) {
        return;
    }
    netns::assert_isolated();
    runtime().block_on(async {
        let fx = fixture::start(|_| {}).await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let mut spec = LaunchSpec::new(r#"exec python3 -c "$ADD_ON_SOURCE""#)
            .intercepted(fx.interceptor.env());
        spec.env.insert("ADD_ON_SOURCE".into(), ADD_ON.into());
        spec.env.insert("PORT".into(), port.port().to_string());
        spec.secret_env.insert("CODE".into(), fx.code.clone());
        spec.secret_env.insert("SECRET".into(), SECRET.into());
        let clock = std::time::Instant::now();
        let process = PartnerProcess::start(&spec, clock, fx.redactor.clone()).unwrap();
        process
            .wait_ready(port)
            .await
            .expect("the add-on became ready");
        assert_eq!(fx.inbound(), [("token exchange".to_owned(), 200)]);
        let log = process.log().clone();
        let exit = process.stop().await.expect("it stopped");
        assert_eq!(exit.signal, Some(15), "{exit:?}");
        let lines: Vec<String> = log.all().iter().map(|l| l.display()).collect();
        let text = lines.join("\n");
        assert!(
            text.contains("listening") && text.contains("for token [REDACTED"),
            "{text}"
        );
        assert!(!text.contains(&fx.code) && !text.contains(SECRET), "{text}");
        fx.stop().await;
    });
}
