//! What went over the wire during a stretch of the run (a check, the cleanup): the exchanges with
//! the partner and the inbound calls the platform received, on the run's clock. Also the progress
//! events of a check that is still waiting.

use std::sync::Arc;
use std::time::Instant;

use super::RunCtx;
use super::stream::Stream;
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

    /// The `Traffic` event of a check: the exchanges it made and the inbound calls that
    /// arrived while it ran and no check running beside it claimed first.
    pub fn traffic(&self, ctx: &RunCtx, stream: &Stream<'_>, check: &str) -> Option<Event> {
        let exchanges = ctx.journal.since_for(self.exchanges, check);
        let all = ctx.platform.journal().all();
        let from = stream.claim_inbound(self.inbound, all.len());
        let inbound: Vec<Arc<Inbound>> = all.into_iter().skip(from).collect();
        Self::event(Some(check.to_owned()), exchanges, inbound)
    }

    /// The `Traffic` event of the cleanup (nothing runs beside it).
    pub fn cleanup_traffic(&self, ctx: &RunCtx) -> Option<Event> {
        let exchanges = ctx.journal.since(self.exchanges);
        // Both journals count from the run clock: no shifting.
        let inbound: Vec<Arc<Inbound>> = ctx
            .platform
            .journal()
            .all()
            .into_iter()
            .skip(self.inbound)
            .collect();
        Self::event(None, exchanges, inbound)
    }

    fn event(
        check: Option<String>,
        exchanges: Vec<Arc<crate::record::Exchange>>,
        inbound: Vec<Arc<Inbound>>,
    ) -> Option<Event> {
        (!exchanges.is_empty() || !inbound.is_empty()).then_some(Event::Traffic {
            check,
            exchanges,
            inbound,
        })
    }
}

/// Runs a check, telling the sinks every second that it is still waiting (slow partners, async
/// callbacks; with what it waits for when the wait is named) so a terminal can show progress, and
/// passing on each exchange as soon as it completes.
pub(super) async fn waiting<F: std::future::Future<Output = CheckResult>>(
    ctx: &RunCtx,
    check: F,
    id: &str,
    sink: &mut dyn EventSink,
) -> CheckResult {
    let started = Instant::now();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.tick().await;
    let mut pushed = ctx.journal.subscribe();
    let mut seen = ctx.journal.peek_next();
    tokio::pin!(check);
    loop {
        tokio::select! {
            result = &mut check => {
                live_exchanges(ctx, id, &mut seen, sink);
                return result;
            }
            Ok(()) = pushed.changed() => live_exchanges(ctx, id, &mut seen, sink),
            _ = tick.tick() => {
                let pending = ctx.platform.journal().pending_wait();
                sink.emit(&match pending {
                    Some(w) => Event::WaitingFor {
                        id: id.to_owned(),
                        what: w.what,
                        elapsed_ms: w.since.elapsed().as_millis() as u64,
                        limit_ms: w.limit.as_millis() as u64,
                    },
                    None => Event::Waiting {
                        id: id.to_owned(),
                        elapsed_ms: started.elapsed().as_millis() as u64,
                    },
                });
            }
        }
    }
}

/// Emits the exchanges completed since `seen` (sequence numbers are taken when a request
/// starts, so concurrent requests may complete out of order: each is passed on once).
fn live_exchanges(ctx: &RunCtx, id: &str, seen: &mut u64, sink: &mut dyn EventSink) {
    let fresh = ctx.journal.since(*seen);
    for x in &fresh {
        sink.emit(&Event::Exchange {
            check: Some(id.to_owned()),
            exchange: x.clone(),
        });
    }
    if let Some(last) = fresh.iter().map(|x| x.seq).max() {
        *seen = last + 1;
    }
}
