//! Records: what happened during a run, as data. Exchanges with the partner, calls the partner
//! made to the platform, check outcomes and findings, the event stream, the cleanup ledger and
//! the run clock they all count from. Every other room reads these; this room imports none of
//! them (only `catalogue` for levels).

pub mod clock;
pub mod events;
pub mod exchange;
pub mod inbound;
pub mod journal;
pub mod ledger;
pub mod outcome;
pub mod partner_log;

pub use clock::RunClock;
pub use exchange::{Credentials, Exchange, Header, cut};
pub use inbound::{Inbound, InboundKind};
