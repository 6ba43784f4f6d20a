//! PROV-03: the answer has a usable `id`, not derived from heroku_id.

use serde_json::Value;

use crate::check::judge::{json_body, kind};
use crate::check::{CheckCtx, Resource, Stop, Verdict, pass};
use crate::record::outcome::Finding;

crate::check!(
    "PROV-03",
    Must,
    "provision answer has an id not derived from heroku_id",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    let heroku_id = res.request.get("heroku_id").and_then(Value::as_str);
    let body = json_body(&res.reply)?;
    match judge(body.get("id"), heroku_id) {
        Err(Stop::Violated(f)) => Err(Stop::violated(f.exchange(&res.reply.exchange))),
        v => v,
    }
}

pub fn judge(id: Option<&Value>, heroku_id: Option<&str>) -> Verdict {
    let expected = "`id`: a non-empty string unique to this installation";
    let hint =
        "return your own identifier for the installation (the uuid Heroku sent is a fine choice)";
    let id = match id {
        None => {
            return Finding::new(expected, "`id` is missing")
                .at("/id")
                .hint(hint)
                .into();
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Finding::new(expected, "`id` is empty")
                .at("/id")
                .hint(hint)
                .into();
        }
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Finding::new(expected, format!("`id` is {}", kind(other)))
                .at("/id")
                .hint(hint)
                .into();
        }
    };
    if let Some(hid) = heroku_id {
        let digits: String = hid.chars().filter(char::is_ascii_digit).collect();
        if id.contains(hid) || (digits.len() >= 4 && id.contains(&digits)) {
            return Finding::new(
                "an id that is not derived from heroku_id (several installs share one app)",
                format!("`id` is `{id}`, derived from heroku_id `{hid}`"),
            )
            .at("/id")
            .hint("with many_per_app one app installs the add-on several times; key on the uuid instead")
            .into();
        }
    }
    pass()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::found;
    use serde_json::json;

    #[test]
    fn judges_ids() {
        let h = Some("app1234567@heroku.com");
        assert!(matches!(judge(Some(&json!("res-42")), h), Ok(Pass(_))));
        assert!(matches!(judge(Some(&json!(42)), h), Ok(Pass(_))));
        for (id, word) in [
            (None, "missing"),
            (Some(json!("")), "empty"),
            (Some(json!(null)), "null"),
            (
                Some(json!("app1234567@heroku.com")),
                "derived from heroku_id",
            ),
            (Some(json!("res-1234567")), "derived from heroku_id"),
        ] {
            let v = judge(id.as_ref(), h);
            let f = found(&v);
            assert_eq!(f.location.as_deref(), Some("/id"), "{id:?}");
            assert!(f.observed.contains(word), "{id:?}: {}", f.observed);
        }
    }
}
