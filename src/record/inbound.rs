//! A call the partner made to the platform (the fake Heroku), as recorded, and what it was.

use std::fmt;

use serde::Serialize;

use super::exchange::Header;

/// What an inbound call was. Serialized and displayed in the platform's words ("token exchange").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum InboundKind {
    #[serde(rename = "token exchange")]
    TokenExchange,
    #[serde(rename = "token refresh")]
    TokenRefresh,
    #[serde(rename = "token request")]
    TokenRequest,
    #[serde(rename = "add-on info")]
    AddonInfo,
    #[serde(rename = "config read")]
    ConfigRead,
    #[serde(rename = "config update")]
    ConfigUpdate,
    #[serde(rename = "provision action")]
    ProvisionAction,
    #[serde(rename = "deprovision action")]
    DeprovisionAction,
    #[serde(rename = "attachment list")]
    AttachmentList,
    #[serde(rename = "app info")]
    AppInfo,
    #[serde(rename = "app attachment list")]
    AppAttachmentList,
    #[serde(rename = "collaborator list")]
    CollaboratorList,
    #[serde(rename = "grant for a hand-made provision")]
    HandMadeGrant,
    #[serde(rename = "slow request")]
    SlowRequest,
    #[serde(rename = "oversized request")]
    OversizedRequest,
    #[serde(rename = "unknown endpoint")]
    UnknownEndpoint,
    #[serde(rename = "app info list")]
    AppInfoList,
    #[serde(rename = "app info read")]
    AppInfoRead,
    #[serde(rename = "app info update")]
    AppInfoUpdate,
    #[serde(rename = "log write")]
    LogWrite,
    #[serde(rename = "refused outbound connection")]
    RefusedOutbound,
    #[serde(rename = "failed TLS handshake")]
    FailedTlsHandshake,
}

impl InboundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InboundKind::TokenExchange => "token exchange",
            InboundKind::TokenRefresh => "token refresh",
            InboundKind::TokenRequest => "token request",
            InboundKind::AddonInfo => "add-on info",
            InboundKind::ConfigRead => "config read",
            InboundKind::ConfigUpdate => "config update",
            InboundKind::ProvisionAction => "provision action",
            InboundKind::DeprovisionAction => "deprovision action",
            InboundKind::AttachmentList => "attachment list",
            InboundKind::AppInfo => "app info",
            InboundKind::AppAttachmentList => "app attachment list",
            InboundKind::CollaboratorList => "collaborator list",
            InboundKind::HandMadeGrant => "grant for a hand-made provision",
            InboundKind::SlowRequest => "slow request",
            InboundKind::OversizedRequest => "oversized request",
            InboundKind::UnknownEndpoint => "unknown endpoint",
            InboundKind::AppInfoList => "app info list",
            InboundKind::AppInfoRead => "app info read",
            InboundKind::AppInfoUpdate => "app info update",
            InboundKind::LogWrite => "log write",
            InboundKind::RefusedOutbound => "refused outbound connection",
            InboundKind::FailedTlsHandshake => "failed TLS handshake",
        }
    }
}

impl fmt::Display for InboundKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One callback the platform received and what it answered.
#[derive(Debug, Clone, Serialize)]
pub struct Inbound {
    pub seq: u64,
    /// Milliseconds since the run started (the run clock, like exchanges' `started_ms`).
    pub at_ms: u64,
    pub method: String,
    /// Path and query, redacted.
    pub path: String,
    pub headers: Vec<Header>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub status: u16,
    /// The resource the call concerns (path or grant), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The resource the caller's token is scoped to, when it had a valid token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// What the call was.
    pub kind: InboundKind,
    /// The error id answered, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The error message answered, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Inbound {
    /// A call of `kind` answered `status`, with nothing else known yet (no headers, body,
    /// resource, scope or error); the journal numbers it and stamps its time.
    pub fn new(kind: InboundKind, method: &str, path: &str, status: u16) -> Self {
        Self {
            seq: 0,
            at_ms: 0,
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
            status,
            resource: None,
            scope: None,
            kind,
            error: None,
            message: None,
        }
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn summary(&self) -> String {
        format!(
            "{} {} -> {}{}{} ({})",
            self.method,
            self.path,
            self.status,
            self.error
                .as_deref()
                .map(|e| format!(" {e}"))
                .unwrap_or_default(),
            // The platform's own words, when it refused the call.
            self.message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default(),
            self.kind
        )
    }
}

#[cfg(test)]
mod tests {
    use super::InboundKind;

    #[test]
    fn a_kind_serializes_as_it_displays() {
        for kind in [InboundKind::TokenExchange, InboundKind::AppInfoUpdate] {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, serde_json::Value::String(kind.to_string()));
        }
    }
}
