//! GEN-01 (run): every Partner API answer of the run is JSON where the docs require it: every
//! 2xx body (a 204 has none) and every 422. Judged over the whole run, so an answer no other
//! check reads (a plan change answered with the text `ok`) is seen too.

use std::sync::Arc;

use serde_json::Value;

use crate::check::{Verdict, pass_with, skip};
use crate::record::Exchange;
use crate::record::outcome::Finding;

crate::check!(
    "GEN-01.run",
    Must,
    "every 2xx and 422 answer of the run is JSON; a 204 has no body",
    run
);

async fn run(cx: &crate::check::CheckCtx<'_>) -> Verdict {
    judge(&cx.exchanges())
}

/// True for requests made as Heroku's Partner API client (not browser SSO hops).
pub fn partner_api(x: &Exchange) -> bool {
    x.request.headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("accept") && h.value.contains("application/vnd.heroku-addons")
    })
}

pub fn judge(exchanges: &[Arc<Exchange>]) -> Verdict {
    let mut judged = 0;
    for x in exchanges.iter().filter(|x| partner_api(x)) {
        let Some(r) = x.response.as_ref().filter(|r| !r.body_truncated) else {
            continue;
        };
        let problem = match r.status {
            204 if !r.body.trim().is_empty() => Some("a 204 with a body (a 204 has none)"),
            204 => None,
            200..=299 if r.body.trim().is_empty() => None,
            200..=299 | 422 if serde_json::from_str::<Value>(&r.body).is_err() => {
                Some("a body that is not JSON")
            }
            _ => None,
        };
        if (200..300).contains(&r.status) || r.status == 422 {
            judged += 1;
        }
        if let Some(problem) = problem {
            return Finding::new(
                "JSON bodies on every 2xx and 422 (and no body on a 204)",
                format!("{}: status {} with {problem}", x.label, r.status),
            )
            .at("body")
            .hint("render every Partner API answer as JSON: {\"message\": \"…\"} where there is nothing else to say; a 204 sends no body at all")
            .exchange(x)
            .into();
        }
    }
    if judged == 0 {
        return skip("no 2xx or 422 answer from the Partner API in the run: nothing to judge");
    }
    pass_with(format!("{judged} answers"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::check::testing::assert_found;
    use crate::check::{Pass, Stop};
    use crate::record::exchange::{Credentials, Header, RequestRecord, ResponseRecord};

    pub fn api(seq: u64, status: u16, body: &str) -> Arc<Exchange> {
        Arc::new(Exchange {
            seq,
            label: format!("call {seq}"),
            started_ms: 0,
            elapsed_ms: 1.0,
            request: RequestRecord {
                method: "PUT".into(),
                url: "http://127.0.0.1:1/heroku/resources/u".into(),
                headers: vec![Header {
                    name: "Accept".into(),
                    value: "application/vnd.heroku-addons+json; version=3".into(),
                }],
                credentials: Credentials::Manifest,
                body: None,
            },
            response: Some(ResponseRecord {
                status,
                headers: vec![],
                body: body.into(),
                body_bytes: body.len(),
                body_truncated: false,
            }),
            error: None,
        })
    }

    #[test]
    fn text_on_a_2xx_or_422_and_a_body_on_204_fail() {
        assert!(matches!(
            judge(&[api(1, 200, "{}"), api(2, 204, ""), api(3, 404, "no")]),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&[api(1, 200, "ok")]),
            Some("body"),
            "call 1: status 200 with a body that is not JSON",
        );
        assert_found(
            &judge(&[api(1, 422, "no such plan")]),
            Some("body"),
            "status 422",
        );
        assert_found(
            &judge(&[api(1, 204, "{}")]),
            Some("body"),
            "a 204 with a body",
        );
        assert!(matches!(judge(&[api(1, 500, "x")]), Err(Stop::Skip(_))));
    }
}
