//! Network options: a private CA (`--cacert`), `--insecure` and its warning in every report.
//! The TLS partner is a minimal HTTPS responder on loopback with the test certificate in
//! `fixtures/tls` (signed by a CA no system trusts).

use std::sync::Arc;
use std::time::Duration;

use addon_conformance::network::{INSECURE_WARNING, Network};
use addon_conformance::partner::Credentials;
use addon_conformance::partner::client::{ClientSettings, PartnerClient};
use addon_conformance::record::events::{EventSink, Recorder};
use addon_conformance::record::journal::Journal;
use addon_conformance::record::ledger::Ledger;
use addon_conformance::redact::Redactor;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls");

/// Serves HTTPS on 127.0.0.1: every request gets `200 {}`. Returns the base URL.
async fn https_partner() -> String {
    addon_conformance::tls::install_provider();
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{FIXTURES}/server.pem"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{FIXTURES}/server.key")).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tls
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                    )
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://127.0.0.1:{}/heroku/resources", addr.port())
}

fn client(base_url: &str, network: Network) -> PartnerClient {
    PartnerClient::new(
        ClientSettings {
            base_url: Some(base_url.to_owned()),
            username: "my-addon".into(),
            password: "not-a-real-password".into(),
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_body_bytes: 1 << 20,
            network,
        },
        Arc::new(Redactor::new()),
        Arc::new(Journal::new()),
        Arc::new(Ledger::default()),
    )
    .unwrap()
}

#[tokio::test]
async fn a_private_ca_is_refused_by_default_and_trusted_with_cacert() {
    let base = https_partner().await;
    let plain = client(&base, Network::default())
        .deprovision("u-1", Credentials::Manifest, "probe")
        .await;
    assert_eq!(plain.status, None);
    let error = plain.exchange.error.clone().unwrap_or_default();
    assert!(error.contains("connection failed"), "{error}");

    let ca = Network::load(
        Some(std::path::Path::new(&format!("{FIXTURES}/ca.pem"))),
        false,
    )
    .unwrap();
    let trusted = client(&base, ca)
        .deprovision("u-1", Credentials::Manifest, "probe")
        .await;
    assert_eq!(trusted.status, Some(200), "{:?}", trusted.exchange.error);

    let insecure = Network {
        insecure: true,
        ..Network::default()
    };
    let reply = client(&base, insecure)
        .deprovision("u-1", Credentials::Manifest, "probe")
        .await;
    assert_eq!(reply.status, Some(200), "{:?}", reply.exchange.error);
}

#[tokio::test]
async fn insecure_runs_carry_the_warning_in_every_report() {
    use addon_conformance::config::{Config, Overrides};
    use addon_conformance::manifest::Manifest;
    use addon_conformance::reference::{FaultSet, ReferencePartner};
    use addon_conformance::report::file::render;
    use addon_conformance::report::*;
    use addon_conformance::runner::{RunInputs, Selection};

    let partner = ReferencePartner::start(FaultSet::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut recorder = Recorder::default();
    addon_conformance::runner::run(
        RunInputs {
            manifest: Manifest::parse(&partner.manifest_text(), "manifest").unwrap(),
            config: Config::parse(&partner.config_text(), "config").unwrap(),
            config_source: "config".into(),
            overrides: Overrides {
                network: Network {
                    insecure: true,
                    ..Network::default()
                },
                ..Overrides::default()
            },
            selection: Selection {
                checks: vec!["PROV-02".into()],
                ..Selection::default()
            },
            controls: Default::default(),
        },
        &mut recorder,
    )
    .await
    .unwrap();
    partner.stop().await;
    let events = &recorder.events;
    let mut terminal = TerminalReporter::new(Vec::new(), false);
    let summary = std::env::temp_dir().join(format!("ac-sum-{}.md", uuid::Uuid::new_v4()));
    let mut github = GithubReporter::new(Vec::new(), Some(summary.clone()), false);
    for e in events {
        terminal.emit(e);
        github.emit(e);
    }
    let outputs = [
        (
            "terminal",
            String::from_utf8(terminal.into_inner()).unwrap(),
        ),
        (
            "JSON",
            String::from_utf8(render(JsonReport::default(), events).unwrap()).unwrap(),
        ),
        (
            "JUnit",
            String::from_utf8(render(JunitReport::new(false), events).unwrap()).unwrap(),
        ),
        (
            "HTML",
            String::from_utf8(render(HtmlReport::default(), events).unwrap()).unwrap(),
        ),
        ("GitHub summary", std::fs::read_to_string(&summary).unwrap()),
    ];
    for (name, text) in outputs {
        assert!(
            text.contains("WARNING: --insecure"),
            "{name} lacks the --insecure warning"
        );
    }
    assert!(INSECURE_WARNING.starts_with("WARNING: --insecure"));
}
