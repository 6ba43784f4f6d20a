//! The integration tests, one binary (the fault zoo has its own, with its own harness). Each
//! module is one area; `common` holds the helpers they share.
#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code: a panic is how a test reports its failure"
)]

mod common;

mod action;
mod cleanup;
mod cli;
mod hostile;
mod html;
mod intercept;
mod interrupts;
mod meta;
mod network;
mod removal;
mod reports;
mod safety;
mod sso_handoff;
mod synthetic;
mod triage;
