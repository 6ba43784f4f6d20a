//! What interception saw that the platform router did not answer, as evidence: a connection to
//! a host that is neither intercepted, loopback nor on the pass list (refused), and a TLS
//! handshake with an intercepted host that the add-on broke off (it does not trust the run's
//! CA). Each becomes one inbound record of its own kind, so the platform's journal and every
//! report show it beside the callbacks.

use std::sync::Arc;

use crate::record::Inbound;
use crate::record::InboundKind;

/// How the refused request reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `CONNECT host:port` to the proxy.
    Connect,
    /// An absolute-form request (`GET http://host/…`) to the proxy.
    AbsoluteForm,
    /// A request whose `Host` is not an intercepted host.
    HostHeader,
    /// A TLS client asking (SNI) for a name that is not intercepted, or for none.
    Sni,
}

/// One refused attempt to reach a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `host:port` the add-on asked for (`?` when a TLS client sent no name).
    pub target: String,
    /// The request method (`CONNECT`, `GET`, …; `TLS` for a refused server name).
    pub method: String,
    pub via: Via,
}

impl Refusal {
    /// The host part of the target.
    pub fn host(&self) -> &str {
        match self.target.rsplit_once(':') {
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => &self.target,
        }
    }

    /// The sentence the add-on's author reads.
    pub fn message(&self) -> String {
        format!(
            "your add-on tried to reach {}; the interception proxy refused it (only Heroku's \
             hosts are served and loopback passes; let this host through with \
             --intercept-pass {}, which sends the add-on's traffic to it)",
            self.target,
            self.host()
        )
    }
}

/// A TLS handshake with an intercepted host that the client ended with an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted {
    pub host: String,
    /// The alert the client sent (`UnknownCA`, `BadCertificate`, …).
    pub alert: String,
}

impl Untrusted {
    pub fn message(&self) -> String {
        format!(
            "your add-on broke off the TLS handshake with {} ({}): it does not trust the \
             run's CA; give it the interception environment (SSL_CERT_FILE, \
             NODE_EXTRA_CA_CERTS, JAVA_TOOL_OPTIONS, …)",
            self.host, self.alert
        )
    }
}

/// Anything interception reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    Refused(Refusal),
    Untrusted(Untrusted),
    /// A connection refused because the proxy already held this many.
    Busy(usize),
}

impl Evidence {
    pub fn message(&self) -> String {
        match self {
            Self::Refused(r) => r.message(),
            Self::Untrusted(u) => u.message(),
            Self::Busy(limit) => format!(
                "the interception proxy already held {limit} connections and refused one more \
                 from your add-on (503): close connections it no longer uses, or reuse them"
            ),
        }
    }

    /// As an inbound record (its `seq` and `at_ms` are set by the journal's owner). A broken-off
    /// handshake has status 0: no HTTP exchange took place.
    pub fn to_inbound(&self) -> Inbound {
        let (method, path, status, kind, error) = match self {
            Self::Refused(r) => (
                r.method.clone(),
                r.target.clone(),
                403,
                InboundKind::RefusedOutbound,
                "outbound_refused",
            ),
            Self::Untrusted(u) => (
                "TLS".to_owned(),
                format!("{}:443", u.host),
                0,
                InboundKind::FailedTlsHandshake,
                "tls_untrusted",
            ),
            Self::Busy(_) => (
                "CONNECT".to_owned(),
                "interception proxy".to_owned(),
                503,
                InboundKind::RefusedOutbound,
                "proxy_busy",
            ),
        };
        Inbound {
            error: Some(error.to_owned()),
            message: Some(self.message()),
            ..Inbound::new(kind, &method, &path, status)
        }
    }
}

/// Where evidence goes (the platform journal in a run; a list in tests).
pub type EvidenceSink = Arc<dyn Fn(Evidence) + Send + Sync>;

/// A sink that journals evidence as inbound records through `push` (the platform's
/// [`crate::platform::Platform::journal_sink`]).
pub fn journaled(push: Arc<dyn Fn(Inbound) + Send + Sync>) -> EvidenceSink {
    Arc::new(move |evidence: Evidence| push(evidence.to_inbound()))
}
