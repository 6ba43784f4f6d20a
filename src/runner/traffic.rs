//! What went over the wire during a stretch of the run (a check, the cleanup): the exchanges with
//! the partner and the inbound calls the platform received, on the run's clock. Also the progress
//! events of a check that is still waiting.

use std::sync::Arc;
use std::time::Instant;

use super::RunCtx;
use crate::record::Inbound;
use crate::record::events::{Event, EventSink};
use crate::record::outcome::CheckResult;

/// Where the journals stood when the stretch began.
pub(super) struct Mark {
    exchanges: u64,
    inbound: usize,
}

impl Mark {
    pub fn now(ctx: &RunCtx) -> Self {
        Self {
            exchanges: ctx.journal.peek_next(),
            inbound: ctx.platform.journal().all().len(),
        }
    }

    /// The `Traffic` event of the stretch, if anything went over the wire.
    pub fn traffic(&self, ctx: &RunCtx, check: Option<String>) -> Option<Event> {
        let exchanges = ctx.journal.since(self.exchanges);
        // Both journals count from the run clock: no shifting.
        let inbound: Vec<Arc<Inbound>> = ctx
            .platform
            .journal()
            .all()
            .into_iter()
            .skip(self.inbound)
            .collect();
        (!exchanges.is_empty() || !inbound.is_empty()).then_some(Event::Traffic {
            check,
            exchanges,
            inbound,
        })
    }
}

/// Runs a check, telling the sinks every second that it is still waiting (slow partners, async
/// callbacks) so a terminal can show progress.
pub(super) async fn waiting<F: std::future::Future<Output = CheckResult>>(
    check: F,
    id: &str,
    sink: &mut dyn EventSink,
) -> CheckResult {
    let started = Instant::now();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.tick().await;
    tokio::pin!(check);
    loop {
        tokio::select! {
            result = &mut check => return result,
            _ = tick.tick() => sink.emit(&Event::Waiting {
                id: id.to_owned(),
                elapsed_ms: started.elapsed().as_millis() as u64,
            }),
        }
    }
}
