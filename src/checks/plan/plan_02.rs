//! PLAN-02: a plan change to the upgrade plan gets 200 with optional config and message.

use serde_json::Value;

use crate::catalogue::Level;
use crate::check::judge::{config_problem, observed_status};
use crate::check::{CheckCtx, Resource, Stop, Verdict, skip};
use crate::manifest::Manifest;
use crate::partner::{Credentials, Reply};
use crate::record::outcome::Finding;

crate::check!("PLAN-02", Must, "plan upgrade answers 200", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let Some(plan) = cx.config().plans.upgrade.clone() else {
        return skip("no upgrade plan: set [plans] upgrade in the config");
    };
    let res = cx.live_resource(Resource::Primary).await?;
    let body = serde_json::json!({"plan": plan, "uuid": res.uuid});
    let reply = cx
        .partner()
        .plan_change(
            &res.uuid,
            &body,
            Credentials::Manifest,
            &format!("plan change to {plan}"),
        )
        .await;
    let verdict = judge(cx.manifest(), &reply);
    if reply.is_success() && reply.status != Some(202) {
        res.set_current_plan(&plan);
    }
    verdict
}

pub fn judge(manifest: &Manifest, reply: &Reply) -> Verdict {
    let with = |f: Finding| Err(Stop::violated(f.exchange(&reply.exchange)));
    let mut note = None;
    match reply.status {
        Some(200) => {}
        // Heroku treats any 2xx as success; the documented answer is 200.
        Some(s @ (201 | 203..=299)) if reply.exchange.error.is_none() => {
            note = Some(format!("status {s}; 200 is the documented answer"));
        }
        Some(202) => {
            return with(
                Finding::new("200", "status 202")
                    .at("status")
                    .level(Level::Should)
                    .hint("Heroku does not document asynchronous plan changes"),
            );
        }
        _ => {
            return with(
                Finding::new("200", observed_status(reply))
                    .at("status")
                    .hint("the plan slug comes without the add-on prefix (`premium`, not `addon:premium`); key the resource on the uuid in the path"),
            );
        }
    }
    let pass = || {
        note.clone()
            .map_or_else(crate::check::pass, crate::check::pass_with)
    };
    if reply.body.is_empty() {
        return pass();
    }
    let body = match &reply.json {
        Ok(Value::Object(map)) => map,
        Ok(_) | Err(_) => {
            return with(
                Finding::new(
                    "a JSON object (or no body)",
                    "the body is not a JSON object",
                )
                .at("body"),
            );
        }
    };
    if let Some(config) = body.get("config")
        && let Some(f) = config_problem(manifest, config)
    {
        return with(f);
    }
    if let Some(m) = body
        .get("message")
        .filter(|m| !m.is_string() && !m.is_null())
    {
        return with(
            Finding::new("`message` is a string", format!("`message` is {m}")).at("/message"),
        );
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{assert_found, reply};

    #[test]
    fn judges_answers() {
        let m = Manifest::parse(r#"{"id":"x","api":{"config_vars":["X_URL"]}}"#, "m").unwrap();
        assert!(matches!(
            judge(&m, &reply(200, r#"{"message":"ok"}"#)),
            Ok(Pass(_))
        ));
        // `message` is optional: null is the same as absent.
        assert!(matches!(
            judge(&m, &reply(200, r#"{"message":null}"#)),
            Ok(Pass(_))
        ));
        assert!(matches!(judge(&m, &reply(200, "")), Ok(Pass(_))));
        assert!(matches!(judge(&m, &reply(204, "")), Ok(Pass(Some(_)))));
        assert!(matches!(
            judge(&m, &reply(201, r#"{"message":"ok"}"#)),
            Ok(Pass(Some(_)))
        ));
        assert_found(
            &judge(&m, &reply(200, r#"{"config":{"Y":"1"}}"#)),
            Some("/config/Y"),
            "key `Y` is not declared in the manifest",
        );
        assert_found(
            &judge(&m, &reply(422, r#"{"message":"no"}"#)),
            Some("status"),
            "status 422",
        );
        assert_found(
            &judge(&m, &reply(200, "<html>")),
            Some("body"),
            "the body is not a JSON object",
        );
    }
}
