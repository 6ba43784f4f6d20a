//! GEN-05: error answers of the Partner API (4xx and 5xx other than 422, which GEN-01.run and
//! the refusal checks judge at MUST) carry a JSON body with a non-empty `message`. Judged over
//! the whole run.

use std::sync::Arc;

use serde_json::Value;

use super::gen_01_run::partner_api;
use crate::check::{Verdict, pass_with, skip};
use crate::record::Exchange;
use crate::record::outcome::Finding;

crate::check!(
    "GEN-05",
    Should,
    "error answers are JSON with a message",
    run
);

async fn run(cx: &crate::check::CheckCtx<'_>) -> Verdict {
    judge(&cx.exchanges())
}

pub fn judge(exchanges: &[Arc<Exchange>]) -> Verdict {
    let mut judged = 0;
    for x in exchanges.iter().filter(|x| partner_api(x)) {
        let Some(r) = x
            .response
            .as_ref()
            .filter(|r| r.status >= 400 && r.status != 422 && !r.body_truncated)
        else {
            continue;
        };
        judged += 1;
        let observed = match serde_json::from_str::<Value>(&r.body) {
            Ok(v) => match v.get("message") {
                Some(Value::String(m)) if !m.trim().is_empty() => continue,
                _ => "JSON without a non-empty `message`",
            },
            Err(_) if r.body.trim().is_empty() => "an empty body",
            Err(_) => "a body that is not JSON",
        };
        return Finding::new(
            "a JSON body with a non-empty `message` on every error answer",
            format!("{}: status {} with {observed}", x.label, r.status),
        )
        .at("body")
        .hint("answer errors as {\"message\": \"…\"} (keys quoted): Heroku logs and sometimes shows the message")
        .exchange(x)
        .into();
    }
    if judged == 0 {
        return skip("no error answer from the Partner API in the run: nothing to judge");
    }
    pass_with(format!("{judged} error answers"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::assert_found;
    use crate::check::{Pass, Stop};
    use crate::checks::deprovision::gen_01_run::tests::api;

    #[test]
    fn unquoted_keys_are_no_json() {
        assert!(matches!(
            judge(&[api(1, 401, r#"{"message":"Unauthorized"}"#)]),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&[api(1, 401, r#"{message: "Unauthorized"}"#)]),
            Some("body"),
            "status 401 with a body that is not JSON",
        );
        assert_found(
            &judge(&[api(1, 404, r#"{"message":null}"#)]),
            Some("body"),
            "JSON without a non-empty `message`",
        );
        assert!(matches!(
            judge(&[api(1, 422, "x"), api(2, 200, "{}")]),
            Err(Stop::Skip(_))
        ));
    }
}
