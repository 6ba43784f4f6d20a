//! LOG-02: with `log_input` in the manifest's `api.requires`, what the partner writes to the
//! provision's `log_input_url` must be Logplex's format: `Content-Type: application/logplex-1`,
//! a User-Agent, an exact Content-Length, octet-counted RFC 5424 frames (`logplex::judge`). The
//! writes for the async suite's resource (the shared one without `[plans] async`, so the suite
//! reads no other resource) are judged; `[hooks] write_log` makes the add-on write one when it
//! has not. Without a hook the wait ends `timeouts.callback` after the provision was sent; every
//! wait ends on the run's interrupt.

use std::time::Duration;

use tokio::time::Instant;

use crate::check::{CheckCtx, Resource, Verdict, error, interrupted, pass_with, skip};
use crate::checks::rotation::hook_vars;
use crate::hooks;
use crate::platform::logplex;
use crate::platform::logs::LogWrite;
use crate::record::InboundKind;
use crate::record::outcome::Finding;

crate::check!(
    "LOG-02",
    Must,
    "log lines reach log_input_url as octet-counted logplex frames",
    run
);

async fn run(cx: &CheckCtx<'_>) -> Verdict {
    if !cx.manifest().requires("log_input") {
        return skip("the manifest does not require log_input, so no log_input_url is sent");
    }
    let res = cx.live_resource(Resource::Async).await?;
    let platform = cx.platform();
    let mut hook_note = String::new();
    if platform.log_writes(&res.uuid).is_empty() {
        let until = match &cx.config().hooks.write_log {
            Some(template) => {
                let timeout = cx.config().hooks.timeout.unwrap_or(hooks::DEFAULT_TIMEOUT);
                let vars = hook_vars(cx, &res);
                let env = Default::default();
                let ran = hooks::run(template, &vars, &env, timeout, cx.redactor());
                // An interrupt ends the hook (its process group is killed on drop).
                let interrupt = cx.interrupt();
                let run = tokio::select! {
                    run = ran => run,
                    () = interrupt.triggered() => return interrupted("the write_log hook"),
                };
                if run.failed_here() {
                    return error(format!(
                        "the write_log hook failed on the harness's side: {}",
                        run.summary()
                    ));
                }
                hook_note = format!(" after the write_log hook ({})", run.summary());
                Instant::now() + cx.config().timeouts.callback
            }
            None => {
                let since = platform
                    .journal()
                    .elapsed_ms()
                    .saturating_sub(res.reply.exchange.started_ms);
                let left = cx
                    .config()
                    .timeouts
                    .callback
                    .saturating_sub(Duration::from_millis(since));
                Instant::now() + left
            }
        };
        let uuid = res.uuid.clone();
        cx.wait_inbound(until, "a log line at log_input_url", |i| {
            i.kind == InboundKind::LogWrite && i.resource.as_deref() == Some(uuid.as_str())
        })
        .await?;
    }
    let writes = platform.log_writes(&res.uuid);
    if writes.is_empty() {
        return skip(format!(
            "no log line arrived at the log_input_url of the async suite's resource{hook_note}; set [hooks] write_log to a command that makes your add-on write one"
        ));
    }
    judge(&writes, cx, &hook_note)
}

fn judge(writes: &[LogWrite], cx: &CheckCtx<'_>, hook_note: &str) -> Verdict {
    let mut frames = 0;
    for w in writes {
        let j = logplex::judge(&w.post());
        if let Some(defect) = j.defects.first() {
            let inbound: Vec<_> = cx
                .platform()
                .journal()
                .all()
                .into_iter()
                .filter(|i| i.seq == w.seq)
                .collect();
            return finding(defect, &j).inbound(&inbound).into();
        }
        frames += j.frames.len();
    }
    pass_with(format!(
        "{} write(s), {frames} frame(s){hook_note}",
        writes.len()
    ))
}

/// The finding for a write's first defect (the others are listed in `observed`).
pub fn finding(first: &logplex::Defect, j: &logplex::Judgement) -> Finding {
    let all: Vec<String> = j.defects.iter().map(logplex::Defect::describe).collect();
    Finding::new(
        "Content-Type: application/logplex-1, a User-Agent, and octet-counted RFC 5424 frames",
        all.join("; "),
    )
    .at(match first {
        logplex::Defect::ContentType(_) => "header Content-Type",
        logplex::Defect::NoUserAgent => "header User-Agent",
        logplex::Defect::ContentLength { .. } => "header Content-Length",
        logplex::Defect::Empty | logplex::Defect::Frame { .. } => "body",
    })
    .hint("Logplex drops other formats: POST `<length> <190>1 <timestamp> host app - - - message` frames, the length counting the bytes after its space")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::logplex::{LogPost, judge};

    #[test]
    fn a_wrong_content_type_and_a_bad_count_are_found() {
        let body = b"10 <190>1 2026-12-01T10:00:00Z host app - - - hello";
        let j = judge(&LogPost {
            content_type: Some("text/plain"),
            content_length: Some(&body.len().to_string()),
            user_agent: Some("x/1"),
            body,
        });
        let f = finding(&j.defects[0], &j);
        assert_eq!(f.location.as_deref(), Some("header Content-Type"));
        assert!(f.observed.contains("text/plain"), "{}", f.observed);
        assert!(f.observed.contains("frame 1"), "{}", f.observed);
    }
}
