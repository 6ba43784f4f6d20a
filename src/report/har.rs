//! The HAR 1.2 file (`--report-har`): every exchange with the partner, redacted, as a browser's
//! network panel opens it. One page per check (and one for the cleanup); each entry's comment is
//! what the harness was doing. Calls the partner made to the fake platform are entries too, marked
//! `"_kind": "inbound"` (outbound ones `"_kind": "outbound"`).

use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Value, json};

use super::file::Document;
use crate::record::Exchange;
use crate::record::Inbound;
use crate::record::events::Event;
use crate::record::exchange::Header;

#[derive(Default)]
pub struct HarReport {
    /// Run start, in ms since the epoch (from `RunStarted`).
    started_unix_ms: u64,
    /// The fake platform's origin, for inbound URLs.
    platform: String,
    pages: Vec<Value>,
    /// With their sort key (time, outbound before inbound, number): HAR entries go in time
    /// order, also when checks ran side by side (`--jobs`).
    entries: Vec<((u64, u8, u64), Value)>,
    /// Run-wide notes (the `--insecure` warning, overrides), as the log's comment.
    notes: Vec<String>,
}

impl HarReport {
    fn time_of(&self, started_ms: u64) -> String {
        let t = UNIX_EPOCH + Duration::from_millis(self.started_unix_ms + started_ms);
        crate::heroku::rfc3339_millis(t)
    }

    fn entry(&self, page: &str, x: &Exchange) -> Value {
        let req = &x.request;
        let query: Vec<Value> = url::Url::parse(&req.url)
            .map(|u| {
                u.query_pairs()
                    .map(|(k, v)| json!({"name": k, "value": v}))
                    .collect()
            })
            .unwrap_or_default();
        let mut request = json!({
            "method": req.method,
            "url": req.url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(&req.headers),
            "queryString": query,
            "headersSize": -1,
            "bodySize": req.body.as_ref().map_or(0, |b| b.len() as i64),
        });
        if let Some(body) = &req.body {
            request["postData"] = json!({"mimeType": "application/json", "text": body});
        }
        let response = match &x.response {
            Some(r) => {
                let mime = r
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-type"))
                    .map_or("", |h| h.value.as_str());
                let mut content = json!({
                    "size": r.body_bytes,
                    "mimeType": mime,
                    "text": r.body,
                });
                if r.body_truncated {
                    content["comment"] = json!("cut at the configured max_body_bytes");
                }
                json!({
                    "status": r.status,
                    "statusText": reason(r.status),
                    "httpVersion": "HTTP/1.1",
                    "cookies": [],
                    "headers": headers(&r.headers),
                    "content": content,
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": r.body_bytes,
                })
            }
            // No answer: status 0, as browsers record failed requests.
            None => json!({
                "status": 0,
                "statusText": "",
                "httpVersion": "",
                "cookies": [],
                "headers": [],
                "content": {"size": 0, "mimeType": ""},
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            }),
        };
        let mut entry = json!({
            "pageref": page,
            "startedDateTime": self.time_of(x.started_ms),
            "time": x.elapsed_ms,
            "request": request,
            "response": response,
            "cache": {},
            "timings": {"send": 0, "wait": x.elapsed_ms, "receive": 0},
            "comment": format!("#{} {}", x.seq, x.label),
            "_kind": "outbound",
        });
        if let Some(e) = &x.error {
            entry["_error"] = json!(e);
        }
        entry
    }
}

impl HarReport {
    /// A call the partner made to the platform, as an entry of its own kind.
    fn inbound_entry(&self, page: &str, i: &Inbound) -> Value {
        let mut request = json!({
            "method": i.method,
            "url": format!("{}{}", self.platform, i.path),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(&i.headers),
            "queryString": [],
            "headersSize": -1,
            "bodySize": i.body.as_ref().map_or(0, |b| b.len() as i64),
        });
        if let Some(body) = &i.body {
            let mime = i
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-type"))
                .map_or("", |h| h.value.as_str());
            request["postData"] = json!({"mimeType": mime, "text": body});
        }
        let answer = match (&i.error, &i.message) {
            (None, None) => String::new(),
            (id, message) => json!({"id": id, "message": message}).to_string(),
        };
        json!({
            "pageref": page,
            "startedDateTime": self.time_of(i.at_ms),
            "time": 0,
            "request": request,
            "response": {
                "status": i.status,
                "statusText": reason(i.status),
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": [],
                "content": {"size": answer.len(), "mimeType": "application/json", "text": answer},
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            },
            "cache": {},
            "timings": {"send": 0, "wait": 0, "receive": 0},
            "comment": format!("inbound #{} {}", i.seq, i.kind),
            "_kind": "inbound",
        })
    }
}

fn headers(list: &[Header]) -> Vec<Value> {
    list.iter()
        .map(|h| json!({"name": h.name, "value": h.value}))
        .collect()
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

impl Document for HarReport {
    fn apply(&mut self, event: &Event) {
        match event {
            Event::RunStarted {
                started_unix_ms,
                platform,
                ..
            } => {
                self.started_unix_ms = *started_unix_ms;
                self.platform = platform.clone().unwrap_or_default();
            }
            Event::Note { text } => self.notes.push(text.clone()),
            Event::Traffic {
                check,
                exchanges,
                inbound,
            } => {
                let page = check.clone().unwrap_or_else(|| "cleanup".to_owned());
                let first = exchanges
                    .iter()
                    .map(|x| x.started_ms)
                    .chain(inbound.iter().map(|i| i.at_ms))
                    .min()
                    .unwrap_or(0);
                self.pages.push(json!({
                    "startedDateTime": self.time_of(first),
                    "id": page,
                    "title": page,
                    "pageTimings": {},
                }));
                // Both kinds in the order they happened; exchanges started in the same
                // millisecond (concurrent sends) in the order they were numbered.
                let timed: Vec<((u64, u8, u64), Value)> = exchanges
                    .iter()
                    .map(|x| ((x.started_ms, 0, x.seq), self.entry(&page, x)))
                    .chain(
                        inbound
                            .iter()
                            .map(|i| ((i.at_ms, 1, i.seq), self.inbound_entry(&page, i))),
                    )
                    .collect();
                self.entries.extend(timed);
            }
            _ => {}
        }
    }

    fn render(&self) -> Result<Vec<u8>, String> {
        let mut timed: Vec<&((u64, u8, u64), Value)> = self.entries.iter().collect();
        timed.sort_by_key(|(t, _)| *t);
        let entries: Vec<&Value> = timed.into_iter().map(|(_, e)| e).collect();
        let mut har = json!({
            "log": {
                "version": "1.2",
                "creator": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
                "pages": self.pages,
                "entries": entries,
            }
        });
        if !self.notes.is_empty() {
            har["log"]["comment"] = json!(self.notes.join("\n"));
        }
        serde_json::to_vec_pretty(&har).map_err(|e| e.to_string())
    }
}
