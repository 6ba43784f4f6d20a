//! The proxy listener: reads one request head (bounded in size and time), then either serves the
//! connection to the platform (an intercepted host), tunnels it (loopback or the pass list), or
//! answers 403 and reports the refusal. Only a passing target is ever dialled.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::evidence::{Evidence, Refusal, Via};
use super::front::Front;
use super::io::{Prefixed, tunnel};
use super::{Decision, InterceptSettings, decide, is_loopback_host, normalize_host};

/// Largest request head read.
const HEAD_LIMIT: usize = 16 * 1024;

/// A request head: its first line's parts, and every byte read so far.
pub(crate) struct Head {
    pub method: String,
    pub target: String,
    /// Bytes of the head itself (through the blank line).
    pub len: usize,
    pub bytes: Vec<u8>,
}

/// Reads until the blank line ending the head; `None` on EOF, overflow or a malformed line.
pub(crate) async fn read_head(stream: &mut (impl AsyncRead + Unpin)) -> Option<Head> {
    let mut bytes = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let len = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&chunk[..n]);
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if bytes.len() > HEAD_LIMIT {
            return None;
        }
    };
    let text = std::str::from_utf8(&bytes[..len]).ok()?;
    let mut parts = text.lines().next()?.split_whitespace();
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    Some(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        len,
        bytes,
    })
}

/// Splits `host:port` (IPv6 in brackets).
pub(crate) fn split_authority(authority: &str) -> Option<(String, u16)> {
    let parsed: axum::http::uri::Authority = authority.parse().ok()?;
    Some((normalize_host(parsed.host()), parsed.port_u16()?))
}

/// Accepts proxy connections until stopped; each is handled on its own task.
pub(crate) async fn serve(
    listener: TcpListener,
    front: Front,
    settings: Arc<InterceptSettings>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(settings.max_connections));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((mut stream, peer)) = accepted else { continue };
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    (front.evidence)(Evidence::Busy(settings.max_connections));
                    let body = "too many connections through the interception proxy at once\n";
                    conns.spawn(async move { answer(&mut stream, "503 Service Unavailable", body).await });
                    continue;
                };
                let (front, settings) = (front.clone(), settings.clone());
                conns.spawn(async move {
                    handle(stream, peer, front, settings).await;
                    drop(slot);
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = stopped.wait_for(|s| *s) => break,
        }
    }
}

async fn answer(stream: &mut TcpStream, status: &str, body: &str) {
    let text = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn handle(
    mut stream: TcpStream,
    peer: SocketAddr,
    front: Front,
    settings: Arc<InterceptSettings>,
) {
    let head = match tokio::time::timeout(settings.head_timeout, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        Ok(None) => return answer(&mut stream, "400 Bad Request", "bad request head\n").await,
        Err(_) => {
            return answer(
                &mut stream,
                "408 Request Timeout",
                "request head too slow\n",
            )
            .await;
        }
    };
    if head.method.eq_ignore_ascii_case("CONNECT") {
        connect(stream, peer, head, &front, &settings).await;
    } else if head.target.starts_with("http://") || head.target.starts_with("https://") {
        absolute(stream, peer, head, &front, &settings).await;
    } else {
        let body = "this is the addon-conformance interception proxy: send requests through it \
                    (HTTPS_PROXY), not to it\n";
        answer(&mut stream, "400 Bad Request", body).await;
    }
}

async fn refuse(stream: &mut TcpStream, front: &Front, refusal: Refusal) {
    let body = format!("{}\n", refusal.message());
    (front.evidence)(Evidence::Refused(refusal));
    answer(stream, "403 Forbidden", &body).await;
}

async fn connect(
    mut stream: TcpStream,
    peer: SocketAddr,
    head: Head,
    front: &Front,
    settings: &InterceptSettings,
) {
    let Some((host, port)) = split_authority(&head.target) else {
        return answer(&mut stream, "400 Bad Request", "CONNECT needs host:port\n").await;
    };
    let early = head.bytes[head.len..].to_vec();
    match decide(&host, port, true, &settings.pass) {
        Decision::Intercept => {
            if stream
                .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                .await
                .is_ok()
            {
                let conn = Prefixed::new(early, stream);
                front.serve_tls(conn, peer, Some(&host)).await;
            }
        }
        Decision::Pass => {
            let Some(mut upstream) = dial(&host, port, settings).await else {
                let body = format!("cannot reach {host}:{port}\n");
                return answer(&mut stream, "502 Bad Gateway", &body).await;
            };
            if stream
                .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                .await
                .is_ok()
                && upstream.write_all(&early).await.is_ok()
            {
                tunnel(&mut stream, &mut upstream, settings.tunnel_idle_timeout).await;
            }
        }
        Decision::Refuse => {
            let refusal = Refusal {
                target: format!("{host}:{port}"),
                method: head.method,
                via: Via::Connect,
            };
            refuse(&mut stream, front, refusal).await;
        }
    }
}

async fn absolute(
    mut stream: TcpStream,
    peer: SocketAddr,
    head: Head,
    front: &Front,
    settings: &InterceptSettings,
) {
    let Some(url) = url::Url::parse(&head.target).ok() else {
        return answer(&mut stream, "400 Bad Request", "bad request target\n").await;
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return answer(&mut stream, "400 Bad Request", "bad request target\n").await;
    };
    let host = normalize_host(host);
    match decide(&host, port, url.scheme() == "https", &settings.pass) {
        Decision::Intercept => {
            // hyper serves absolute-form requests; the router reads only the path.
            front
                .serve_plain(Prefixed::new(head.bytes, stream), peer)
                .await;
        }
        Decision::Pass => {
            let Some(mut upstream) = dial(&host, port, settings).await else {
                let body = format!("cannot reach {host}:{port}\n");
                return answer(&mut stream, "502 Bad Gateway", &body).await;
            };
            let rewritten = origin_form(&head, &url);
            if upstream.write_all(&rewritten).await.is_ok() {
                tunnel(&mut stream, &mut upstream, settings.tunnel_idle_timeout).await;
            }
        }
        Decision::Refuse => {
            let refusal = Refusal {
                target: format!("{host}:{port}"),
                method: head.method,
                via: Via::AbsoluteForm,
            };
            refuse(&mut stream, front, refusal).await;
        }
    }
}

/// The head rewritten for the origin server: origin-form target, hop-by-hop proxy headers
/// dropped, and `connection: close` so the next request comes back through the proxy.
fn origin_form(head: &Head, url: &url::Url) -> Vec<u8> {
    let text = String::from_utf8_lossy(&head.bytes[..head.len]);
    let mut lines = text.split("\r\n");
    let first = lines.next().unwrap_or_default();
    let version = first.rsplit(' ').next().unwrap_or("HTTP/1.1");
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let mut out = format!("{} {path} {version}\r\n", head.method);
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if !matches!(
            name.as_str(),
            "connection" | "proxy-connection" | "proxy-authorization" | "keep-alive"
        ) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&head.bytes[head.len..]);
    bytes
}

/// Dials a passing target: loopback names go to 127.0.0.1 without a lookup; other hosts only
/// because the pass list names them.
async fn dial(host: &str, port: u16, settings: &InterceptSettings) -> Option<TcpStream> {
    let target = if host == "localhost" || host.ends_with(".localhost") {
        format!("127.0.0.1:{port}")
    } else if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    debug_assert!(
        is_loopback_host(host) || settings.pass.iter().any(|p| normalize_host(p) == host)
    );
    tokio::time::timeout(settings.connect_timeout, TcpStream::connect(target))
        .await
        .ok()?
        .ok()
}
