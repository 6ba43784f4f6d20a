//! What the proxy refused, as evidence: a connection the add-on tried to open to a host that is
//! neither intercepted, loopback nor on the pass list. Each refusal becomes one inbound record of
//! its own kind, so the platform's journal and every report show it beside the callbacks.

use std::sync::Arc;

use crate::platform::inbound::Inbound;

/// The inbound kind of a refused connection.
pub const REFUSED_KIND: &str = "refused outbound connection";

/// How the refused request reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `CONNECT host:port` to the proxy.
    Connect,
    /// An absolute-form request (`GET http://host/…`) to the proxy.
    AbsoluteForm,
    /// A request whose `Host` is not the intercepted host of its connection.
    HostHeader,
    /// A TLS connection to the direct listener asking (SNI) for another name.
    DirectTls,
}

/// One refused attempt to reach a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `host:port` the add-on asked for (`?` when a TLS client sent no name).
    pub target: String,
    /// The request method (`CONNECT`, `GET`, …; `TLS` for the direct listener).
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

    /// The refusal as an inbound record (its `seq` and `at_ms` are set by the journal's owner).
    pub fn to_inbound(&self) -> Inbound {
        Inbound {
            seq: 0,
            at_ms: 0,
            method: self.method.clone(),
            path: self.target.clone(),
            headers: Vec::new(),
            body: None,
            status: 403,
            resource: None,
            scope: None,
            kind: REFUSED_KIND.to_owned(),
            error: Some("outbound_refused".to_owned()),
            message: Some(self.message()),
        }
    }
}

/// Where refusals go (the platform journal in a run; a list in tests).
pub type RefusalSink = Arc<dyn Fn(Refusal) + Send + Sync>;

/// A sink that journals each refusal as an inbound record through `push` (the platform's
/// [`crate::platform::Platform::journal_sink`]).
pub fn journaled(push: Arc<dyn Fn(Inbound) + Send + Sync>) -> RefusalSink {
    Arc::new(move |refusal: Refusal| push(refusal.to_inbound()))
}
