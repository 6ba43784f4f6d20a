//! The reporters of a run: the terminal always, files on request, GitHub Actions when it runs us.

use std::io::IsTerminal;

use super::args::{ColorChoice, OutputArgs};
use crate::config::env::Environment;
use crate::error::HarnessError;
use crate::record::events::Fanout;
use crate::report::file::ErrorSlot;
use crate::report::{
    FileReporter, GithubReporter, HarReport, HtmlReport, JsonReport, JunitReport, TerminalReporter,
};

/// The sinks of one run, and the error slots of the files they write.
pub struct Sinks {
    pub fanout: Fanout,
    errors: Vec<ErrorSlot>,
}

impl Sinks {
    /// `strict`: warnings fail (JUnit shows them as failures).
    pub fn new(output: &OutputArgs, strict: bool, env: &Environment) -> Self {
        let terminal = std::io::stdout().is_terminal();
        let color = match output.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !env.no_color,
        };
        let mut sinks = Self {
            fanout: Fanout::default(),
            errors: Vec::new(),
        };
        sinks.fanout.sinks.push(Box::new(
            TerminalReporter::new(std::io::stdout(), color)
                .with_progress(terminal)
                .with_github(env.github_actions),
        ));
        if let Some(path) = &output.report_json {
            sinks.file(FileReporter::new(path.clone(), JsonReport::default()));
        }
        if let Some(path) = &output.report_junit {
            sinks.file(FileReporter::new(path.clone(), JunitReport::new(strict)));
        }
        if let Some(path) = &output.report_har {
            sinks.file(FileReporter::new(path.clone(), HarReport::default()));
        }
        if let Some(path) = &output.report_html {
            sinks.file(FileReporter::new(path.clone(), HtmlReport::default()));
        }
        if env.github_actions {
            let summary = env.github_step_summary.clone();
            let github = GithubReporter::new(std::io::stdout(), summary, strict);
            sinks.errors.push(github.error.clone());
            sinks.fanout.sinks.push(Box::new(github));
        }
        sinks
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
