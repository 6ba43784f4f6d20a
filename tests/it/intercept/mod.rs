//! Interception of Heroku's hosts: a Rust client, curl and Python's standard library reach the
//! platform through the proxy as `https://id.heroku.com` and `https://api.heroku.com`; other
//! targets are refused and journaled; loopback passes. curl and Python run in a private network
//! namespace (see `netns.rs`).

mod clients;
mod fixture;
mod launched;
mod netns;
mod zoo;

use std::net::SocketAddr;
use std::sync::Arc;

use addon_conformance::record::InboundKind;
use fixture::{CONFIG_VAR, SECRET, V3};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Opens a tunnel through the proxy with `CONNECT target`; returns the proxy's answer head and
/// the stream.
async fn connect(proxy: SocketAddr, target: &str) -> (String, TcpStream) {
    let mut tcp = TcpStream::connect(proxy).await.unwrap();
    let head = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n");
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        if tcp.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        answer.push(byte[0]);
    }
    (String::from_utf8_lossy(&answer).into_owned(), tcp)
}

/// TLS to `host` over `tcp`, trusting only the run's CA.
async fn tls(
    tcp: TcpStream,
    ca_pem: &str,
    host: &str,
) -> tokio_rustls::client::TlsStream<TcpStream> {
    use rustls::pki_types::pem::PemObject;
    addon_conformance::tls::install_provider();
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = rustls::pki_types::ServerName::try_from(host.to_owned()).unwrap();
    connector
        .connect(name, tcp)
        .await
        .expect("TLS handshake with the run's CA")
}

/// Sends one request (`connection: close`) and reads the answer: status and body.
async fn exchange(
    stream: &mut (impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin),
    request: &str,
) -> (u16, String) {
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn token_request(code: &str) -> String {
    let form = format!("grant_type=authorization_code&code={code}&client_secret={SECRET}");
    format!(
        "POST /oauth/token HTTP/1.1\r\nHost: id.heroku.com\r\ncontent-type: \
         application/x-www-form-urlencoded\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{form}",
        form.len()
    )
}

fn patch_request(uuid: &str, token: &str, value: &str) -> String {
    let body = format!(r#"{{"config":[{{"name":"{CONFIG_VAR}","value":"{value}"}}]}}"#);
    format!(
        "PATCH /addons/{uuid}/config HTTP/1.1\r\nHost: api.heroku.com\r\nauthorization: Bearer \
         {token}\r\naccept: {V3}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn a_rust_client_exchanges_a_grant_and_patches_config_through_connect() {
    let fx = fixture::start(|_| {}).await;
    let proxy = fx.interceptor.proxy_addr();
    let (answer, tcp) = connect(proxy, "id.heroku.com:443").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let mut stream = tls(tcp, fx.interceptor.ca_pem(), "id.heroku.com").await;
    let (status, body) = exchange(&mut stream, &token_request(&fx.code)).await;
    assert_eq!(status, 200, "{body}");
    let token: Value = serde_json::from_str(&body).unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();

    let (answer, tcp) = connect(proxy, "api.heroku.com:443").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let mut stream = tls(tcp, fx.interceptor.ca_pem(), "api.heroku.com").await;
    let (status, body) = exchange(
        &mut stream,
        &patch_request(&fx.uuid, &token, "postgres://rust"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        fx.inbound(),
        [
            ("token exchange".to_owned(), 200),
            ("config update".to_owned(), 200)
        ]
    );
    assert_eq!(fx.config().as_deref(), Some("postgres://rust"));
    fx.stop().await;
}

#[tokio::test]
async fn the_direct_listener_serves_the_heroku_hosts_by_sni() {
    let fx = fixture::start(|s| s.direct = Some("127.0.0.1:0".parse().unwrap())).await;
    let direct = fx.interceptor.direct_addr().unwrap();
    let ca = reqwest::Certificate::from_pem(fx.interceptor.ca_pem().as_bytes()).unwrap();
    // Both names pinned to the loopback listener: nothing is looked up or dialled elsewhere.
    let client = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([ca])
        .resolve("id.heroku.com", direct)
        .resolve("api.heroku.com", direct)
        .build()
        .unwrap();
    let port = direct.port();
    let token: Value = client
        .post(format!("https://id.heroku.com:{port}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &fx.code),
            ("client_secret", SECRET),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap();
    let reply = client
        .patch(format!(
            "https://api.heroku.com:{port}/addons/{}/config",
            fx.uuid
        ))
        .bearer_auth(token)
        .header("accept", V3)
        .json(&serde_json::json!({"config": [{"name": CONFIG_VAR, "value": "postgres://direct"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(fx.config().as_deref(), Some("postgres://direct"));
    fx.stop().await;
}

#[tokio::test]
async fn other_targets_are_refused_with_403_and_journaled() {
    let fx = fixture::start(|_| {}).await;
    let proxy = fx.interceptor.proxy_addr();
    let (answer, mut tcp) = connect(proxy, "api.stripe.com:443").await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    let mut body = String::new();
    let _ = tcp.read_to_string(&mut body).await;
    assert!(
        body.contains("your add-on tried to reach api.stripe.com:443"),
        "{body}"
    );
    assert!(body.contains("--intercept-pass api.stripe.com"), "{body}");

    let mut tcp = TcpStream::connect(proxy).await.unwrap();
    let request = "GET http://example.com/hook HTTP/1.1\r\nHost: example.com\r\n\r\n";
    let (status, _) = exchange(&mut tcp, request).await;
    assert_eq!(status, 403);

    // On an intercepted connection, a request naming another host is refused too.
    let (_, tcp) = connect(proxy, "api.heroku.com:443").await;
    let mut stream = tls(tcp, fx.interceptor.ca_pem(), "api.heroku.com").await;
    let request = "GET /v1/charges HTTP/1.1\r\nHost: api.stripe.com\r\nconnection: close\r\n\r\n";
    let (status, _) = exchange(&mut stream, request).await;
    assert_eq!(status, 403);

    let refused: Vec<(String, String)> = fx
        .platform
        .journal()
        .all()
        .iter()
        .filter(|i| i.kind == InboundKind::RefusedOutbound)
        .map(|i| (i.method.clone(), i.path.clone()))
        .collect();
    assert_eq!(
        refused,
        [
            ("CONNECT".to_owned(), "api.stripe.com:443".to_owned()),
            ("GET".to_owned(), "example.com:80".to_owned()),
            ("GET".to_owned(), "api.stripe.com:443".to_owned()),
        ]
    );
    let first = &fx.platform.journal().all()[0];
    assert_eq!(first.status, 403);
    assert!(
        first.summary().contains("api.stripe.com:443"),
        "{}",
        first.summary()
    );
    fx.stop().await;
}

/// A loopback HTTP server answering each connection once with what it received.
async fn echo_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tcp.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&got).into_owned();
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{head}",
                    head.len()
                );
                let _ = tcp.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn loopback_targets_pass() {
    let fx = fixture::start(|_| {}).await;
    let proxy = fx.interceptor.proxy_addr();
    let echo = echo_server().await;

    let (answer, mut tcp) = connect(proxy, &echo.to_string()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (status, body) = exchange(&mut tcp, "GET /tunnelled HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(
        (status, body.starts_with("GET /tunnelled HTTP/1.1")),
        (200, true),
        "{body}"
    );

    let mut tcp = TcpStream::connect(proxy).await.unwrap();
    let port = echo.port();
    let request = format!(
        "GET http://localhost:{port}/forwarded?x=1 HTTP/1.1\r\nHost: localhost:{port}\r\n\
         Proxy-Connection: keep-alive\r\n\r\n"
    );
    let (status, body) = exchange(&mut tcp, &request).await;
    assert_eq!(status, 200);
    assert!(
        body.starts_with("GET /forwarded?x=1 HTTP/1.1\r\n"),
        "{body}"
    );
    assert!(
        body.contains("connection: close") && !body.contains("Proxy-Connection"),
        "{body}"
    );
    assert!(fx.platform.journal().all().is_empty());
    fx.stop().await;
    assert!(
        TcpStream::connect(proxy).await.is_err(),
        "the proxy still listens after stop"
    );
}

/// Kinds and paths of the journal's interception evidence.
fn evidence(fx: &fixture::Fixture) -> Vec<(InboundKind, String)> {
    fx.platform
        .journal()
        .all()
        .iter()
        .filter(|i| {
            i.kind == InboundKind::RefusedOutbound || i.kind == InboundKind::FailedTlsHandshake
        })
        .map(|i| (i.kind, i.path.clone()))
        .collect()
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_is_reported() {
    let fx = fixture::start(|_| {}).await;
    let other_ca =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls/ca.pem"))
            .unwrap();
    let (_, tcp) = connect(fx.interceptor.proxy_addr(), "api.heroku.com:443").await;
    let name = rustls::pki_types::ServerName::try_from("api.heroku.com").unwrap();
    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::pem::PemObject;
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(other_ca.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    assert!(connector.connect(name, tcp).await.is_err());
    let mut journal = fx.platform.journal().subscribe();
    let reported = journal.wait_for(|n| *n >= 1);
    let limit = std::time::Duration::from_secs(10);
    assert!(
        tokio::time::timeout(limit, reported).await.is_ok(),
        "nothing was reported"
    );
    assert_eq!(
        evidence(&fx),
        [(
            InboundKind::FailedTlsHandshake,
            "api.heroku.com:443".to_owned()
        )]
    );
    let entry = &fx.platform.journal().all()[0];
    assert!(
        entry
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("does not trust the run's CA"),
        "{entry:?}"
    );
    fx.stop().await;
}

#[tokio::test]
async fn the_direct_listener_refuses_other_server_names() {
    let fx = fixture::start(|s| s.direct = Some("127.0.0.1:0".parse().unwrap())).await;
    let tcp = TcpStream::connect(fx.interceptor.direct_addr().unwrap())
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("api.stripe.com").unwrap();
    addon_conformance::tls::install_provider();
    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::pem::PemObject;
    for cert in
        rustls::pki_types::CertificateDer::pem_slice_iter(fx.interceptor.ca_pem().as_bytes())
    {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    assert!(connector.connect(name, tcp).await.is_err());
    assert_eq!(
        evidence(&fx),
        [(
            InboundKind::RefusedOutbound,
            "api.stripe.com:443".to_owned()
        )]
    );
    fx.stop().await;
}

#[tokio::test]
async fn slow_heads_and_quiet_connections_are_cut() {
    let fx = fixture::start(|s| {
        s.head_timeout = std::time::Duration::from_millis(200);
        s.idle_timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let proxy = fx.interceptor.proxy_addr();
    let limit = std::time::Duration::from_secs(10);
    let mut tcp = TcpStream::connect(proxy).await.unwrap();
    tcp.write_all(b"CONNECT api.heroku.com:443 HTTP/1.1\r\n")
        .await
        .unwrap();
    let (status, _) = tokio::time::timeout(limit, exchange(&mut tcp, ""))
        .await
        .unwrap();
    assert_eq!(status, 408);
    fx.stop().await;

    // The TLS handshake must not race the short limit on a busy machine: a second fixture whose
    // limits a handshake meets easily, still well under the test's own bound.
    let fx = fixture::start(|s| {
        s.head_timeout = std::time::Duration::from_secs(2);
        s.idle_timeout = std::time::Duration::from_secs(2);
    })
    .await;
    let proxy = fx.interceptor.proxy_addr();
    let (_, tcp) = connect(proxy, "api.heroku.com:443").await;
    let mut stream = tls(tcp, fx.interceptor.ca_pem(), "api.heroku.com").await;
    stream
        .write_all(b"GET /addons HTTP/1.1\r\nHost: api.heroku.com\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(limit, stream.read_to_end(&mut rest)).await;
    assert!(
        read.is_ok(),
        "a connection trickling its headers stayed open"
    );
    fx.stop().await;
}

#[tokio::test]
async fn absolute_form_requests_for_heroku_hosts_are_served() {
    // Some clients (axios, for one) send `POST https://host/…` to the proxy in plain text.
    let fx = fixture::start(|_| {}).await;
    let mut tcp = TcpStream::connect(fx.interceptor.proxy_addr())
        .await
        .unwrap();
    let request = token_request(&fx.code).replacen(
        "POST /oauth/token",
        "POST https://id.heroku.com/oauth/token",
        1,
    );
    let (status, body) = exchange(&mut tcp, &request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fx.inbound(), [("token exchange".to_owned(), 200)]);
    fx.stop().await;
}

/// A loopback server that accepts and then says nothing, holding each connection open.
async fn silent_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    addr
}

#[tokio::test]
async fn a_quiet_tunnel_is_closed_and_connections_are_capped() {
    let fx = fixture::start(|s| {
        s.tunnel_idle_timeout = std::time::Duration::from_millis(300);
        s.max_connections = 1;
    })
    .await;
    let proxy = fx.interceptor.proxy_addr();
    let limit = std::time::Duration::from_secs(10);
    let silent = silent_server().await;

    // The tunnel holds the only slot: one more connection is answered 503.
    let (answer, mut tunnel) = connect(proxy, &silent.to_string()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let mut extra = TcpStream::connect(proxy).await.unwrap();
    let (status, body) = tokio::time::timeout(limit, exchange(&mut extra, ""))
        .await
        .unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("too many connections"), "{body}");
    assert!(
        evidence(&fx).contains(&(
            InboundKind::RefusedOutbound,
            "interception proxy".to_owned()
        )),
        "{:?}",
        evidence(&fx)
    );

    // Nothing either way: the tunnel is closed (end of stream), and its slot is free again.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(limit, tunnel.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "a quiet tunnel stayed open");
    let echo = echo_server().await;
    // The proxy frees the slot just after closing the tunnel: a 503 is retried until it has.
    let retried = tokio::time::timeout(limit, async {
        loop {
            let (answer, tcp) = connect(proxy, &echo.to_string()).await;
            if !answer.starts_with("HTTP/1.1 503") {
                break (answer, tcp);
            }
            tokio::task::yield_now().await;
        }
    });
    let (answer, mut tcp) = retried.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (status, _) = exchange(&mut tcp, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(status, 200);
    fx.stop().await;
}

#[tokio::test]
async fn a_tunnel_carries_both_directions_at_once() {
    const SIZE: usize = 32 * 1024 * 1024;
    let fx = fixture::start(|_| {}).await;
    let proxy = fx.interceptor.proxy_addr();
    // A server that sends its whole large answer before it reads anything of the client's large
    // upload: a tunnel stuck forwarding the upload would never read that answer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = listener.local_addr().unwrap();
    let served = tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        tcp.write_all(&vec![b's'; SIZE]).await.unwrap();
        tcp.shutdown().await.unwrap();
        let mut got = Vec::new();
        tcp.read_to_end(&mut got).await.unwrap();
        got.len()
    });
    let (answer, tcp) = connect(proxy, &server.to_string()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (mut read, mut write) = tcp.into_split();
    let upload = tokio::spawn(async move {
        write.write_all(&vec![b'c'; SIZE]).await.unwrap();
        write.shutdown().await.unwrap();
    });
    let mut got = Vec::new();
    let limit = std::time::Duration::from_secs(30);
    tokio::time::timeout(limit, read.read_to_end(&mut got))
        .await
        .expect("the tunnel carried both directions")
        .unwrap();
    upload.await.unwrap();
    assert_eq!(got.len(), SIZE);
    assert_eq!(served.await.unwrap(), SIZE);
    fx.stop().await;
}
