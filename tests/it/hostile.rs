//! Hostile and broken partners: each misbehaviour must end as a partner failure with evidence,
//! within the configured deadline plus a margin, with bounded memory and without a panic.

use std::time::{Duration, Instant};

use addon_conformance::config::{Config, Overrides};
use addon_conformance::manifest::Manifest;
use addon_conformance::record::events::{Event, EventSink, Recorder};
use addon_conformance::record::outcome::Outcome;
use addon_conformance::reference::{FaultSet, ReferencePartner};
use addon_conformance::runner::{self, RunInputs, RunReport, Selection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const REQUEST_TIMEOUT: Duration = Duration::from_millis(600);
/// Generous: the bound is about "not hanging", not about speed.
const MARGIN: Duration = Duration::from_secs(2);
const BODY_CAP: usize = 64 * 1024;

const MANIFEST: &str = r#"{"id": "hostile-addon", "api": {"config_vars": ["HOSTILE_ADDON_URL"],
  "password": "hostile-password-0123", "sso_salt": "hostile-salt-0123", "regions": ["us"],
  "production": {"base_url": "https://hostile.invalid/heroku/resources", "sso_url": "https://hostile.invalid/sso"},
  "version": "3"}}"#;

#[derive(Clone, Copy, Debug)]
enum Behaviour {
    Hang,
    Trickle,
    Reset,
    Huge,
    InvalidUtf8,
    DeepJson,
    RedirectLoop,
    HtmlLabelledJson,
    JsonLabelledHtml,
    NotTls,
}

/// Reads one request head and its body (by Content-Length).
async fn read_request(s: &mut TcpStream) -> Option<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            let mut have = buf.len() - end - 4;
            while have < len {
                let n = s.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                have += n;
            }
            return Some(());
        }
    }
}

/// Makes dropping the socket send a TCP reset instead of a clean close.
#[expect(
    deprecated,
    reason = "SO_LINGER 0 is how a test produces a connection reset"
)]
fn reset(s: &TcpStream) {
    let _ = s.set_linger(Some(Duration::ZERO));
}

async fn respond(mut s: TcpStream, b: Behaviour) {
    if matches!(b, Behaviour::NotTls) {
        // Whatever the client sends, answer with bytes that are not a TLS handshake.
        let _ = s
            .write_all(b"HTTP/1.1 400 Bad Request\r\n\r\nthis is not TLS")
            .await;
        return;
    }
    while read_request(&mut s).await.is_some() {
        let head = |status: &str, ct: &str, len: usize| {
            format!("HTTP/1.1 {status}\r\ncontent-type: {ct}\r\ncontent-length: {len}\r\n\r\n")
        };
        match b {
            Behaviour::Hang => {
                // Hold the connection open, answer nothing.
                let mut sink = [0u8; 1];
                let _ = s.read(&mut sink).await;
                return;
            }
            Behaviour::Trickle => {
                let body = format!("{{\"id\": \"{}\"}}", "x".repeat(200));
                let _ = s
                    .write_all(head("200 OK", "application/json", body.len()).as_bytes())
                    .await;
                for byte in body.bytes() {
                    if s.write_all(&[byte]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            Behaviour::Reset => {
                let _ = s
                    .write_all(head("200 OK", "application/json", 1000).as_bytes())
                    .await;
                let _ = s.write_all(b"{\"id\": \"abc").await;
                reset(&s);
                return;
            }
            Behaviour::Huge => {
                let _ = s
                    .write_all(head("200 OK", "application/json", 1 << 30).as_bytes())
                    .await;
                let chunk = vec![b' '; 64 * 1024];
                for _ in 0..(1 << 14) {
                    if s.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
                return;
            }
            Behaviour::InvalidUtf8 => {
                let body = [b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'];
                let _ = s
                    .write_all(head("200 OK", "application/json", body.len()).as_bytes())
                    .await;
                let _ = s.write_all(&body).await;
            }
            Behaviour::DeepJson => {
                let body = "[".repeat(100_000);
                let _ = s
                    .write_all(head("200 OK", "application/json", body.len()).as_bytes())
                    .await;
                let _ = s.write_all(body.as_bytes()).await;
            }
            Behaviour::RedirectLoop => {
                let _ = s
                    .write_all(b"HTTP/1.1 302 Found\r\nlocation: /heroku/resources\r\ncontent-length: 0\r\n\r\n")
                    .await;
            }
            Behaviour::HtmlLabelledJson => {
                let body = "<html><body>Internal error</body></html>";
                let _ = s
                    .write_all(head("200 OK", "application/json", body.len()).as_bytes())
                    .await;
                let _ = s.write_all(body.as_bytes()).await;
            }
            Behaviour::JsonLabelledHtml => {
                let body = r#"{"id": "res-1", "config": {"HOSTILE_ADDON_URL": "https://db.hostile.invalid/x"}}"#;
                let _ = s
                    .write_all(head("200 OK", "text/html", body.len()).as_bytes())
                    .await;
                let _ = s.write_all(body.as_bytes()).await;
            }
            Behaviour::NotTls => unreachable!(),
        }
    }
}

async fn hostile_server(b: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(respond(s, b));
        }
    });
    let scheme = if matches!(b, Behaviour::NotTls) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{addr}/heroku/resources")
}

fn config(base_url: &str) -> Config {
    Config::parse(
        &format!(
            r#"[partner]
base_url = "{base_url}"
[plans]
default = "basic"
[timeouts]
request = "{}ms"
connect = "300ms"
warn_after = "100ms"
fail_after = "500ms"
callback = "200ms"
[limits]
max_body_bytes = {BODY_CAP}
"#,
            REQUEST_TIMEOUT.as_millis()
        ),
        "hostile.toml",
    )
    .unwrap()
}

async fn run_against(base_url: &str, checks: &[&str], sink: &mut dyn EventSink) -> RunReport {
    runner::run(
        RunInputs {
            manifest: Manifest::parse(MANIFEST, "hostile.json").unwrap(),
            config: config(base_url),
            config_source: "hostile.toml".into(),
            overrides: Overrides::default(),
            controls: Default::default(),
            selection: Selection {
                checks: checks.iter().map(|c| c.to_string()).collect(),
                ..Selection::default()
            },
        },
        sink,
    )
    .await
    .unwrap()
}

fn outcome(r: &RunReport, id: &str) -> Outcome {
    r.results
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.outcome)
        .unwrap_or_else(|| panic!("{id} not run"))
}

/// Runs PROV-02, GEN-01 and GEN-04 against a hostile partner; checks the bound on every exchange.
async fn scenario(b: Behaviour) -> RunReport {
    let url = hostile_server(b).await;
    let started = Instant::now();
    let report = run_against(
        &url,
        &["PROV-02", "GEN-01", "GEN-04"],
        &mut Recorder::default(),
    )
    .await;
    // One provision plus at most three cleanup attempts, each bounded by the request timeout.
    assert!(
        started.elapsed() < 4 * REQUEST_TIMEOUT + MARGIN,
        "{b:?} took {:?}",
        started.elapsed()
    );
    for r in &report.results {
        for x in &r.evidence.exchanges {
            assert!(
                x.elapsed_ms <= (REQUEST_TIMEOUT + MARGIN).as_millis() as f64,
                "{b:?}: {}",
                x.summary()
            );
            if let Some(resp) = &x.response {
                assert!(
                    resp.body_bytes <= BODY_CAP,
                    "{b:?}: read {} bytes",
                    resp.body_bytes
                );
            }
        }
    }
    assert_eq!(
        report.exit_code, 1,
        "{b:?}: a hostile partner fails the run"
    );
    report
}

#[tokio::test]
async fn a_partner_that_never_answers_fails_with_a_timeout() {
    let r = scenario(Behaviour::Hang).await;
    assert_eq!(outcome(&r, "PROV-02"), Outcome::Fail);
    let prov = r.results.iter().find(|c| c.id == "PROV-02").unwrap();
    assert!(prov.message.contains("timed out"), "{}", prov.message);
    assert_eq!(outcome(&r, "GEN-01"), Outcome::Blocked);
}

#[tokio::test]
async fn a_trickling_body_is_cut_at_the_deadline() {
    let r = scenario(Behaviour::Trickle).await;
    assert_eq!(outcome(&r, "PROV-02"), Outcome::Fail);
}

#[tokio::test]
async fn a_reset_mid_response_is_a_failure_with_evidence() {
    let r = scenario(Behaviour::Reset).await;
    assert_eq!(outcome(&r, "PROV-02"), Outcome::Fail);
    let prov = r.results.iter().find(|c| c.id == "PROV-02").unwrap();
    assert!(!prov.evidence.exchanges.is_empty());
}

#[tokio::test]
async fn a_one_gigabyte_body_is_read_up_to_the_cap_only() {
    let r = scenario(Behaviour::Huge).await;
    assert_eq!(outcome(&r, "GEN-01"), Outcome::Fail);
    let gen01 = r.results.iter().find(|c| c.id == "GEN-01").unwrap();
    let resp = gen01.evidence.exchanges[0].response.as_ref().unwrap();
    assert!(resp.body_truncated && resp.body_bytes == BODY_CAP);
}

#[tokio::test]
async fn invalid_utf8_is_not_json() {
    let r = scenario(Behaviour::InvalidUtf8).await;
    assert_eq!(outcome(&r, "GEN-01"), Outcome::Fail);
}

#[tokio::test]
async fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let r = scenario(Behaviour::DeepJson).await;
    assert_eq!(outcome(&r, "GEN-01"), Outcome::Fail);
}

#[tokio::test]
async fn a_redirect_loop_is_not_followed() {
    let r = scenario(Behaviour::RedirectLoop).await;
    assert_eq!(outcome(&r, "PROV-02"), Outcome::Fail);
    assert!(
        r.results
            .iter()
            .find(|c| c.id == "PROV-02")
            .unwrap()
            .message
            .contains("302")
    );
}

#[tokio::test]
async fn html_labelled_json_fails_and_json_labelled_html_warns() {
    let r = scenario(Behaviour::HtmlLabelledJson).await;
    assert_eq!(outcome(&r, "GEN-01"), Outcome::Fail);
    let url = hostile_server(Behaviour::JsonLabelledHtml).await;
    let r = run_against(
        &url,
        &["PROV-02", "GEN-01", "GEN-04"],
        &mut Recorder::default(),
    )
    .await;
    assert_eq!(outcome(&r, "GEN-01"), Outcome::Pass);
    assert_eq!(outcome(&r, "GEN-04"), Outcome::Warn);
}

#[tokio::test]
async fn a_tls_handshake_failure_is_a_transport_failure() {
    let r = scenario(Behaviour::NotTls).await;
    assert_eq!(outcome(&r, "PROV-02"), Outcome::Fail);
    let prov = r.results.iter().find(|c| c.id == "PROV-02").unwrap();
    assert!(
        prov.message
            .contains("the TLS handshake with your add-on at https://"),
        "{}",
        prov.message
    );
    // Nothing ever answered: the run stops probing, every later check is blocked by PROV-02.
    let later: Vec<_> = r.results.iter().filter(|c| c.id != "PROV-02").collect();
    assert!(!later.is_empty());
    for c in later {
        assert_eq!(c.outcome, Outcome::Blocked, "{}", c.id);
        assert_eq!(c.blocked_by.as_ref().unwrap().id, "PROV-02", "{}", c.id);
    }
}

/// Stops the partner when a given check finishes.
struct KillAfter {
    check: &'static str,
    switch: Option<tokio::sync::oneshot::Sender<()>>,
    inner: Recorder,
}

impl EventSink for KillAfter {
    fn emit(&mut self, event: &Event) {
        if let Event::CheckFinished { result } = event
            && result.id == self.check
            && let Some(s) = self.switch.take()
        {
            let _ = s.send(());
        }
        self.inner.emit(event);
    }
}

#[tokio::test]
async fn a_partner_dying_mid_suite_blocks_later_checks_and_cleanup_still_runs() {
    let mut partner = ReferencePartner::start(FaultSet::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut config = Config::parse(&partner.config_text(), "reference").unwrap();
    config.timeouts.request = REQUEST_TIMEOUT;
    config.timeouts.callback = Duration::from_millis(200);
    let mut sink = KillAfter {
        check: "PROV-06",
        switch: partner.kill_switch(),
        inner: Recorder::default(),
    };
    let started = Instant::now();
    let report = runner::run(
        RunInputs {
            manifest: Manifest::parse(&partner.manifest_text(), "reference").unwrap(),
            config,
            config_source: "reference".into(),
            overrides: Overrides::default(),
            controls: Default::default(),
            selection: Selection {
                suites: vec!["provision".into(), "deprovision".into()],
                ..Selection::default()
            },
        },
        &mut sink,
    )
    .await
    .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(outcome(&report, "PROV-02"), Outcome::Pass);
    // The checks after it got no answer: blocked by the partner going away, not blamed.
    for later in ["GEN-02", "PROV-14", "DEPROV-02"] {
        let r = report.results.iter().find(|c| c.id == later).unwrap();
        assert_eq!(r.outcome, Outcome::Blocked, "{later}");
        let cause = r.blocked_by.as_ref().unwrap();
        assert_eq!(cause.id, "partner-gone", "{later}");
        assert!(
            cause
                .text
                .starts_with("your add-on stopped accepting connections after #"),
            "{}",
            cause.text
        );
    }
    let notes = sink
        .inner
        .events
        .iter()
        .filter(
            |e| matches!(e, Event::Note { text } if text.contains("stopped accepting connections")),
        )
        .count();
    assert_eq!(notes, 1, "said once");
    // Cleanup ran: it tried, could not reach the partner, and lists what is left.
    assert!(!report.leftovers.is_empty());
    assert_eq!(report.exit_code, 1);
    let cleanup_seen = sink
        .inner
        .events
        .iter()
        .any(|e| matches!(e, Event::Cleanup { leftovers, .. } if !leftovers.is_empty()));
    assert!(cleanup_seen);
    partner.stop().await;
}
