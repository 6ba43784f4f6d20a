//! PROV-03 (unique): every provider id the partner returned in the run names one installation.
//! Constant ids (`"1"`, one id made at boot) and ids reused after a removal (a live count plus
//! one) break Heroku's bookkeeping, with or without many_per_app. The check itself removes a
//! fresh resource and provisions another, so the run holds a provision that follows a removal;
//! then it judges the ids of every successful provision answer of the run.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::check::judge::is_2xx;
use crate::check::{CheckCtx, Verdict, blocked, pass_with, skip};
use crate::record::Exchange;
use crate::record::outcome::Finding;

crate::check!(
    "PROV-03.unique",
    Must,
    "provider ids are unique across the run",
    provisions = 2,
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let plan = cx.default_plan();
    let first = cx.probe(plan);
    let made = first.send("provision for the provider id check").await;
    if !is_2xx(made.status) {
        return blocked(format!(
            "the provision for the provider id check was not accepted: {}",
            made.exchange.summary()
        ));
    }
    let removal = first.remove("deprovision before the next provision").await;
    if !is_2xx(removal.status) {
        return blocked(format!(
            "the removal before the next provision was not proven: {}",
            removal.exchange.summary()
        ));
    }
    let next = cx.probe(plan);
    next.send("provision after a deprovision").await;
    next.remove("deprovision the provider id probe").await;
    judge(&cx.exchanges())
}

/// A successful provision answer: the uuid it was for and the provider id it gave.
fn provision_id(x: &Exchange) -> Option<(String, String)> {
    if x.request.method != "POST" {
        return None;
    }
    let response = x.response.as_ref().filter(|r| is_2xx(Some(r.status)))?;
    let sent: Value = serde_json::from_str(x.request.body.as_deref()?).ok()?;
    let uuid = sent.get("uuid")?.as_str()?.to_owned();
    let answer: Value = serde_json::from_str(&response.body).ok()?;
    let id = match answer.get("id")? {
        Value::String(s) => s.clone(),
        n @ Value::Number(_) => n.to_string(),
        _ => return None,
    };
    Some((uuid, id))
}

/// Judges every provision answer of `exchanges`: one id must not name two uuids.
pub fn judge(exchanges: &[Arc<Exchange>]) -> Verdict {
    let mut owners: BTreeMap<String, (String, &Arc<Exchange>)> = BTreeMap::new();
    let mut uuids = 0;
    for x in exchanges {
        let Some((uuid, id)) = provision_id(x) else {
            continue;
        };
        match owners.get(&id) {
            Some((owner, earlier)) if *owner != uuid => {
                return Finding::new(
                    "a provider id of its own for every installation",
                    format!(
                        "id `{id}` was given to resource {uuid} and before to resource {owner}"
                    ),
                )
                .at("/id")
                .hint("make the id unique per installation and never reuse it (a random id or the uuid Heroku sends); a counter of live resources repeats after a removal")
                .exchange(x)
                .exchange(earlier)
                .into();
            }
            Some(_) => {}
            None => {
                uuids += 1;
                owners.insert(id, (uuid, x));
            }
        }
    }
    if uuids < 2 {
        return skip("fewer than two provisions answered with an id: nothing to compare");
    }
    pass_with(format!("{uuids} installations, {uuids} distinct ids"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::assert_found;
    use crate::check::{Pass, Stop};
    use crate::record::exchange::{Credentials, RequestRecord, ResponseRecord};

    fn provision(seq: u64, uuid: &str, status: u16, answer: &str) -> Arc<Exchange> {
        Arc::new(Exchange {
            seq,
            label: format!("provision {seq}"),
            started_ms: 0,
            elapsed_ms: 1.0,
            request: RequestRecord {
                method: "POST".into(),
                url: "http://127.0.0.1:1/heroku/resources".into(),
                headers: vec![],
                credentials: Credentials::Manifest,
                body: Some(format!(r#"{{"uuid":"{uuid}","plan":"basic"}}"#)),
            },
            response: Some(ResponseRecord {
                status,
                headers: vec![],
                body: answer.into(),
                body_bytes: answer.len(),
                body_truncated: false,
            }),
            error: None,
        })
    }

    #[test]
    fn one_id_for_two_installations_fails() {
        let ok = [
            provision(1, "u1", 200, r#"{"id":"a"}"#),
            provision(2, "u1", 200, r#"{"id":"a"}"#),
            provision(3, "u2", 202, r#"{"id":7}"#),
        ];
        assert!(matches!(judge(&ok), Ok(Pass(_))));
        let constant = [
            provision(1, "u1", 200, r#"{"id":"1"}"#),
            provision(2, "u2", 422, r#"{"id":"9"}"#),
            provision(3, "u3", 200, r#"{"id":"1"}"#),
        ];
        let v = judge(&constant);
        assert_found(&v, Some("/id"), "id `1` was given to resource u3");
        // The answer that repeats the id is cited first.
        let Err(Stop::Violated(f)) = v else {
            panic!("{v:?}")
        };
        assert_eq!(f.exchanges[0].seq, 3);
        assert!(matches!(judge(&constant[..2]), Err(Stop::Skip(_))));
    }
}
