//! Reporters: the only code that prints run results. Each consumes the event stream.

pub mod causes;
pub mod file;
pub mod github;
pub mod har;
pub mod html;
mod html_index;
pub mod json;
pub mod junit;
pub mod stream;
pub mod terminal;

pub use file::{Document, FileReporter};
pub use github::GithubReporter;
pub use har::HarReport;
pub use html::HtmlReport;
pub use json::JsonReport;
pub use junit::JunitReport;
pub use stream::{EventLines, StreamReporter};
pub use terminal::TerminalReporter;
