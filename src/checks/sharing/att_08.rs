//! ATT-08: a `recommended_prefix` in the provision answer is a valid attachment name
//! (`^[A-Z][A-Z0-9_]*$`), so Heroku can name attachments after it. The syntax is inferred
//! (partner-api §18 Q13), so a breach is a SHOULD.

use serde_json::Value;

use crate::check::{CheckCtx, Resource, Verdict, pass_with, skip};
use crate::heroku::naming;
use crate::record::outcome::Finding;

crate::check!(
    "ATT-08",
    Should,
    "a recommended_prefix is a valid attachment name",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    let prefix = res
        .reply
        .json
        .as_ref()
        .ok()
        .and_then(|b| b.get("recommended_prefix"));
    let Some(given) = prefix.filter(|p| !p.is_null()) else {
        return skip("the provision answer recommends no prefix: nothing to judge");
    };
    judge(prefix).map_or_else(
        || pass_with(given.to_string()),
        |f| f.exchange(&res.reply.exchange).into(),
    )
}

pub fn judge(prefix: Option<&Value>) -> Option<Finding> {
    let observed = match prefix {
        None | Some(Value::Null) => return None,
        Some(Value::String(s)) if naming::is_valid(s) => return None,
        Some(Value::String(s)) => format!("`{s}`"),
        Some(other) => format!("{} ({other})", crate::check::judge::kind(other)),
    };
    Some(
        Finding::new(
            "a string of A-Z, 0-9 and _, starting with a letter (e.g. REDIS)",
            observed,
        )
        .at("/recommended_prefix")
        .hint("Heroku uses it as the attachment name, the prefix of every app-side var: upper case, underscores, no dashes (Heroku does not publish the syntax; this one is inferred from the attachment names it uses)"),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn judges_the_syntax() {
        assert!(super::judge(None).is_none());
        assert!(super::judge(Some(&json!("REDIS"))).is_none());
        assert!(super::judge(Some(&json!("redis-green"))).is_some());
        assert!(super::judge(Some(&json!(3))).is_some());
    }
}
