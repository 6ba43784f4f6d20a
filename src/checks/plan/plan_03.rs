//! PLAN-03: a plan change to a plan the add-on does not offer gets 422 with a message. The plan
//! name is random, so it cannot exist (kensa's fixed "foo" broke partners that had one). Heroku
//! validates plan slugs before it calls the partner, so this probe is ours: its findings are
//! SHOULD, though the requirement (PLAN-03.forbidden's, a change Heroku does send) is a MUST.

use crate::catalogue::Level;
use crate::check::{CheckCtx, Resource, Verdict, pass};

crate::check!(
    "PLAN-03",
    Must,
    "a plan change to an unknown plan gets 422 with a message",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    let plan = format!(
        "conformance-no-such-plan-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let reply = super::change(cx, &res, &plan, "plan change to an unknown plan").await;
    match crate::check::judge::refusal_problem(
        &reply,
        "422 with a message: the plan does not exist",
    ) {
        None => pass(),
        // A refusal without a reason, a 500, or an acceptance: Heroku never sends this change.
        Some(f) => f
            .level(Level::Should)
            .hint("Heroku checks plan slugs before calling you, so this is defence in depth: look the plan up and refuse unknown slugs with 422 and a message")
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::{assert_found, ctx_for, run_check};
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    async fn verdict(status: u16, body: &str) -> Verdict {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"x"}"#))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .mount(&server)
            .await;
        let ctx = ctx_for(&server.uri(), |_| {}).await;
        run_check(&CHECK, &ctx).await
    }

    #[tokio::test]
    async fn judged_as_a_refusal() {
        assert!(matches!(
            verdict(422, r#"{"message":"no such plan"}"#).await,
            Ok(Pass(_))
        ));
        assert_found(
            &verdict(200, "{}").await,
            Some("status"),
            "status 200: the request was carried out",
        );
    }
}
