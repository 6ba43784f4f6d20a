//! PROV-10: installs are keyed on the uuid: removing the second install on an app leaves the
//! first working (it still answers a plan change as a resource it knows).

use crate::check::judge::observed_status;
use crate::check::{CheckCtx, Resource, Stop, Verdict, blocked, pass_with};
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

crate::check!(
    "PROV-10",
    Should,
    "removing one install on an app leaves the other working",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let first = cx.live_resource(Resource::Primary).await?;
    let second = super::answered(cx).await?;
    // PROV-12 may have removed it already; otherwise this check does.
    let removal = match second.gone() {
        Some(_) => None,
        None => Some(
            cx.deprovision(
                &second.uuid,
                Credentials::Manifest,
                "deprovision the second install",
            )
            .await,
        ),
    };
    // A 404/410 means the partner lost it, unless an earlier removal of it (one that answered
    // an error) went through after all.
    let removed_before = cx.exchanges().iter().any(|e| {
        e.request.method == "DELETE"
            && e.request.url.ends_with(&format!("/{}", second.uuid))
            && removal.as_ref().is_none_or(|r| r.exchange.seq != e.seq)
    });
    let lost = !removed_before
        && removal
            .as_ref()
            .is_some_and(|r| matches!(r.status, Some(404 | 410)));
    if let Some(r) = removal.as_ref().filter(|r| !lost && !r.is_success()) {
        return blocked(format!(
            "the second install could not be removed: {} (see DEPROV-02)",
            r.exchange.summary()
        ));
    }
    second.mark_gone(if lost {
        "the partner lost it (PROV-10)"
    } else {
        "removed by PROV-10"
    });
    // An asynchronous removal is over only with its action; the first install is probed after.
    cx.removal_settled(&second.uuid).await?;
    // The plan the first install is on: a change to it changes nothing, whatever the
    // plan suite did.
    let body = serde_json::json!({"plan": first.current_plan(), "uuid": first.uuid});
    let reply = cx
        .partner()
        .plan_change(
            &first.uuid,
            &body,
            Credentials::Manifest,
            "plan change of the first install",
        )
        .await;
    let verdict = judge(&reply);
    if matches!(verdict, Err(Stop::Violated(_))) {
        first.mark_gone("the partner removed it with the other install on its app (PROV-10)");
    }
    if let (true, Some(removal)) = (lost, &removal) {
        // Nobody removed it: it went when another install of the app was removed.
        return Finding::new(
            "the second install exists until it is removed",
            format!(
                "{}: the partner no longer knows it, although the harness never removed it",
                observed_status(removal)
            ),
        )
        .at("status")
        .hint("key installs on the uuid: deprovisioning one uuid must not remove other installs of the same app (heroku_id)")
        .exchange(&reply.exchange)
        .exchange(&removal.exchange)
        .into();
    }
    verdict
}

/// The first install must still be known: 404 or 410 say it went with the other one; 2xx (or
/// a 422 with a message, a refusal of the same-plan change) say it is known. Any other answer
/// proves neither, so the check is blocked on it.
pub fn judge(reply: &Reply) -> Verdict {
    let refused_with_message =
        reply.status == Some(422) && crate::check::judge::message(reply).is_some();
    if reply.is_success() || refused_with_message {
        return pass_with(observed_status(reply));
    }
    match reply.status {
        Some(404 | 410) => Finding::new(
            "the first install still exists (a plan change gets 2xx or 422)",
            format!("{}: the partner no longer knows it", observed_status(reply)),
        )
        .at("status")
        .hint("key installs on the uuid: deprovisioning one uuid must not remove other installs of the same app (heroku_id)")
        .exchange(&reply.exchange)
        .into(),
        _ => blocked(format!(
            "the plan change of the first install answered neither 2xx nor 404/410, so whether it still exists is unknown: {}",
            reply.exchange.summary()
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{assert_found, reply};
    use crate::check::{Pass, Stop};

    #[test]
    fn gone_fails_and_known_passes() {
        assert_found(
            &super::judge(&reply(410, "{}")),
            Some("status"),
            "status 410: the partner no longer knows it",
        );
        assert_found(
            &super::judge(&reply(404, "{}")),
            Some("status"),
            "status 404: the partner no longer knows it",
        );
        assert!(matches!(super::judge(&reply(200, "{}")), Ok(Pass(_))));
        assert!(matches!(
            super::judge(&reply(422, r#"{"message":"already on that plan"}"#)),
            Ok(Pass(_))
        ));
        for unknown in [reply(422, "{}"), reply(500, "{}"), reply(503, "oops")] {
            assert!(
                matches!(super::judge(&unknown), Err(Stop::Blocked(_))),
                "{:?}",
                unknown.status
            );
        }
    }
}
