//! ASYNC-09: a 202 answer carries the provider `id`.

use serde_json::Value;

use crate::check::judge::json_object;
use crate::check::{CheckCtx, Pass, Resource, Stop, Verdict, pass_with};
use crate::checks::provision::prov_03;
use crate::record::outcome::Finding;

crate::check!(
    "ASYNC-09",
    Must,
    "a 202 answer carries the provider id",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let s = super::subject(cx, Resource::Async).await?;
    if !s.is_async() {
        return s.skip_sync();
    }
    let reply = &s.res.reply;
    let body = match json_object(reply) {
        Ok(b) => b,
        Err(why) => {
            return Finding::new("a JSON object with `id`", why)
                .at("body")
                .exchange(&reply.exchange)
                .into();
        }
    };
    let heroku_id = s.res.request.get("heroku_id").and_then(Value::as_str);
    let verdict = match prov_03::judge(body.get("id"), heroku_id) {
        Err(Stop::Violated(f)) => Err(Stop::violated(f.exchange(&reply.exchange))),
        v => v,
    };
    match (verdict, body.get("config")) {
        (Ok(Pass(_)), Some(_)) => pass_with(
            "the 202 body carries config, which Heroku ignores: set it through the Platform API",
        ),
        (v, _) => v,
    }
}
