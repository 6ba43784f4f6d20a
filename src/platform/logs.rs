//! The apps' log input: the provision's `log_input_url` is `{origin}/logs/{uuid}` when the
//! manifest requires `log_input`. Each POST is answered 204 like Logplex and journaled
//! (`InboundKind::LogWrite`); its raw headers and body are kept here, in memory only, for
//! LOG-02's judge (`logplex::judge`), since the journaled body is redacted and cut.

use std::sync::Mutex;

use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::Shared;
use super::http::{Answer, Call};
use crate::record::InboundKind;

/// Raw writes kept per run; later ones are still answered and journaled.
const MAX_WRITES: usize = 200;

/// One POST to a log input URL, as it arrived.
#[derive(Debug, Clone)]
pub struct LogWrite {
    /// The inbound journal entry of this write.
    pub seq: u64,
    pub resource: String,
    pub content_type: Option<String>,
    pub content_length: Option<String>,
    pub user_agent: Option<String>,
    pub body: Vec<u8>,
}

impl LogWrite {
    /// The request as LOG-02's judge reads it.
    pub fn post(&self) -> super::logplex::LogPost<'_> {
        super::logplex::LogPost {
            content_type: self.content_type.as_deref(),
            content_length: self.content_length.as_deref(),
            user_agent: self.user_agent.as_deref(),
            body: &self.body,
        }
    }
}

#[derive(Debug, Default)]
pub struct LogStore {
    writes: Mutex<Vec<LogWrite>>,
}

impl LogStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<LogWrite>> {
        match self.writes.lock() {
            Ok(w) => w,
            Err(p) => p.into_inner(),
        }
    }

    pub(crate) fn keep(&self, call: &Call, resource: &str, seq: u64) {
        let mut writes = self.lock();
        if writes.len() >= MAX_WRITES {
            return;
        }
        let header = |name: &str| {
            call.headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        writes.push(LogWrite {
            seq,
            resource: resource.to_owned(),
            content_type: header("content-type"),
            content_length: header("content-length"),
            user_agent: header("user-agent"),
            body: call.body.clone(),
        });
    }

    pub fn for_resource(&self, uuid: &str) -> Vec<LogWrite> {
        self.lock()
            .iter()
            .filter(|w| w.resource == uuid)
            .cloned()
            .collect()
    }
}

/// `POST /logs/{uuid}`: 204 while the resource exists (also while provisioning or
/// deprovisioning: a partner may explain its work in the app's log), 404 otherwise. The
/// platform does not judge the format here: whatever arrives is kept for the judge.
pub(crate) fn handle(shared: &Shared, call: &Call, uuid: &str) -> Answer {
    if call.method != Method::POST {
        return Answer::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "log input takes POST",
            InboundKind::LogWrite,
        )
        .about(Some(uuid.to_owned()));
    }
    let exists = shared
        .model()
        .addons
        .get(uuid)
        .is_some_and(|a| a.state != super::state::AddonState::Deprovisioned);
    let answer = if exists {
        Answer {
            status: StatusCode::NO_CONTENT,
            body: Value::Null,
            kind: InboundKind::LogWrite,
            resource: None,
            scope: None,
        }
    } else {
        Answer::error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such log input: the resource is unknown or deprovisioned",
            InboundKind::LogWrite,
        )
    };
    answer.about(Some(uuid.to_owned()))
}

/// The log input URL of resource `uuid` (the provision body builds the same one).
pub fn input_url(origin: &str, uuid: &str) -> String {
    format!("{}/logs/{uuid}", origin.trim_end_matches('/'))
}
