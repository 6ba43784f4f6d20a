//! The platform side of interception: intercepted connections (TLS terminated here, or plain
//! absolute-form HTTP) are queued to one axum server that serves the platform's router. The
//! TLS client's server name (SNI) must be an intercepted host; a request whose `Host` is not one
//! is refused on the way in, so a client that reuses a connection for another host is refused,
//! not served. Connections that go quiet are closed (`IdleTimeout`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio_rustls::LazyConfigAcceptor;

use super::ca::{CertAuthority, server_config};
use super::evidence::{Evidence, EvidenceSink, Refusal, Untrusted, Via};
use super::io::IdleTimeout;
use super::{HEROKU_HOSTS, InterceptSettings, normalize_host};
use crate::error::HarnessError;

/// A connection the platform router is served on.
pub(crate) trait Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Conn for T {}

type Queued = (Box<dyn Conn>, SocketAddr);

/// Connections waiting to be served, as an axum listener.
struct Queue(mpsc::Receiver<Queued>, SocketAddr);

impl axum::serve::Listener for Queue {
    type Io = Box<dyn Conn>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> Queued {
        match self.0.recv().await {
            Some(next) => next,
            // Every sender is gone: the interception is stopping; never accept again.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.1)
    }
}

/// Hands intercepted connections to the platform router.
#[derive(Clone)]
pub(crate) struct Front {
    queue: mpsc::Sender<Queued>,
    tls: Arc<rustls::ServerConfig>,
    pub evidence: EvidenceSink,
    head_timeout: Duration,
    idle_timeout: Duration,
}

impl Front {
    pub fn start(
        ca: &CertAuthority,
        upstream: super::Upstream,
        settings: &InterceptSettings,
        mut stopped: watch::Receiver<bool>,
    ) -> Result<(Self, tokio::task::JoinHandle<()>), HarnessError> {
        let tls = server_config(ca, HEROKU_HOSTS)?;
        let (queue, rx) = mpsc::channel(64);
        let router = upstream.router.layer(axum::middleware::from_fn_with_state(
            upstream.evidence.clone(),
            check_host,
        ));
        let listener = Queue(rx, SocketAddr::from(([127, 0, 0, 1], 0)));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await;
        });
        let front = Self {
            queue,
            tls,
            evidence: upstream.evidence,
            head_timeout: settings.head_timeout,
            idle_timeout: settings.idle_timeout,
        };
        Ok((front, task))
    }

    /// Serves plain HTTP (absolute-form requests to an intercepted host) on `conn`.
    pub async fn serve_plain(&self, conn: impl Conn, peer: SocketAddr) {
        let conn = IdleTimeout::new(conn, self.idle_timeout);
        let _ = self.queue.send((Box::new(conn), peer)).await;
    }

    /// Terminates TLS on `conn` and serves the router on it. The handshake is bounded by the
    /// head timeout; a server name that is not intercepted is refused, and a handshake the
    /// client breaks off with an alert is reported (it does not trust the CA).
    pub async fn serve_tls(&self, conn: impl Conn, peer: SocketAddr, asked: Option<&str>) {
        let conn = IdleTimeout::new(conn, self.idle_timeout);
        let deadline = tokio::time::Instant::now() + self.head_timeout;
        let acceptor = LazyConfigAcceptor::new(rustls::server::Acceptor::default(), conn);
        let Ok(Ok(start)) = tokio::time::timeout_at(deadline, acceptor).await else {
            return;
        };
        let name = start.client_hello().server_name().map(normalize_host);
        let host = match name {
            Some(name) if HEROKU_HOSTS.contains(&name.as_str()) => name,
            other => {
                let target = other.or(asked.map(str::to_owned));
                (self.evidence)(Evidence::Refused(Refusal {
                    target: format!("{}:443", target.as_deref().unwrap_or("?")),
                    method: "TLS".to_owned(),
                    via: Via::Sni,
                }));
                return;
            }
        };
        match tokio::time::timeout_at(deadline, start.into_stream(self.tls.clone())).await {
            Ok(Ok(tls)) => {
                let _ = self.queue.send((Box::new(tls), peer)).await;
            }
            Ok(Err(e)) => {
                let alert = e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                    .and_then(|e| match e {
                        rustls::Error::AlertReceived(alert) => Some(format!("{alert:?}")),
                        _ => None,
                    });
                if let Some(alert) = alert {
                    (self.evidence)(Evidence::Untrusted(Untrusted { host, alert }));
                }
            }
            Err(_) => {}
        }
    }

    /// The direct listener: every connection is TLS for an intercepted host.
    pub async fn serve_direct(self, listener: TcpListener, mut stopped: watch::Receiver<bool>) {
        let mut conns = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, peer)) = accepted else { continue };
                    let front = self.clone();
                    conns.spawn(async move { front.serve_tls(stream, peer, None).await });
                }
                Some(_) = conns.join_next(), if !conns.is_empty() => {}
                _ = stopped.wait_for(|s| *s) => break,
            }
        }
    }
}

/// The host a request names (`Host` header, else the absolute-form authority), and its port.
fn requested_host(request: &Request) -> Option<(String, Option<u16>)> {
    let authority = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<axum::http::uri::Authority>().ok())
        .or_else(|| request.uri().authority().cloned())?;
    Some((normalize_host(authority.host()), authority.port_u16()))
}

async fn check_host(State(sink): State<EvidenceSink>, request: Request, next: Next) -> Response {
    match requested_host(&request) {
        Some((host, port)) if !HEROKU_HOSTS.contains(&host.as_str()) => {
            let refusal = Refusal {
                target: format!("{host}:{}", port.unwrap_or(443)),
                method: request.method().to_string(),
                via: Via::HostHeader,
            };
            let body = refusal.message();
            sink(Evidence::Refused(refusal));
            (StatusCode::FORBIDDEN, body).into_response()
        }
        _ => next.run(request).await,
    }
}
