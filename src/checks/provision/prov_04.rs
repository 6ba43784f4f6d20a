//! PROV-04: config keys are manifest vars with string values.

use crate::checks::inspect::{config_problem, json_object};
use crate::record::outcome::Verdict;
use crate::runner::CheckCtx;

crate::check!(
    "PROV-04",
    "PROV-04",
    Must,
    "provision config uses manifest vars and string values",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = match super::sync_answer(cx).await {
        Ok(r) => r,
        Err(v) => return v,
    };
    let body = match json_object(&res.reply) {
        Ok(b) => b,
        Err(why) => return Verdict::Blocked(why),
    };
    let Some(config) = body.get("config") else {
        return Verdict::pass_with("no config in the answer");
    };
    match config_problem(&cx.manifest, config) {
        Some(f) => Verdict::violated(f.exchange(&res.reply.exchange)),
        None => Verdict::pass(),
    }
}

#[cfg(test)]
mod tests {
    // The judgement is `inspect::config_problem`, tested there; the fault zoo runs this check.
    use crate::checks::find;

    #[test]
    fn is_registered() {
        assert!(find("PROV-04").is_some());
    }
}
