//! PROV-04: config keys are manifest vars with string values.

use crate::check::judge::{config_problem, json_body};
use crate::check::{CheckCtx, Stop, Verdict, pass, pass_with};

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
        return pass_with("no config in the answer");
    };
    match config_problem(cx.manifest(), config) {
        Some(f) => Err(Stop::violated(f.exchange(&res.reply.exchange))),
        None => pass(),
    }
}
