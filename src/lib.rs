//! addon-conformance: a conformance harness for Heroku add-on partners. It plays Heroku against
//! the partner (the system under test) and reports every broken requirement with evidence.
//!
//! Parts, in the order data flows: `cli` → `config`/`manifest` → `runner` → `checks` →
//! `partner` (the only code that talks to the partner) → `events` → `report` (the only code
//! that prints). `reference` is a conformant partner with named faults, used by `demo` and tests.

pub mod catalogue;
pub mod check;
pub mod checks;
pub mod cli;
pub mod config;
pub mod demo;
pub mod error;
pub mod heroku;
pub mod hooks;
pub mod intercept;
pub mod launch;
pub mod manifest;
pub mod network;
pub mod partner;
pub mod platform;
pub mod record;
pub mod redact;
pub mod reference;
pub mod report;
pub mod runner;
pub mod serve;
pub mod suite;
pub mod target;
pub mod text;
pub mod tls;
