//! Sends what Heroku sends: Basic auth from the manifest, v3 JSON bodies, Heroku's headers. Every
//! call returns a `Reply`: the raw answer for checks and a redacted `Exchange` for evidence.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use reqwest::Method;
use serde_json::Value;

use crate::error::HarnessError;
use crate::record::exchange::{
    Credentials, EXCERPT_BYTES, Exchange, Header, RequestRecord, ResponseRecord, cut,
};
use crate::record::journal::Journal;
use crate::record::ledger::{Ledger, ProvisionResult};
use crate::redact::Redactor;

/// The id in the path of plan changes and removals (`[provision] path_id`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PathId {
    /// The Heroku uuid, as Heroku v3 sends it.
    #[default]
    Uuid,
    /// The id the add-on answered at provision (legacy add-ons key on it); the uuid when the
    /// answer had none.
    Provider,
}

/// The Accept header Heroku sends to partners.
pub const ACCEPT: &str = "application/vnd.heroku-addons+json; version=3";

/// A partner answer: raw data for checks (may hold secrets; never print it) and the redacted
/// exchange for evidence.
#[derive(Debug, Clone)]
pub struct Reply {
    pub exchange: Arc<Exchange>,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    /// Raw response headers (may hold cookies; never print them).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body parsed as JSON, or why it is not JSON.
    pub json: Result<Value, String>,
    /// Whether the request reached the partner and was answered.
    pub delivery: Delivery,
}

/// How far a request got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A status line came back.
    Answered,
    /// The connection failed before anything was written (refused, DNS, TLS, connect timeout).
    NotSent,
    /// Sent, and no definite answer (timeout, reset after sending).
    NoAnswer,
}

impl Reply {
    /// A 2xx whose body arrived whole.
    pub fn is_success(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s)) && self.exchange.error.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub base_url: Option<String>,
    pub username: String,
    pub password: String,
    pub request_timeout: std::time::Duration,
    pub connect_timeout: std::time::Duration,
    pub max_body_bytes: usize,
    pub network: crate::network::Network,
}

#[derive(Debug, Clone)]
pub struct PartnerClient {
    http: reqwest::Client,
    settings: Arc<ClientSettings>,
    redactor: Arc<Redactor>,
    journal: Arc<Journal>,
    ledger: Arc<Ledger>,
    /// `[sso] follow_hosts`: where SSO redirects may go besides the partner's own hosts.
    sso_follow: Arc<Vec<crate::partner::sso::FollowHost>>,
    /// `[provision] path_id`.
    path_id: PathId,
    /// uuid -> the id the partner answered for it, when that differs from the uuid.
    provider_ids: Arc<Mutex<HashMap<String, String>>>,
}

/// What to send; the client adds headers, auth and records.
pub struct Request<'a> {
    pub method: Method,
    /// Appended to the base URL (`""` or `/{uuid}`).
    pub path: String,
    pub body: Option<Vec<u8>>,
    pub credentials: Credentials,
    pub label: &'a str,
}

impl PartnerClient {
    pub fn new(
        settings: ClientSettings,
        redactor: Arc<Redactor>,
        journal: Arc<Journal>,
        ledger: Arc<Ledger>,
    ) -> Result<Self, HarnessError> {
        crate::tls::install_provider();
        redactor.add("password", &settings.password);
        redactor.add(
            "credentials",
            &basic(&settings.username, &settings.password),
        );
        let builder = reqwest::Client::builder()
            .timeout(settings.request_timeout)
            .connect_timeout(settings.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("addon-conformance/", env!("CARGO_PKG_VERSION")));
        let http = settings
            .network
            .apply(builder, settings.base_url.as_deref())?
            .build()
            .map_err(|e| HarnessError::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            http,
            settings: Arc::new(settings),
            redactor,
            journal,
            ledger,
            sso_follow: Arc::default(),
            path_id: PathId::Uuid,
            provider_ids: Arc::default(),
        })
    }

    /// Which id plan changes and removals put in the path.
    pub fn with_path_id(mut self, path_id: PathId) -> Self {
        self.path_id = path_id;
        self
    }

    /// The id the partner answered for `uuid`, when it differs from the uuid.
    pub fn provider_id_of(&self, uuid: &str) -> Option<String> {
        self.provider_ids.lock().ok()?.get(uuid).cloned()
    }

    /// `/{id}` for the resource `uuid`, by `[provision] path_id`.
    fn resource_path(&self, uuid: &str) -> String {
        format!("/{}", self.resource_id(uuid))
    }

    /// The id in the path for `uuid`, by `[provision] path_id`.
    fn resource_id(&self, uuid: &str) -> String {
        match (self.path_id, self.provider_id_of(uuid)) {
            (PathId::Provider, Some(id)) => id,
            _ => uuid.to_owned(),
        }
    }

    /// Hosts besides the partner's own that SSO redirects may be followed to.
    pub fn with_sso_follow_hosts(mut self, hosts: Vec<crate::partner::sso::FollowHost>) -> Self {
        self.sso_follow = Arc::new(hosts);
        self
    }

    pub(super) fn sso_follow_hosts(&self) -> &[crate::partner::sso::FollowHost] {
        &self.sso_follow
    }

    pub(super) fn base_url(&self) -> Option<&str> {
        self.settings.base_url.as_deref()
    }

    pub fn username(&self) -> &str {
        &self.settings.username
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// `POST {base_url}` with a provision body. The uuid goes into the ledger first.
    pub async fn provision(&self, body: &Value, credentials: Credentials, label: &str) -> Reply {
        let uuid = body.get("uuid").and_then(Value::as_str).unwrap_or_default();
        self.ledger
            .plan(uuid, label, credentials == Credentials::Manifest);
        let reply = self
            .send(Request {
                method: Method::POST,
                path: String::new(),
                body: Some(body.to_string().into_bytes()),
                credentials,
                label,
            })
            .await;
        self.note_provision(uuid, &reply);
        reply
    }

    /// `POST {base_url}` with raw bytes (malformed-body probes). `uuid` is what the bytes claim.
    pub async fn provision_raw(&self, bytes: Vec<u8>, uuid: &str, label: &str) -> Reply {
        self.ledger.plan(uuid, label, true);
        let reply = self
            .send(Request {
                method: Method::POST,
                path: String::new(),
                body: Some(bytes),
                credentials: Credentials::Manifest,
                label,
            })
            .await;
        self.note_provision(uuid, &reply);
        reply
    }

    fn note_provision(&self, uuid: &str, reply: &Reply) {
        let id = match reply.json.as_ref().ok().and_then(|j| j.get("id")) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let result = match (reply.status, reply.delivery) {
            (Some(s), _) => ProvisionResult::Status(s, id.as_deref()),
            (None, Delivery::NotSent) => ProvisionResult::NotSent,
            (None, _) => ProvisionResult::NoAnswer,
        };
        if let Some(id) = id
            .as_ref()
            .filter(|id| reply.is_success() && !id.is_empty() && id.as_str() != uuid)
            && let Ok(mut ids) = self.provider_ids.lock()
        {
            ids.insert(uuid.to_owned(), id.clone());
        }
        self.ledger.provisioned(uuid, result);
    }

    /// `PUT {base_url}/{uuid}` (or the provider id, by `[provision] path_id`).
    pub async fn plan_change(
        &self,
        uuid: &str,
        body: &Value,
        credentials: Credentials,
        label: &str,
    ) -> Reply {
        self.send(Request {
            method: Method::PUT,
            path: self.resource_path(uuid),
            body: Some(body.to_string().into_bytes()),
            credentials,
            label,
        })
        .await
    }

    /// `DELETE {base_url}/{uuid}` (or the provider id, by `[provision] path_id`); what a removal with real credentials got goes into the
    /// ledger (which decides whether it proves the resource gone).
    pub async fn deprovision(&self, uuid: &str, credentials: Credentials, label: &str) -> Reply {
        let path_id = self.resource_id(uuid);
        self.deprovision_at(uuid, &path_id, credentials, label)
            .await
    }

    /// `DELETE {base_url}/{path_id}` for the ledger's `uuid`: `path_id` is the uuid or the
    /// partner's own id for it.
    pub async fn deprovision_at(
        &self,
        uuid: &str,
        path_id: &str,
        credentials: Credentials,
        label: &str,
    ) -> Reply {
        let real = credentials == Credentials::Manifest;
        let reply = self
            .send(Request {
                method: Method::DELETE,
                path: format!("/{path_id}"),
                body: None,
                credentials,
                label,
            })
            .await;
        if real && reply.delivery != Delivery::NotSent {
            // A 202 (asynchronous deprovisioning) leaves it outstanding until its action.
            self.ledger
                .removal_answered(uuid, reply.status, path_id == uuid);
        }
        reply
    }

    /// The manifest's Basic `Authorization` value.
    pub(crate) fn manifest_basic(&self) -> String {
        basic(&self.settings.username, &self.settings.password)
    }

    /// Sends one request and records it.
    pub async fn send(&self, req: Request<'_>) -> Reply {
        let base = self.settings.base_url.as_deref().unwrap_or_default();
        let url = format!("{}{}", base.trim_end_matches('/'), req.path);
        let mut headers = vec![Header {
            name: "Accept".into(),
            value: ACCEPT.into(),
        }];
        if req.body.is_some() {
            headers.push(Header {
                name: "Content-Type".into(),
                value: "application/json".into(),
            });
        }
        let mut builder = self.http.request(req.method.clone(), &url);
        for h in &headers {
            builder = builder.header(&h.name, &h.value);
        }
        match &req.credentials {
            Credentials::Manifest => {
                builder = builder.header(
                    "Authorization",
                    basic(&self.settings.username, &self.settings.password),
                );
            }
            Credentials::WrongPassword => {
                builder = builder.header(
                    "Authorization",
                    basic(
                        &self.settings.username,
                        crate::record::exchange::PROBE_PASSWORD,
                    ),
                );
            }
            Credentials::WrongUsername => {
                builder = builder.header(
                    "Authorization",
                    basic(
                        crate::record::exchange::PROBE_USERNAME,
                        &self.settings.password,
                    ),
                );
            }
            Credentials::None => {}
        }
        if req.credentials != Credentials::None {
            headers.insert(
                0,
                Header {
                    name: "Authorization".into(),
                    value: "Basic [REDACTED:credentials]".into(),
                },
            );
        }
        let request_body = req.body.as_ref().map(|b| self.redact_body(b));
        if let Some(body) = req.body {
            builder = builder.body(body);
        }
        let record = RequestRecord {
            method: req.method.to_string(),
            url,
            headers,
            credentials: req.credentials,
            body: request_body,
        };
        self.dispatch(builder, record, req.label).await
    }

    /// The HTTP client (no redirects followed, the run's timeouts).
    pub(super) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(super) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Sends a built request, reads the answer within the body limit, and journals the redacted
    /// exchange. `record` is what the evidence shows of the request (already redacted).
    pub(super) async fn dispatch(
        &self,
        builder: reqwest::RequestBuilder,
        record: RequestRecord,
        label: &str,
    ) -> Reply {
        let seq = self.journal.next_seq();
        let started_ms = self.journal.clock().elapsed_ms();
        let clock = Instant::now();
        let mut status = None;
        let mut content_type = None;
        let mut response_headers = Vec::new();
        let mut raw_headers = Vec::new();
        let mut body = Vec::new();
        let mut truncated = false;
        let mut error = None;
        let mut delivery = Delivery::Answered;
        match builder.send().await {
            Ok(mut resp) => {
                status = Some(resp.status().as_u16());
                content_type = resp
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                raw_headers = resp
                    .headers()
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                response_headers = resp
                    .headers()
                    .iter()
                    .map(|(k, v)| Header {
                        name: k.as_str().to_owned(),
                        value: self.redactor.text(&redact_header(
                            k.as_str(),
                            &String::from_utf8_lossy(v.as_bytes()),
                        )),
                    })
                    .collect();
                loop {
                    match resp.chunk().await {
                        Ok(Some(chunk)) => {
                            let room = self.settings.max_body_bytes.saturating_sub(body.len());
                            if chunk.len() > room {
                                body.extend_from_slice(&chunk[..room]);
                                truncated = true;
                                break;
                            }
                            body.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) => {
                            error = Some(describe(&e));
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                delivery = if e.is_connect() {
                    Delivery::NotSent
                } else {
                    Delivery::NoAnswer
                };
                error = Some(describe(&e));
            }
        }
        let elapsed_ms = clock.elapsed().as_secs_f64() * 1000.0;

        let json = if truncated {
            Err(format!(
                "body exceeds {} bytes and was not read further",
                self.settings.max_body_bytes
            ))
        } else if body.is_empty() {
            Err("empty body".to_owned())
        } else {
            serde_json::from_slice::<Value>(&body).map_err(|e| e.to_string())
        };
        if let Ok(v) = &json {
            self.redactor.learn_config(v);
        }
        let response = status.map(|status| ResponseRecord {
            status,
            headers: response_headers,
            body: self.excerpt(&body, json.as_ref().ok()),
            body_bytes: body.len(),
            body_truncated: truncated,
        });
        let exchange = Arc::new(Exchange {
            seq,
            label: label.to_owned(),
            started_ms,
            elapsed_ms,
            request: record,
            response,
            error,
        });
        self.journal.push(exchange.clone());
        Reply {
            exchange,
            status,
            content_type,
            headers: raw_headers,
            body,
            json,
            delivery,
        }
    }

    fn redact_body(&self, bytes: &[u8]) -> String {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => self.redactor.json(&v).to_string(),
            Err(_) => self.redactor.body_text(&String::from_utf8_lossy(bytes)),
        }
    }

    fn excerpt(&self, body: &[u8], json: Option<&Value>) -> String {
        let text = match json {
            Some(v) => self.redactor.json(v).to_string(),
            None => self.redactor.body_text(&String::from_utf8_lossy(body)),
        };
        cut(text, EXCERPT_BYTES)
    }
}

pub(super) fn redact_header(name: &str, value: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "set-cookie" | "authorization" | "cookie" => "[REDACTED:header]".to_owned(),
        _ => value.to_owned(),
    }
}

/// `Basic base64(user:password)`.
pub fn basic(username: &str, password: &str) -> String {
    use base64::Engine;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    format!("Basic {token}")
}

/// A transport error in a few words, with its innermost cause.
fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "response body failed"
    } else if e.is_redirect() {
        "redirect failed"
    } else {
        "transport error"
    };
    let mut detail = String::new();
    let mut source = e.source();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_matches_the_docs_example() {
        assert_eq!(
            basic("addon-slug", "super-secret"),
            "Basic YWRkb24tc2x1ZzpzdXBlci1zZWNyZXQ="
        );
    }
}
