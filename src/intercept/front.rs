//! The platform side of interception: intercepted connections (TLS terminated here, or plain
//! absolute-form HTTP) are queued to one axum server that serves the platform's router. A
//! request whose `Host` is not an intercepted host is refused on the way in, so a client that
//! reuses a connection for another host is refused, not served.

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
use tokio_rustls::TlsAcceptor;

use super::ca::{CertAuthority, server_config};
use super::evidence::{Refusal, RefusalSink, Via};
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
    tls: TlsAcceptor,
    pub on_refused: RefusalSink,
}

impl Front {
    pub fn start(
        ca: &CertAuthority,
        upstream: super::Upstream,
        mut stopped: watch::Receiver<bool>,
    ) -> Result<(Self, tokio::task::JoinHandle<()>), HarnessError> {
        let sink = upstream.on_refused.clone();
        let on_unknown = Box::new(move |name: Option<&str>| {
            sink(Refusal {
                target: format!("{}:443", name.unwrap_or("?")),
                method: "TLS".to_owned(),
                via: Via::DirectTls,
            })
        });
        let config = server_config(ca, HEROKU_HOSTS, on_unknown)?;
        let (queue, rx) = mpsc::channel(64);
        let router = upstream.router.layer(axum::middleware::from_fn_with_state(
            upstream.on_refused.clone(),
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
            tls: TlsAcceptor::from(config),
            on_refused: upstream.on_refused,
        };
        Ok((front, task))
    }

    /// Serves plain HTTP (absolute-form requests to an intercepted host) on `conn`.
    pub async fn serve_plain(&self, conn: impl Conn, peer: SocketAddr) {
        let _ = self.queue.send((Box::new(conn), peer)).await;
    }

    /// Terminates TLS on `conn` (bounded by `timeout`) and serves the router on it.
    pub async fn serve_tls(&self, conn: impl Conn, peer: SocketAddr, timeout: Duration) {
        if let Ok(Ok(tls)) = tokio::time::timeout(timeout, self.tls.accept(conn)).await {
            let _ = self.queue.send((Box::new(tls), peer)).await;
        }
    }

    /// The direct listener: every connection is TLS for an intercepted host.
    pub async fn serve_direct(
        self,
        listener: TcpListener,
        settings: Arc<InterceptSettings>,
        mut stopped: watch::Receiver<bool>,
    ) {
        let mut conns = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, peer)) = accepted else { continue };
                    let front = self.clone();
                    let timeout = settings.head_timeout;
                    conns.spawn(async move { front.serve_tls(stream, peer, timeout).await });
                }
                Some(_) = conns.join_next(), if !conns.is_empty() => {}
                _ = stopped.wait_for(|s| *s) => break,
            }
        }
    }
}

/// The host a request names (`Host` header, else the absolute-form authority), without port.
fn requested_host(request: &Request) -> Option<(String, Option<u16>)> {
    let authority = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<axum::http::uri::Authority>().ok())
        .or_else(|| request.uri().authority().cloned())?;
    Some((normalize_host(authority.host()), authority.port_u16()))
}

async fn check_host(State(sink): State<RefusalSink>, request: Request, next: Next) -> Response {
    match requested_host(&request) {
        Some((host, port)) if !HEROKU_HOSTS.contains(&host.as_str()) => {
            let refusal = Refusal {
                target: format!("{host}:{}", port.unwrap_or(443)),
                method: request.method().to_string(),
                via: Via::HostHeader,
            };
            let body = refusal.message();
            sink(refusal);
            (StatusCode::FORBIDDEN, body).into_response()
        }
        _ => next.run(request).await,
    }
}
