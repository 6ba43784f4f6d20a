//! Interception of Heroku's hosts, for add-ons that call `https://id.heroku.com` and
//! `https://api.heroku.com` directly. A local HTTP proxy (CONNECT and absolute-form requests)
//! terminates TLS for those two hosts with leaves from a CA made for the run and hands the
//! connection to the platform's own router, so the add-on's calls land in the inbound journal
//! exactly as callbacks do. Loopback targets and hosts on the pass list are tunnelled; every
//! other target is refused with 403 and journaled as evidence. The proxy never dials a
//! non-loopback address the pass list does not name. Optionally the same TLS is served directly
//! on an address (SNI chooses the leaf), for runtimes that ignore proxy variables.

mod ca;
pub mod command;
pub mod env;
pub mod evidence;
mod front;
mod io;
mod proxy;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use ca::{CA_FILE, CertAuthority};
pub use evidence::{Evidence, EvidenceSink, Refusal, Untrusted, Via};

use crate::error::HarnessError;

/// The hosts whose HTTPS the proxy serves itself.
pub const HEROKU_HOSTS: &[&str] = &["id.heroku.com", "api.heroku.com"];

/// The platform origin while intercepting: `callback_url` takes Heroku's own form,
/// `https://api.heroku.com/addons/{uuid}` (set it as the platform's public URL).
pub const HEROKU_API_ORIGIN: &str = "https://api.heroku.com";

/// How the interception runs; resolved once from the command line and config.
#[derive(Debug, Clone)]
pub struct InterceptSettings {
    /// Where the proxy listens (loopback; port 0 picks one).
    pub proxy: SocketAddr,
    /// Also serve the intercepted hosts' TLS directly here (`--intercept-listen`).
    pub direct: Option<SocketAddr>,
    /// Hosts tunnelled as asked (`--intercept-pass`), besides loopback.
    pub pass: Vec<String>,
    /// Where the CA, its bundle and the Java trust store are written.
    pub dir: PathBuf,
    /// How long a client may take to send a request head, or to finish a TLS handshake.
    pub head_timeout: Duration,
    /// How long an intercepted connection may send nothing (headers, body, or the next request
    /// on a kept-alive connection) before it is closed.
    pub idle_timeout: Duration,
    /// How long dialling a tunnelled target may take.
    pub connect_timeout: Duration,
    /// How long a tunnel (loopback or the pass list) may carry nothing in either direction
    /// before it is closed.
    pub tunnel_idle_timeout: Duration,
    /// Connections the proxy handles at once; one more is answered 503 and closed.
    pub max_connections: usize,
    /// Whether to make a Java trust store (runs `keytool`).
    pub java: env::Java,
}

impl InterceptSettings {
    /// Loopback, port 0, no pass list, files in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            proxy: SocketAddr::from(([127, 0, 0, 1], 0)),
            direct: None,
            pass: Vec::new(),
            dir,
            head_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            tunnel_idle_timeout: Duration::from_secs(300),
            max_connections: 256,
            java: env::Java::TrustStore,
        }
    }
}

/// What the proxy does with a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Served by the platform router (TLS terminated for HTTPS).
    Intercept,
    /// Tunnelled to the target (loopback or on the pass list).
    Pass,
    /// Answered 403 and journaled.
    Refuse,
}

/// A host name as compared: lower case, no brackets, no trailing dot.
pub fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// `localhost` or a loopback address.
pub fn is_loopback_host(host: &str) -> bool {
    let host = normalize_host(host);
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Decides a target: Heroku's hosts on their port are intercepted, loopback and the pass list
/// pass, everything else is refused.
pub fn decide(host: &str, port: u16, https: bool, pass: &[String]) -> Decision {
    let host = normalize_host(host);
    let heroku_port = if https { 443 } else { 80 };
    if HEROKU_HOSTS.contains(&host.as_str()) && port == heroku_port {
        Decision::Intercept
    } else if is_loopback_host(&host) || pass.iter().any(|p| normalize_host(p) == host) {
        Decision::Pass
    } else {
        Decision::Refuse
    }
}

/// What the proxy serves with: the platform's router and where evidence goes.
#[derive(Clone)]
pub struct Upstream {
    pub router: axum::Router,
    pub evidence: EvidenceSink,
}

impl Upstream {
    /// The running platform's router, with evidence journaled as its inbound records.
    pub fn platform(platform: &crate::platform::Platform) -> Self {
        Self {
            router: platform.router(),
            evidence: evidence::journaled(platform.journal_sink()),
        }
    }
}

/// A running interception: the proxy, the optional direct listener, and the run's CA.
pub struct Interceptor {
    proxy_addr: SocketAddr,
    direct_addr: Option<SocketAddr>,
    ca: Arc<CertAuthority>,
    env: env::InterceptEnv,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

async fn bind(addr: SocketAddr, flag: &str) -> Result<(TcpListener, SocketAddr), HarnessError> {
    let listener = TcpListener::bind(addr).await.map_err(|e| {
        HarnessError::usage(
            format!("the interception cannot listen on {addr}: {e}"),
            format!("choose another address with {flag}"),
        )
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| HarnessError::Internal(format!("no local address: {e}")))?;
    Ok((listener, local))
}

impl Interceptor {
    /// Makes (or reuses) the CA in `settings.dir`, writes the environment files, and starts
    /// serving. Nothing is dialled until a client asks for a passing target.
    pub async fn start(
        settings: InterceptSettings,
        upstream: Upstream,
    ) -> Result<Self, HarnessError> {
        crate::tls::install_provider();
        let ca = Arc::new(CertAuthority::load_or_create(&settings.dir)?);
        let (proxy_listener, proxy_addr) = bind(settings.proxy, "--intercept-proxy").await?;
        let direct = match settings.direct {
            Some(addr) => Some(bind(addr, "--intercept-listen").await?),
            None => None,
        };
        let direct_addr = direct.as_ref().map(|(_, a)| *a);
        // Reading the system roots and running keytool block: off the runtime's threads.
        let env = {
            let (ca, java) = (ca.clone(), settings.java);
            tokio::task::spawn_blocking(move || env::InterceptEnv::prepare(&ca, proxy_addr, java))
                .await
                .map_err(|e| HarnessError::Internal(format!("preparing the environment: {e}")))??
        };
        let (stop, stopped) = watch::channel(false);
        let (front, front_task) = front::Front::start(&ca, upstream, &settings, stopped.clone())?;
        let settings = Arc::new(settings);
        let mut tasks = vec![front_task];
        tasks.push(tokio::spawn(proxy::serve(
            proxy_listener,
            front.clone(),
            settings.clone(),
            stopped.clone(),
        )));
        if let Some((listener, _)) = direct {
            tasks.push(tokio::spawn(front.clone().serve_direct(listener, stopped)));
        }
        Ok(Self {
            proxy_addr,
            direct_addr,
            ca,
            env,
            stop,
            tasks,
        })
    }

    pub fn proxy_addr(&self) -> SocketAddr {
        self.proxy_addr
    }

    pub fn direct_addr(&self) -> Option<SocketAddr> {
        self.direct_addr
    }

    /// The file holding the run's CA certificate.
    pub fn ca_path(&self) -> PathBuf {
        self.ca.ca_path()
    }

    pub fn ca_pem(&self) -> &str {
        self.ca.ca_pem()
    }

    /// The environment an add-on needs to go through the proxy and trust the CA.
    pub fn env(&self) -> &env::InterceptEnv {
        &self.env
    }

    /// One line for the run's notes: where the proxy is and which CA file to trust.
    pub fn note(&self) -> String {
        let direct = self
            .direct_addr
            .map(|a| format!("; also TLS directly on {a}"))
            .unwrap_or_default();
        format!(
            "interception: the proxy at http://{} serves {} with the CA in {}{direct}; every \
             other host is refused unless passed",
            self.proxy_addr,
            HEROKU_HOSTS.join(" and "),
            self.ca.ca_path().display()
        )
    }

    /// Stops accepting and cuts every connection still open.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            task.abort();
            let _ = task.await;
        }
    }
}

#[cfg(test)]
mod tests;
