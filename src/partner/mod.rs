//! The partner client: the only code that talks to the partner.

pub mod client;
pub mod sso;

pub use crate::record::exchange::Credentials;
pub use client::{PartnerClient, PathId, Reply};
