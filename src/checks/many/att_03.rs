//! ATT-03: two installs on one app are independent resources: each answer carries its own
//! provider `id` (never one derived from `heroku_id`).

use crate::check::{CheckCtx, Resource, Verdict, pass};
use crate::record::outcome::Finding;

crate::check!("ATT-03", Must, "each install on an app has its own id", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let first = cx.live_resource(Resource::Primary).await?;
    // The answer is the evidence; a later removal (PROV-12, PROV-10) does not matter.
    let second = super::answered(cx).await?;
    judge(
        super::provider_id(&first.reply),
        super::provider_id(&second.reply),
    )
    .map_or_else(pass, |f| {
        f.exchange(&second.reply.exchange)
            .exchange(&first.reply.exchange)
            .into()
    })
}

pub fn judge(first: Option<String>, second: Option<String>) -> Option<Finding> {
    match (first, second) {
        (Some(a), Some(b)) if a == b => Some(
            Finding::new(
                "a distinct id for each install on the app",
                format!("both installs answered id `{a}`"),
            )
            .at("/id")
            .hint("return an id unique per installation (e.g. the uuid), never one derived from heroku_id such as app123@heroku.com"),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_ids_fail() {
        assert!(super::judge(Some("a".into()), Some("a".into())).is_some());
        assert!(super::judge(Some("a".into()), Some("b".into())).is_none());
        // A missing id is PROV-03's finding, not this one.
        assert!(super::judge(None, Some("b".into())).is_none());
    }
}
