//! The run's side of the target: the add-on's exit as the root cause of what follows, and each
//! check's log lines (the interception and process themselves live in `crate::target`).

use std::time::Duration;

use crate::check::{Blocker, RunCtx};
use crate::launch::LogLine;
use crate::record::outcome::RootCause;
use crate::target::{EXIT_LINES, EXIT_SETTLE, exit_message, lines};

/// Why a check cannot run: the add-on's process has exited.
pub(super) fn exited_reason(ctx: &RunCtx) -> Option<String> {
    let t = ctx.target.as_ref()?;
    let exit = t.exit()?;
    Some(exit_message(&exit, &ctx.journal))
}

/// The root cause id of checks blocked because the add-on's process exited.
pub(crate) const EXITED: &str = "partner-exited";

/// A check blocked by the add-on's exit (`exit` says how it exited): the exit is the root cause,
/// which later reviews of the verdict keep.
pub(super) fn exit_blocker(why: String, exit: String) -> Blocker {
    Blocker {
        why,
        cause: Some(RootCause::new(EXITED, exit)),
    }
}

/// The run note about the exit, once: the message and the add-on's last lines.
pub(super) fn exit_note(ctx: &RunCtx, noted: &std::sync::atomic::AtomicBool) -> Option<String> {
    let t = ctx.target.as_ref()?;
    let exit = t.exit()?;
    if noted.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return None;
    }
    let last = t.last_lines(EXIT_LINES);
    let tail = if last.is_empty() {
        "; it printed nothing".to_owned()
    } else {
        format!("; its last lines:{}", lines(&last))
    };
    Some(format!(
        "{}: the checks after it are blocked{tail}",
        exit_message(&exit, &ctx.journal)
    ))
}

/// A run during which the add-on's process exited does not pass.
pub(super) fn exit_code(ctx: &RunCtx, code: u8) -> u8 {
    use crate::error::exit;
    match ctx.target.as_ref().and_then(|t| t.exit()) {
        Some(_) if code == exit::PASS => exit::PARTNER_FAILED,
        _ => code,
    }
}

/// The add-on's log lines from `from` until now.
pub(super) fn log_since(ctx: &RunCtx, from: Duration) -> Vec<LogLine> {
    match &ctx.target {
        // Until the end of the current millisecond: a line stamped as the check ends belongs to it.
        // Control characters escaped: the add-on's text must not drive a terminal.
        Some(t) => t
            .log_between(
                from,
                ctx.journal.clock().started().elapsed() + Duration::from_millis(1),
            )
            .into_iter()
            .map(|l| LogLine {
                text: crate::redact::sanitize(&l.text),
                ..l
            })
            .collect(),
        None => Vec::new(),
    }
}

/// Runs a check, watching the add-on's process. If it exits during the check, the check gets
/// the connect timeout to finish (requests to a dead process fail at once), and a check that
/// then saw a transport failure is blocked by the exit rather than failed: the exit is the cause.
pub(super) async fn guard(
    ctx: &RunCtx,
    first_seq: u64,
    check: impl std::future::Future<Output = crate::check::Verdict>,
) -> crate::check::Verdict {
    use crate::check::Stop;
    let Some(t) = &ctx.target else {
        return check.await;
    };
    tokio::pin!(check);
    let finished = tokio::select! {
        v = &mut check => Some(v),
        () = t.exited() => tokio::time::timeout(ctx.settings.timeouts.connect, &mut check).await.ok(),
    };
    let unreachable = ctx
        .journal
        .since(first_seq)
        .iter()
        .any(|x| x.error.is_some());
    if unreachable && t.exit().is_none() {
        // A connection the add-on dropped as it died is often seen before its exit is.
        let _ = tokio::time::timeout(EXIT_SETTLE, t.exited()).await;
    }
    let Some(exit) = t.exit() else {
        return finished.unwrap_or_else(|| Err(Stop::Error("the check did not finish".into())));
    };
    let cut_off = finished.is_none();
    match finished {
        Some(v @ (Ok(_) | Err(Stop::Skip(_) | Stop::Blocked(_)))) => v,
        Some(v) if !unreachable && !cut_off => v,
        _ => {
            let exit = exit_message(&exit, &ctx.journal);
            Err(Stop::Blocked(exit_blocker(
                format!("{exit} during this check, which then could not reach it"),
                exit,
            )))
        }
    }
}
