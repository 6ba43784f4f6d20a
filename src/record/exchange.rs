//! An exchange: one request to the partner and what came back, redacted at capture. Kept as
//! evidence and rendered as a curl reproducer.

use serde::Serialize;

/// How a request was authenticated; decides what the reproducer shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credentials {
    /// The manifest id and password (shown as `$ADDON_PASSWORD`).
    Manifest,
    /// No Authorization header.
    None,
    /// The manifest id with a made-up password (`PROBE_PASSWORD`).
    WrongPassword,
    /// A made-up username (`PROBE_USERNAME`) with the manifest password.
    WrongUsername,
}

/// The made-up username of wrong-credential probes.
pub const PROBE_USERNAME: &str = "conformance-wrong-user";
/// The made-up password of wrong-credential probes.
pub const PROBE_PASSWORD: &str = "conformance-wrong-password";

#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    pub credentials: Credentials,
    /// The body as sent, redacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseRecord {
    pub status: u16,
    pub headers: Vec<Header>,
    /// The body (redacted), cut at `EXCERPT_BYTES`.
    pub body: String,
    /// Bytes received (up to the configured cap).
    pub body_bytes: usize,
    /// True when the body went beyond the cap and was not read further.
    pub body_truncated: bool,
}

/// Excerpts kept in evidence are cut here.
pub const EXCERPT_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    /// Position in the run's journal.
    pub seq: u64,
    /// What the harness was doing ("provision primary", "wrong password probe").
    pub label: String,
    /// Milliseconds from the start of the run to the request.
    pub started_ms: u64,
    /// Wall time of the whole exchange, body included.
    pub elapsed_ms: f64,
    pub request: RequestRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseRecord>,
    /// Transport failure (connect, timeout, reset, body error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Exchange {
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// One line: `POST http://… → 200 (12 ms)`.
    pub fn summary(&self) -> String {
        let outcome = match (&self.response, &self.error) {
            (Some(r), None) => r.status.to_string(),
            (Some(r), Some(e)) => format!("{} then {e}", r.status),
            (None, Some(e)) => e.clone(),
            (None, None) => "no response".to_owned(),
        };
        format!(
            "{} {} -> {} ({:.0} ms)",
            self.request.method, self.request.url, outcome, self.elapsed_ms
        )
    }

    /// A curl command that repeats the request. Secrets appear as environment placeholders.
    pub fn curl(&self) -> String {
        let req = &self.request;
        let mut parts = vec![
            "curl -sS -i".to_owned(),
            format!("-X {}", req.method),
            shell_quote(&req.url),
        ];
        match &req.credentials {
            Credentials::Manifest => parts.push("-u \"$ADDON_ID:$ADDON_PASSWORD\"".to_owned()),
            Credentials::None => {}
            Credentials::WrongPassword => parts.push(format!("-u \"$ADDON_ID:{PROBE_PASSWORD}\"")),
            Credentials::WrongUsername => {
                parts.push(format!("-u \"{PROBE_USERNAME}:$ADDON_PASSWORD\""))
            }
        }
        for h in &req.headers {
            if !h.name.eq_ignore_ascii_case("authorization") {
                parts.push(format!(
                    "-H {}",
                    shell_quote(&format!("{}: {}", h.name, h.value))
                ));
            }
        }
        if let Some(body) = &req.body {
            parts.push(format!("--data-raw {}", shell_quote(body)));
        }
        parts.join(" ")
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Cuts a text at a char boundary at or below `max` bytes, marking the cut.
pub fn cut(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str(" …[cut]");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_uses_placeholders_and_quotes() {
        let x = Exchange {
            seq: 1,
            label: "t".into(),
            started_ms: 0,
            elapsed_ms: 1.0,
            request: RequestRecord {
                method: "POST".into(),
                url: "http://127.0.0.1:1/heroku/resources".into(),
                headers: vec![
                    Header {
                        name: "Authorization".into(),
                        value: "Basic [REDACTED]".into(),
                    },
                    Header {
                        name: "Content-Type".into(),
                        value: "application/json".into(),
                    },
                ],
                credentials: Credentials::Manifest,
                body: Some("{\"name\":\"it's\"}".into()),
            },
            response: None,
            error: Some("timed out".into()),
        };
        let c = x.curl();
        assert!(c.contains("-u \"$ADDON_ID:$ADDON_PASSWORD\""), "{c}");
        assert!(!c.contains("Authorization"), "{c}");
        assert!(c.contains("'{\"name\":\"it'\\''s\"}'"), "{c}");
    }

    #[test]
    fn cut_respects_char_boundaries() {
        assert_eq!(cut("héllo".into(), 2), "h …[cut]");
        assert_eq!(cut("abc".into(), 10), "abc");
    }
}
