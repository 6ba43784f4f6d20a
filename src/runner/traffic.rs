//! What went over the wire during a stretch of the run (a check, the cleanup): the exchanges
//! with the partner and the inbound calls the platform received, on the run's clock.

use std::sync::Arc;

use super::RunCtx;
use crate::events::Event;
use crate::platform::inbound::Inbound;

/// Where the journals stood when the stretch began.
pub(super) struct Mark {
    exchanges: u64,
    inbound: usize,
}

impl Mark {
    pub fn now(ctx: &RunCtx) -> Self {
        Self {
            exchanges: ctx.journal.peek_next(),
            inbound: ctx.platform.as_ref().map_or(0, |p| p.journal().all().len()),
        }
    }

    /// The `Traffic` event of the stretch, if anything went over the wire.
    pub fn traffic(&self, ctx: &RunCtx, check: Option<String>) -> Option<Event> {
        let exchanges = ctx.journal.since(self.exchanges);
        let inbound: Vec<Arc<Inbound>> = match &ctx.platform {
            Some(p) => {
                // The platform's clock started a little before the run's: shift onto the run's.
                let run_ms = ctx.journal.started().elapsed().as_millis() as u64;
                let shift = p.journal().elapsed_ms().saturating_sub(run_ms);
                p.journal()
                    .all()
                    .into_iter()
                    .skip(self.inbound)
                    .map(|i| {
                        let mut i = (*i).clone();
                        i.at_ms = i.at_ms.saturating_sub(shift);
                        Arc::new(i)
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        (!exchanges.is_empty() || !inbound.is_empty()).then_some(Event::Traffic {
            check,
            exchanges,
            inbound,
        })
    }
}
