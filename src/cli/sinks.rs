//! The reporters of a run: the terminal always, files on request, GitHub Actions when it runs us.

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::args::{ColorChoice, OutputArgs};
use crate::config::env::Environment;
use crate::error::HarnessError;
use crate::record::events::Fanout;
use crate::report::file::ErrorSlot;
use crate::report::terminal::Verbosity;
use crate::report::{
    EventLines, FileReporter, GithubReporter, HarReport, HtmlReport, JsonReport, JunitReport,
    StreamReporter, TerminalReporter,
};

/// The sinks of one run, and the error slots of the files they write.
pub struct Sinks {
    pub fanout: Fanout,
    errors: Vec<ErrorSlot>,
}

impl Sinks {
    /// `strict`: warnings fail (JUnit shows them as failures). A report sent to `-` takes
    /// standard output; the terminal report then goes to standard error.
    pub fn new(output: &OutputArgs, strict: bool, env: &Environment) -> Self {
        let to_stderr = output.stdout_taken();
        let terminal = if to_stderr {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
        let color = match output.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !env.no_color,
        };
        let verbosity = match (output.quiet, output.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, 0) => Verbosity::Normal,
            (false, 1) => Verbosity::Exchanges,
            (false, _) => Verbosity::Bodies,
        };
        let mut sinks = Self {
            fanout: Fanout::default(),
            errors: Vec::new(),
        };
        let screen: Box<dyn Write + Send> = if to_stderr {
            Box::new(std::io::stderr())
        } else {
            Box::new(std::io::stdout())
        };
        sinks.fanout.sinks.push(Box::new(
            TerminalReporter::new(screen, color)
                .with_progress(terminal)
                .with_verbosity(verbosity)
                .with_github_groups(env.github_actions),
        ));
        if let Some(path) = &output.report_events {
            sinks.events(path);
        }
        if let Some(path) = &output.report_json {
            sinks.document(path, JsonReport::default());
        }
        if let Some(path) = &output.report_junit {
            sinks.document(path, JunitReport::new(strict));
        }
        if let Some(path) = &output.report_har {
            sinks.document(path, HarReport::default());
        }
        if let Some(path) = &output.report_html {
            sinks.document(path, HtmlReport::default());
        }
        if env.github_actions {
            let summary = env.github_step_summary.clone();
            // Workflow commands go where the terminal report goes (not into a report on `-`).
            let log: Box<dyn Write + Send> = if to_stderr {
                Box::new(std::io::stderr())
            } else {
                Box::new(std::io::stdout())
            };
            let github = GithubReporter::new(log, summary, strict);
            sinks.errors.push(github.error.clone());
            sinks.fanout.sinks.push(Box::new(github));
        }
        sinks
    }

    /// A report file, or standard output for `-`.
    fn document<D: crate::report::Document + 'static>(&mut self, path: &Path, document: D) {
        if path == Path::new("-") {
            let reporter = StreamReporter::new(std::io::stdout(), document);
            self.errors.push(reporter.error.clone());
            self.fanout.sinks.push(Box::new(reporter));
        } else {
            self.file(FileReporter::new(path.to_owned(), document));
        }
    }

    /// The event stream as JSON lines, on standard output for `-`.
    fn events(&mut self, path: &Path) {
        let out: Box<dyn Write + Send> = if path == Path::new("-") {
            Box::new(std::io::stdout())
        } else {
            match std::fs::File::create(path) {
                Ok(f) => Box::new(std::io::LineWriter::new(f)),
                Err(e) => {
                    self.errors
                        .push(std::sync::Arc::new(std::sync::Mutex::new(Some(format!(
                            "cannot write {}: {e}",
                            path.display()
                        )))));
                    return;
                }
            }
        };
        let lines = EventLines::new(out);
        self.errors.push(lines.error.clone());
        self.fanout.sinks.push(Box::new(lines));
    }

    fn file<D: crate::report::Document + 'static>(&mut self, reporter: FileReporter<D>) {
        self.errors.push(reporter.error.clone());
        self.fanout.sinks.push(Box::new(reporter));
    }

    /// The first report that could not be written, as a harness error.
    pub fn check(&self) -> Result<(), HarnessError> {
        for slot in &self.errors {
            if let Some(e) = slot.lock().ok().and_then(|s| s.clone()) {
                return Err(HarnessError::Internal(e));
            }
        }
        Ok(())
    }
}
