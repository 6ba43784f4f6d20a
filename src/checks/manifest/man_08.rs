//! MAN-08: the deprecated `api.username` is absent.

use crate::check::{CheckCtx, Verdict, pass};
use crate::manifest::Manifest;
use crate::record::outcome::Finding;

crate::check!("MAN-08", Must, "no deprecated api.username", run);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    judge(cx.manifest())
}

pub fn judge(m: &Manifest) -> Verdict {
    if m.api().get("username").is_none() {
        return pass();
    }
    Finding::new("no `api.username` field", "`api.username` is present")
        .at("/api/username")
        .hint("remove it: Heroku authenticates with the add-on id as the username")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Pass;
    use crate::check::testing::assert_found;
    use crate::checks::manifest::parse;

    #[test]
    fn judges_username() {
        assert!(matches!(judge(&parse(r#"{"api":{}}"#)), Ok(Pass(_))));
        assert_found(
            &judge(&parse(r#"{"api":{"username":"u"}}"#)),
            Some("/api/username"),
            "`api.username` is present",
        );
    }
}
