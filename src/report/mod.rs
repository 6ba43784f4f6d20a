//! Reporters: the only code that prints run results. Each consumes the event stream.

pub mod file;
pub mod json;
pub mod terminal;

pub use file::{Document, FileReporter};
pub use json::JsonReport;
pub use terminal::TerminalReporter;
