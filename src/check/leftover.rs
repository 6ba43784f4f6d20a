//! Refused provisions leave nothing behind: the one mechanism every probe that expects a refusal
//! uses (a malformed body, wrong credentials, a Private Space refusal, …). After the refusal, a
//! deprovision of the refused uuid must answer 404 or 410 (a 2xx shows that a resource was
//! created, and removes it) and the platform must have received no call for that uuid.

use serde_json::Value;

use super::judge::{is_2xx, observed_status};
use super::{CheckCtx, Stop, blocked};
use crate::catalogue::Level;
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

/// Proves that the refusal `refusal` of the provision of `uuid` created nothing; otherwise the
/// finding (or, when nothing can be told, the verdict that blocks the caller).
pub async fn left_nothing(cx: &CheckCtx<'_>, uuid: &str, refusal: &Reply) -> Result<(), Stop> {
    let reply = cx
        .deprovision(uuid, Credentials::Manifest, "deprovision the refused uuid")
        .await;
    match reply.status {
        Some(404 | 410) => {
            cx.mark_never_created(uuid);
            callbacks_for(cx, uuid).map_or(Ok(()), |f| Err(f.into()))
        }
        s if is_2xx(s) => {
            // A control: a uuid nobody provisioned. If it gets a 2xx too, the partner answers
            // every deprovision alike (DEPROV-03) and a leftover cannot be told apart.
            let control = cx
                .deprovision(
                    &uuid::Uuid::new_v4().to_string(),
                    Credentials::Manifest,
                    "deprovision an unknown uuid (control)",
                )
                .await;
            if !matches!(control.status, Some(404 | 410)) {
                return blocked(format!(
                    "an unknown uuid's deprovision gets {} too (see DEPROV-03), so a leftover of the refusal cannot be told apart",
                    observed_status(&control)
                ));
            }
            Err(Finding::new(
                "404 or 410 to a deprovision of the refused uuid: the refusal created nothing",
                format!(
                    "{}: a resource exists for the uuid refused with {}",
                    observed_status(&reply),
                    observed_status(refusal)
                ),
            )
            .at("status")
            .level(Level::Must)
            .hint("decide before creating anything, or roll back when refusing: Heroku bills nothing for a refused provision and never deprovisions it")
            .exchange(&reply.exchange)
            .exchange(&refusal.exchange)
            .into())
        }
        _ => blocked(format!(
            "the deprovision of the refused uuid got {}: whether the refusal created something is unknown",
            observed_status(&reply)
        )),
    }
}

/// A finding when the platform received calls concerning the refused uuid (a grant exchange,
/// Platform API calls): a refused provision must not act on Heroku's side either.
pub fn callbacks_for(cx: &CheckCtx<'_>, uuid: &str) -> Option<Finding> {
    let calls: Vec<_> = cx
        .platform()
        .journal()
        .all()
        .into_iter()
        .filter(|i| i.resource.as_deref() == Some(uuid) || i.scope.as_deref() == Some(uuid))
        .collect();
    let first = calls.first()?;
    Some(
        Finding::new(
            "no call to the platform for a refused provision",
            format!("{} call(s), first: {}", calls.len(), first.summary()),
        )
        .at("platform")
        .level(Level::Must)
        .hint("check the request before exchanging the grant or calling the Platform API")
        .inbound(&calls),
    )
}

/// A refusal (4xx) whose body looks like a success answer (an `id`, a `config`): a SHOULD-level
/// finding, since a client reading the body would think the resource exists.
pub fn success_lookalike(reply: &Reply) -> Option<Finding> {
    let Ok(Value::Object(body)) = &reply.json else {
        return None;
    };
    let fields: Vec<&str> = ["id", "config"]
        .into_iter()
        .filter(|k| body.get(*k).is_some_and(|v| !v.is_null()))
        .collect();
    if fields.is_empty() {
        return None;
    }
    Some(
        Finding::new(
            "a refusal body: `message`, no provisioning answer",
            format!(
                "{} with {} in the body, like a success answer",
                observed_status(reply),
                fields
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        )
        .at("body")
        .level(Level::Should)
        .hint("answer a refusal with {\"message\": \"…\"} only: an id or config says the resource was made")
        .exchange(&reply.exchange),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::reply;

    #[test]
    fn a_refusal_with_an_id_looks_like_a_success() {
        assert!(success_lookalike(&reply(400, r#"{"message":"bad"}"#)).is_none());
        assert!(success_lookalike(&reply(400, r#"{"id":null,"message":"bad"}"#)).is_none());
        let f = success_lookalike(&reply(400, r#"{"id":"x","config":{}}"#)).unwrap();
        assert_eq!(
            f.observed,
            "status 400 with `id` and `config` in the body, like a success answer"
        );
    }
}
