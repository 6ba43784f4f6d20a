//! ATT-06 (detach): removing one of two attachments of an installation to the same app leaves
//! the other working. The platform detaches the second attachment (a release, no Partner API
//! call: the partner is told nothing); a login from the app still opens the resource.

use crate::check::{CheckCtx, Verdict, blocked, pass_with};

crate::check!(
    "ATT-06.detach",
    Should,
    "after one of two attachments is detached the resource still opens",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let twice = super::attached_twice(cx).await?;
    let name = &twice.attachment.name;
    if !cx.platform().detach(&twice.attachment.id) {
        return blocked(format!("the attachment {name} was already detached"));
    }
    let label = format!("SSO login after detaching {name}");
    match super::login_lands(cx, &label).await? {
        None => pass_with(format!("detached {name}; the remaining attachment still opens")),
        Some(f) => f
            .hint("detaching an attachment is not a deprovision and sends you nothing; the resource stays until Heroku sends DELETE")
            .into(),
    }
}
