//! Reporters: the only code that prints run results. Each consumes the event stream.

pub mod json;
pub mod terminal;

pub use json::{JsonReport, JsonReporter};
pub use terminal::TerminalReporter;
