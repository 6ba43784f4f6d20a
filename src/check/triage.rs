//! The first failure, triaged: one plain sentence naming the likely cause of a failed request
//! (nothing listening, TLS, refused credentials, wrong path, a failing handler, a body that is
//! not JSON), said once where it happens and shared by every check it blocks.

use crate::partner::Reply;
use crate::record::Exchange;

/// Said by every callback check when nothing at all reached the platform during the run.
pub const NO_CALLBACK: &str = "no request of any kind reached the platform; an add-on that calls https://id.heroku.com and https://api.heroku.com directly cannot reach this run's platform — use --intercept";

/// How much of a body an explanation quotes.
const EXCERPT_CHARS: usize = 200;

/// True when the request never reached the partner: the connection (or its TLS handshake)
/// failed before any answer.
pub fn no_contact(x: &Exchange) -> bool {
    x.response.is_none()
        && x.error
            .as_deref()
            .is_some_and(|e| e.starts_with("connection failed"))
}

/// True when the transport failure happened in the TLS handshake.
fn tls_failure(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    [
        "certificate",
        "tls",
        "handshake",
        "ssl",
        "corrupt message",
        "alert",
        "peer",
    ]
    .iter()
    .any(|w| d.contains(w))
}

/// Why nothing answered at the exchange's URL: `cannot reach your add-on at URL: …`.
pub fn unreachable(x: &Exchange) -> String {
    let url = &x.request.url;
    let detail = x
        .error
        .as_deref()
        .unwrap_or("no response")
        .trim_start_matches("connection failed")
        .trim_start_matches(": ");
    if tls_failure(detail) {
        return format!(
            "the TLS handshake with your add-on at {url} failed: {detail} — Heroku requires https \
             with a valid certificate; for a local run pass --base-url http://…"
        );
    }
    let what = if detail.to_ascii_lowercase().contains("refused") {
        "connection refused".to_owned()
    } else if detail.is_empty() {
        "the connection failed".to_owned()
    } else {
        detail.to_owned()
    };
    format!(
        "cannot reach your add-on at {url}: {what} — is it running? pass --base-url for a local run"
    )
}

/// One sentence on why the shared provision failed, by cause; `None` when it succeeded.
pub fn provision_failure(reply: &Reply, addon_id: &str) -> Option<String> {
    let x = &reply.exchange;
    let url = &x.request.url;
    let status = match (reply.status, &x.error) {
        (None, _) if no_contact(x) => return Some(unreachable(x)),
        (None, Some(e)) if e.starts_with("timed out") => {
            return Some(format!(
                "your add-on at {url} did not answer the provision in time ({e}); Heroku gives up \
                 after 30 seconds"
            ));
        }
        (None, e) => {
            return Some(format!(
                "the provision request to {url} failed: {}",
                e.as_deref().unwrap_or("no response")
            ));
        }
        (Some(s), Some(e)) => {
            return Some(format!(
                "your add-on at {url} answered {s}, then the answer broke off ({e})"
            ));
        }
        (Some(s), None) => s,
    };
    let body = excerpt(
        &x.response
            .as_ref()
            .map(|r| r.body.clone())
            .unwrap_or_default(),
    );
    let quoted = if body.is_empty() {
        "an empty body".to_owned()
    } else {
        format!("body: {body}")
    };
    Some(match status {
        200..=299 => return None,
        401 | 403 => format!(
            "your add-on refused Basic auth for id {addon_id} with {status}: does api.password / \
             ADDON_PASSWORD match?"
        ),
        404 => format!(
            "your add-on answered 404 for POST {url}: is api.production.base_url the path that \
             handles provisions (conventionally ending in /heroku/resources)?"
        ),
        500..=599 => {
            format!("your add-on's provision handler failed with {status} ({quoted})")
        }
        _ => format!("your add-on refused the provision with {status} ({quoted})"),
    })
}

/// A 2xx provision answer whose body is not JSON, said plainly; `None` otherwise.
pub fn not_json(reply: &Reply) -> Option<String> {
    let e = reply.json.as_ref().err()?;
    reply.is_success().then(|| {
        format!(
            "your add-on answered the provision with {} but the body is not JSON ({e})",
            reply.status.unwrap_or_default()
        )
    })
}

fn excerpt(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::reply;

    fn answered(status: u16, body: &str) -> Reply {
        let mut r = reply(status, body);
        std::sync::Arc::make_mut(&mut r.exchange).response =
            Some(crate::record::exchange::ResponseRecord {
                status,
                headers: vec![],
                body: body.to_owned(),
                body_bytes: body.len(),
                body_truncated: false,
            });
        r
    }

    #[test]
    fn explains_each_status_class() {
        let says = |status, body: &str| provision_failure(&answered(status, body), "my-addon");
        assert_eq!(says(200, "{}"), None);
        assert!(says(401, "").unwrap().contains(
            "refused Basic auth for id my-addon with 401: does api.password / ADDON_PASSWORD match?"
        ));
        assert!(says(404, "").unwrap().contains("/heroku/resources"));
        let failed = says(500, "{\"message\":\"boom\"}\n").unwrap();
        assert!(failed.contains("handler failed with 500"), "{failed}");
        assert!(failed.contains("boom"), "{failed}");
        assert!(says(422, "").unwrap().contains("an empty body"));
        let long = "x".repeat(500);
        assert!(says(502, &long).unwrap().len() < 400);
    }

    #[test]
    fn tells_tls_from_a_closed_port() {
        let mut r = reply(200, "");
        let x = std::sync::Arc::make_mut(&mut r.exchange);
        x.response = None;
        x.error = Some("connection failed: Connection refused (os error 111)".into());
        let closed = unreachable(x);
        assert!(
            closed.contains(": connection refused — is it running? pass --base-url"),
            "{closed}"
        );
        assert!(no_contact(x));
        x.error = Some("connection failed: invalid peer certificate: UnknownIssuer".into());
        assert!(unreachable(x).contains("TLS handshake"));
        x.error = Some("timed out".into());
        assert!(!no_contact(x));
    }
}
