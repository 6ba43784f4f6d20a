//! The HTTP servers we run (the platform, the `sso` hand-off page): hyper's HTTP/1 server with a
//! header read timeout, each connection its own task, and a bounded end: on shutdown, open
//! connections get a short grace to finish and are then cut, so a client trickling its request
//! can never hold the run (or the `sso` command) open.

use std::future::Future;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// How long a server waits for what it is owed.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// From the connection (or the previous answer) to the end of the request headers.
    pub header_read: Duration,
    /// How long open connections may go on after shutdown is asked.
    pub grace: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes, then ends within `limits.grace`.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) {
    let mut connections = tokio::task::JoinSet::new();
    let (closing, closed) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else {
                    // Out of file descriptors and the like: let the condition pass.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let service = TowerToHyperService::new(router.clone());
                let mut closed = closed.clone();
                connections.spawn(async move {
                    let connection = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(limits.header_read)
                        .serve_connection(TokioIo::new(tcp), service);
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        _ = closed.changed() => {
                            connection.as_mut().graceful_shutdown();
                            let _ = connection.await;
                        }
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.grace, drained).await.is_err() {
        connections.abort_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn start(
        limits: ServeLimits,
    ) -> (
        std::net::SocketAddr,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = axum::Router::new().route("/", axum::routing::get(|| async { "hi" }));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, router, limits, async {
            let _ = rx.await;
        }));
        (addr, tx, task)
    }

    #[tokio::test]
    async fn a_client_trickling_its_headers_is_cut_off() {
        let limits = ServeLimits {
            header_read: Duration::from_millis(200),
            grace: Duration::from_secs(1),
        };
        let (addr, _tx, _task) = start(limits).await;
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        // The server closes the connection (event-driven; the outer bound only catches a hang).
        let read = tokio::time::timeout(Duration::from_secs(20), tcp.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "the connection stayed open");
        assert!(!String::from_utf8_lossy(&buf).contains("hi"));
    }

    #[tokio::test]
    async fn shutdown_ends_despite_a_stalled_client() {
        let limits = ServeLimits {
            header_read: Duration::from_secs(300),
            grace: Duration::from_millis(100),
        };
        let (addr, tx, task) = start(limits).await;
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        let mut ok = tokio::net::TcpStream::connect(addr).await.unwrap();
        ok.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        ok.read_to_end(&mut answer).await.unwrap();
        assert!(String::from_utf8_lossy(&answer).ends_with("hi"));
        tx.send(()).unwrap();
        let ended = tokio::time::timeout(Duration::from_secs(20), task).await;
        assert!(ended.is_ok(), "the server waited for the stalled client");
    }
}
