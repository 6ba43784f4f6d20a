//! IDEM-02: the shared resource's provision, delivered again unchanged, is answered like the
//! first delivery with the same id: one resource.

use crate::check::judge::{is_2xx, observed_status};
use crate::check::{CheckCtx, Resource, Stop, Verdict, pass};
use crate::partner::Reply;
use crate::record::outcome::Finding;

crate::check!(
    "IDEM-02",
    Must,
    "a repeated provision gives the same resource and id",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = cx.live_resource(Resource::Primary).await?;
    let again = cx
        .resend(&res, "provision primary again (repeat delivery)")
        .await;
    judge(&res.reply, &again)
}

pub fn judge(first: &Reply, again: &Reply) -> Verdict {
    let with = |f: Finding| {
        Err(Stop::violated(
            f.exchange(&first.exchange).exchange(&again.exchange),
        ))
    };
    if !is_2xx(again.status) {
        return with(
            Finding::new(
                "the answer of the first delivery (2xx with the same id)",
                observed_status(again),
            )
            .at("status")
            .hint("look the uuid up first and answer with the existing resource; Heroku retries deliveries it thinks failed"),
        );
    }
    let (a, b) = (super::provider_id(first), super::provider_id(again));
    if a != b {
        return with(
            Finding::new(
                format!("the same id as the first delivery ({})", a.map(|v| v.to_string()).unwrap_or_default()),
                format!("id {}", b.map(|v| v.to_string()).unwrap_or_else(|| "missing".into())),
            )
            .at("/id")
            .hint("a second id means a second resource: key provisions on the uuid, with a unique constraint"),
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
    fn same_id_passes() {
        let first = reply(200, r#"{"id":"a"}"#);
        assert!(matches!(
            judge(&first, &reply(201, r#"{"id":"a"}"#)),
            Ok(Pass(_))
        ));
        assert_found(
            &judge(&first, &reply(200, r#"{"id":"b"}"#)),
            Some("/id"),
            "id \"b\"",
        );
        assert_found(
            &judge(&first, &reply(409, r#"{"message":"dup"}"#)),
            Some("status"),
            "status 409",
        );
    }
}
