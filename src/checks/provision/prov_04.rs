//! PROV-04: config keys are manifest vars with string values.

use crate::check::judge::{config_problem, json_body};
use crate::check::{CheckCtx, Stop, Verdict, pass, skip};

crate::check!(
    "PROV-04",
    Must,
    "provision config uses manifest vars and string values",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    let res = super::sync_answer(cx).await?;
    let body = json_body(&res.reply)?;
    let Some(config) = body.get("config") else {
        return skip(
            "no config in the answer: nothing to judge (PROV-15 reports a missing config)",
        );
    };
    match config_problem(cx.manifest(), config) {
        Some(f) => Err(Stop::violated(f.exchange(&res.reply.exchange))),
        None => pass(),
    }
}
