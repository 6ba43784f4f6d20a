//! The partner client: the only code that talks to the partner.

pub mod client;
pub mod exchange;
pub mod ledger;
pub mod sso;

pub use client::{PartnerClient, Reply};
pub use exchange::{Credentials, Exchange};
