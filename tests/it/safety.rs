//! Safety properties of issue 17 that cut across modules: encoded secrets in hook output, SSO
//! redirects that leave the partner, report files written atomically.

use std::collections::BTreeMap;
use std::time::Duration;

use addon_conformance::redact::Redactor;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const SECRET: &str = "postgres://user:p4ss w&rd<\"é@db.example/x";

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The forms a hook (or a `curl -v` it runs) may print a secret in.
fn encoded_forms() -> Vec<(&'static str, String)> {
    let percent: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    let json = serde_json::to_string(SECRET).unwrap();
    let html = SECRET
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    vec![
        ("raw", SECRET.to_owned()),
        ("percent", percent.replace('+', "%20")),
        ("form", percent),
        ("json", json[1..json.len() - 1].to_owned()),
        ("html", html),
        ("base64", STANDARD.encode(SECRET)),
        (
            "basic",
            format!("Basic {}", STANDARD.encode(format!("me:{SECRET}"))),
        ),
        (
            "basic, no header",
            STANDARD.encode(format!("someone:{SECRET}")),
        ),
    ]
}

#[tokio::test]
async fn a_hook_printing_every_encoded_form_leaks_none() {
    let redactor = Redactor::new();
    redactor.learn_config(&serde_json::json!({"config": {"X_URL": SECRET}}));
    let forms = encoded_forms();
    let lines: Vec<String> = forms
        .iter()
        .map(|(name, form)| shell_quote(&format!("{name}={form}")))
        .collect();
    let template = format!(
        "printf '%s\\n' {}; printf '%s\\n' {} >&2",
        lines.join(" "),
        lines.join(" ")
    );
    let run = addon_conformance::hooks::run(
        &template,
        &BTreeMap::new(),
        &BTreeMap::new(),
        Duration::from_secs(10),
        &redactor,
    )
    .await;
    assert_eq!(run.status, Some(0), "{run:?}");
    for (stream, text) in [
        ("stdout", &run.stdout),
        ("stderr", &run.stderr),
        ("command", &run.command),
    ] {
        for (name, form) in &forms {
            let line = format!("{name}={form}");
            assert!(
                !text.contains(form.as_str()),
                "{stream} leaks the {name} form: {text}"
            );
            if stream != "command" {
                assert!(
                    text.contains(&format!("{name}=")),
                    "{stream} lost the {name} line"
                );
            }
            assert!(!text.contains(&line));
        }
        for fragment in ["p4ss", "db.example", "cDRzc"] {
            assert!(
                !text.contains(fragment),
                "{stream} leaks {fragment}: {text}"
            );
        }
    }
    assert!(run.summary().matches("[REDACTED:").count() >= forms.len());
}

mod sso_redirects {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use addon_conformance::network::Network;
    use addon_conformance::partner::client::{ClientSettings, PartnerClient};
    use addon_conformance::partner::sso::{CookieJar, FollowHost};
    use addon_conformance::record::journal::Journal;
    use addon_conformance::record::ledger::Ledger;
    use addon_conformance::redact::Redactor;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// A server on 127.0.0.2 (loopback, but not one of the partner's names) serving fake
    /// credentials; counts the connections it gets.
    async fn elsewhere() -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 2048];
                let _ = tcp.read(&mut buf).await;
                let _ = tcp
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 22\r\nconnection: close\r\n\r\nAKIA-fake-credentials!")
                    .await;
            }
        });
        (format!("http://{addr}/latest/meta-data/"), hits)
    }

    async fn navigate(
        follow: &[&str],
    ) -> (
        addon_conformance::partner::sso::Navigation,
        Arc<AtomicUsize>,
        String,
    ) {
        let (target, hits) = elsewhere().await;
        let partner = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(302).insert_header("Location", target.as_str()))
            .mount(&partner)
            .await;
        let client = PartnerClient::new(
            ClientSettings {
                base_url: Some(format!("{}/heroku/resources", partner.uri())),
                username: "my-addon".into(),
                password: "not-a-real-password".into(),
                request_timeout: Duration::from_secs(10),
                connect_timeout: Duration::from_secs(5),
                max_body_bytes: 1 << 20,
                network: Network::default(),
            },
            Arc::new(Redactor::new()),
            Arc::new(Journal::new()),
            Arc::new(Ledger::default()),
        )
        .unwrap()
        .with_sso_follow_hosts(
            follow
                .iter()
                .map(|h| FollowHost::try_from((*h).to_owned()).unwrap())
                .collect(),
        );
        let mut jar = CookieJar::default();
        let nav = client
            .sso_post(&format!("{}/sso", partner.uri()), &[], &mut jar, "login")
            .await;
        (nav, hits, target)
    }

    #[tokio::test]
    async fn a_redirect_off_the_partner_is_recorded_and_never_connected_to() {
        let (nav, hits, target) = navigate(&[]).await;
        assert_eq!(
            hits.load(Ordering::SeqCst),
            0,
            "the harness connected to {target}"
        );
        assert_eq!(nav.hops.len(), 1, "{nav:?}");
        let why = nav.broken.clone().unwrap_or_default();
        assert!(
            why.contains("127.0.0.2") && why.contains("[sso] follow_hosts"),
            "{why}"
        );
        let response = nav.last().exchange.response.clone().unwrap();
        assert!(
            response
                .headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("location") && h.value == target),
            "the Location is recorded: {response:?}"
        );
        assert!(!format!("{nav:?}").contains("fake-credentials"));
    }

    #[tokio::test]
    async fn a_listed_host_is_followed() {
        let (nav, hits, _) = navigate(&["127.0.0.2"]).await;
        assert_eq!(hits.load(Ordering::SeqCst), 1, "{nav:?}");
        assert!(nav.landed(), "{nav:?}");
    }
}

mod report_files {
    use addon_conformance::network::INSECURE_WARNING;
    use addon_conformance::record::events::{Event, EventSink};
    use addon_conformance::record::outcome::Summary;
    use addon_conformance::report::file::render;
    use addon_conformance::report::{FileReporter, HarReport, JsonReport};

    fn events() -> Vec<Event> {
        vec![
            Event::Note {
                text: INSECURE_WARNING.to_owned(),
            },
            Event::RunFinished {
                summary: Summary::default(),
                exit_code: 0,
            },
        ]
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let dir = std::env::temp_dir().join(format!("ac-safety-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let target = dir.join("report.json");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        let mut reporter = FileReporter::new(target.clone(), JsonReport::default());
        for e in events() {
            reporter.emit(&e);
        }
        assert_eq!(*reporter.error.lock().unwrap(), None);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        let meta = std::fs::symlink_metadata(&target).unwrap();
        assert!(meta.file_type().is_file(), "the report replaced the link");
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
        assert!(report.is_object());
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_har_log_carries_the_insecure_warning() {
        let har: serde_json::Value =
            serde_json::from_slice(&render(HarReport::default(), &events()).unwrap()).unwrap();
        let comment = har["log"]["comment"].as_str().unwrap_or_default();
        assert!(comment.contains("WARNING: --insecure"), "{har}");
    }
}

mod platform {
    use std::sync::Arc;
    use std::time::Duration;

    use addon_conformance::platform::{Platform, PlatformSettings, ServiceInfo};
    use addon_conformance::redact::Redactor;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn standalone(redactor: Arc<Redactor>) -> Platform {
        Platform::start(
            PlatformSettings {
                bind: "127.0.0.1:0".parse().unwrap(),
                url: None,
                client_secret: Some("client-secret-123".into()),
                token_ttl: Duration::from_secs(60),
                grant_ttl: Duration::from_secs(60),
                max_body_bytes: 1 << 16,
                admin: true,
            },
            ServiceInfo::standalone(),
            redactor,
        )
        .await
        .unwrap()
    }

    async fn post_grant(origin: &str, token: Option<&str>) -> u16 {
        let mut request = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!("{origin}/conformance/grants"))
            .body(r#"{"uuid": "0b6b7d6e-8d3c-4f57-9a4a-2f7c1f3a9b10"}"#);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send().await.unwrap().status().as_u16()
    }

    #[tokio::test]
    async fn standalone_grants_need_the_printed_token() {
        addon_conformance::tls::install_provider();
        let platform = standalone(Arc::new(Redactor::new())).await;
        let token = platform
            .admin_token()
            .expect("standalone mode has a token")
            .to_owned();
        let origin = platform.origin().to_owned();
        assert_eq!(post_grant(&origin, None).await, 401);
        assert_eq!(post_grant(&origin, Some("adm_guess")).await, 401);
        assert_eq!(post_grant(&origin, Some(&token)).await, 200);
        let journal = format!("{:?}", platform.journal().all());
        assert!(!journal.contains(&token), "{journal}");
        platform.stop().await;
    }

    #[tokio::test]
    async fn a_rejected_caller_teaches_the_run_nothing() {
        addon_conformance::tls::install_provider();
        let redactor = Arc::new(Redactor::new());
        let platform = standalone(redactor.clone()).await;
        let known = redactor.learned();
        let status = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .patch(format!("{}/addons/some-uuid/config", platform.origin()))
            .bearer_auth("not-a-token")
            .json(
                &serde_json::json!({"config": [{"name": "ADDON_URL", "value": "learn-me-please"}]}),
            )
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 401);
        assert_eq!(redactor.learned(), known);
        assert_eq!(redactor.text("learn-me-please"), "learn-me-please");
        platform.stop().await;
    }

    #[tokio::test]
    async fn stop_ends_while_a_client_trickles_its_headers() {
        let platform = standalone(Arc::new(Redactor::new())).await;
        let mut tcp = tokio::net::TcpStream::connect(platform.addr).await.unwrap();
        tcp.write_all(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let stopped = tokio::time::timeout(Duration::from_secs(30), platform.stop()).await;
        assert!(stopped.is_ok(), "the platform waited for the slow client");
        let mut rest = Vec::new();
        let _ = tcp.read_to_end(&mut rest).await;
    }
}

#[cfg(unix)]
mod exec_interrupt {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command, Stdio};

    const BIN: &str = env!("CARGO_BIN_EXE_addon-conformance");

    struct Killed(Child);

    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn wait_for_line(pipe: impl std::io::Read, what: &str) -> String {
        let mut seen = String::new();
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            seen.push_str(&line);
            seen.push('\n');
            if line.contains(what) {
                return seen;
            }
        }
        panic!("no line with {what:?}:\n{seen}");
    }

    #[test]
    fn exec_exits_130_when_interrupted_even_if_the_command_exits_0() {
        let dir = std::env::temp_dir().join(format!("ac-exec-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        let (manifest, config) = (
            dir.join("addon-manifest.json"),
            dir.join("conformance.toml"),
        );
        let mut server = Command::new(BIN)
            .args(["serve-reference", "--write-manifest"])
            .arg(&manifest)
            .arg("--write-config")
            .arg(&config)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_line(
            server.stdout.take().unwrap(),
            "reference partner listening on",
        );
        let _server = Killed(server);
        // The command ignores the interrupt and reports success: the harness must not.
        let mut exec = Command::new(BIN)
            .args(["exec", "--manifest"])
            .arg(&manifest)
            .arg("--config")
            .arg(&config)
            .args([
                "--",
                "sh",
                "-c",
                "trap 'exit 0' INT TERM; echo ready; sleep 60 & wait",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        wait_for_line(exec.stdout.take().unwrap(), "ready");
        // As CI cancels a job: the signal goes to the whole process group.
        let group = format!("-{}", exec.id());
        let killed = Command::new("kill")
            .args(["-TERM", "--", &group])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = exec.wait().unwrap();
        assert_eq!(status.code(), Some(130));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[tokio::test]
async fn the_sso_handoff_ends_on_time_despite_a_client_trickling_its_headers() {
    use tokio::io::AsyncWriteExt;
    let handoff = addon_conformance::cli::handoff::Handoff::start("<html></html>".into())
        .await
        .unwrap();
    let addr = url::Url::parse(&handoff.url).unwrap();
    let mut tcp = tokio::net::TcpStream::connect((addr.host_str().unwrap(), addr.port().unwrap()))
        .await
        .unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let finished = tokio::time::timeout(
        Duration::from_secs(30),
        handoff.finish(Duration::from_millis(50)),
    )
    .await;
    assert_eq!(finished, Ok(false), "the hand-off outlived its wait");
}

#[test]
fn a_bad_follow_hosts_entry_is_an_input_error_naming_the_key() {
    let text = "[sso]\nfollow_hosts = [\"https://login.example.com\"]\n";
    let err = addon_conformance::config::Config::parse(text, "conformance.toml").unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("follow_hosts") && shown.contains("bare host"),
        "{shown}"
    );
    let ok = addon_conformance::config::Config::parse(
        "[sso]\nfollow_hosts = [\"login.example.com\", \"*.example.net\"]\n",
        "conformance.toml",
    )
    .unwrap();
    assert_eq!(ok.sso.follow_hosts.len(), 2);
}
