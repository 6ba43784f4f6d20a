//! One dispatcher for every inbound call: reads the body within the limit, routes, answers in
//! Heroku's error shape (`id`, `message`), and journals the call with what it answered.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Shared;
use crate::record::Inbound;
use crate::record::InboundKind;
use crate::record::exchange::Header;

/// What a route decided, before it is journaled and sent.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub kind: InboundKind,
    pub resource: Option<String>,
    /// The resource the caller's token is scoped to.
    pub scope: Option<String>,
}

impl Answer {
    pub fn ok(kind: InboundKind, body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body,
            kind,
            resource: None,
            scope: None,
        }
    }

    pub fn error(status: StatusCode, id: &str, message: &str, kind: InboundKind) -> Self {
        Self {
            status,
            body: json!({"id": id, "message": message}),
            kind,
            resource: None,
            scope: None,
        }
    }

    pub fn about(mut self, resource: Option<String>) -> Self {
        self.resource = resource;
        self
    }

    pub fn scoped(mut self, scope: Option<String>) -> Self {
        self.scope = scope;
        self
    }
}

/// The parts of a request the routes read.
pub(crate) struct Call {
    pub method: Method,
    pub segments: Vec<String>,
    pub query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// How long a callback's body may take to arrive.
const BODY_READ_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let limit = shared.settings.max_body_bytes;
    // A caller that trickles its body must not hold the platform (or the run's end) forever.
    let read = tokio::time::timeout(BODY_READ_LIMIT, axum::body::to_bytes(body, limit)).await;
    let call_of = |body: Vec<u8>| Call {
        method: parts.method.clone(),
        segments: Vec::new(),
        query: query.clone(),
        headers: parts.headers.clone(),
        body,
    };
    let (call, answer) = match read {
        Err(_) => (
            call_of(Vec::new()),
            Answer::error(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "the request body did not arrive in time",
                InboundKind::SlowRequest,
            ),
        ),
        Ok(Ok(bytes)) => {
            let call = Call {
                method: parts.method.clone(),
                segments: path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                query: query.clone(),
                headers: parts.headers.clone(),
                body: bytes.to_vec(),
            };
            let answer = route(&shared, &call);
            (call, answer)
        }
        Ok(Err(_)) => (
            call_of(Vec::new()),
            Answer::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request_too_large",
                &format!("request bodies are limited to {limit} bytes"),
                InboundKind::OversizedRequest,
            ),
        ),
    };
    let seq = journal(
        &shared,
        &parts.method,
        &path,
        &query,
        &parts.headers,
        &call.body,
        &answer,
    );
    if let (InboundKind::LogWrite, true, Some(uuid)) = (
        answer.kind,
        answer.status.is_success(),
        answer.resource.as_deref(),
    ) {
        shared.logs.keep(&call, uuid, seq);
    }
    if answer.status == StatusCode::NO_CONTENT {
        return answer.status.into_response();
    }
    (answer.status, axum::Json(answer.body)).into_response()
}

fn route(shared: &Shared, call: &Call) -> Answer {
    let seg: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    match (&call.method, seg.as_slice()) {
        (&Method::POST, ["oauth", "token"]) => super::identity::token(shared, call),
        (&Method::POST, ["conformance", "grants"]) if shared.settings.admin => {
            if admin_authorized(shared, call) {
                super::identity::admin_grant(shared, call)
            } else {
                Answer::error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "send the token the platform printed when it started: Authorization: Bearer <token>",
                    InboundKind::HandMadeGrant,
                )
            }
        }
        (_, ["addons", ..] | ["apps", ..]) => super::api::handle(shared, call, &seg),
        (_, ["vendor", "apps", ..]) => super::vendor::handle(shared, call, &seg[2..]),
        (_, ["logs", uuid]) => super::logs::handle(shared, call, uuid),
        _ => Answer::error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such endpoint",
            InboundKind::UnknownEndpoint,
        ),
    }
}

/// True when the call carries the standalone platform's admin token.
fn admin_authorized(shared: &Shared, call: &Call) -> bool {
    let Some(expected) = &shared.admin_token else {
        return false;
    };
    let given = call
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().as_bytes())
        .unwrap_or_default();
    // Compared in constant time: the answer must not tell how much of a guess was right.
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Journals the call; returns its `seq`.
fn journal(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
    answer: &Answer,
) -> u64 {
    let r = &shared.redactor;
    let path = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", r.form(query))
    };
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let token_call = path.starts_with("/oauth/token");
    let body = (!body.is_empty()).then(|| {
        let text = String::from_utf8_lossy(body);
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => {
                // Config values an authenticated call set are secret from now on, whatever the
                // shape; a rejected caller cannot make the run learn (or slow down on) anything.
                if answer.status.is_success() {
                    r.learn_config(&v);
                }
                r.json_masking(&v, &["value"]).to_string()
            }
            Err(_) if form || token_call => r.form(&text),
            Err(_) => r.body_text(&text),
        }
    });
    let headers = headers
        .iter()
        .map(|(k, v)| Header {
            name: k.as_str().to_owned(),
            value: match k.as_str() {
                "authorization" | "cookie" => {
                    let v = v.to_str().unwrap_or_default();
                    match v.split_once(' ') {
                        Some((scheme, _)) => format!("{scheme} [REDACTED:token]"),
                        None => "[REDACTED:token]".to_owned(),
                    }
                }
                _ => r.text(&String::from_utf8_lossy(v.as_bytes())),
            },
        })
        .collect();
    let failed = |key: &str| {
        answer
            .body
            .get(key)
            .and_then(Value::as_str)
            .filter(|_| !answer.status.is_success())
            .map(str::to_owned)
    };
    shared
        .journal
        .push(Inbound {
            seq: 0,
            at_ms: shared.journal.elapsed_ms(),
            method: method.to_string(),
            path,
            headers,
            body: body.map(|b| crate::record::cut(b, crate::record::exchange::EXCERPT_BYTES)),
            status: answer.status.as_u16(),
            resource: answer.resource.clone(),
            scope: answer.scope.clone(),
            kind: answer.kind,
            error: failed("id"),
            message: failed("message"),
        })
        .seq
}
