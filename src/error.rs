//! Harness errors: problems with our inputs or with the harness itself. A partner that misbehaves
//! is never an error here; that is report data (see `outcome`).

use std::path::PathBuf;

/// Exit codes documented in the README.
pub mod exit {
    /// Every MUST requirement passed.
    pub const PASS: u8 = 0;
    /// The partner failed at least one check.
    pub const PARTNER_FAILED: u8 = 1;
    /// Usage, config or manifest error; also a run that executed no check.
    pub const INPUT: u8 = 2;
    /// Harness error.
    pub const HARNESS: u8 = 3;
    /// Interrupted by SIGINT or SIGTERM (after cleanup); 128 + SIGINT, as shells report it.
    pub const INTERRUPTED: u8 = 130;
}

#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A bad input file: names the file, the field and the fix.
    #[error("{file}: {field}: {problem}\n  fix: {fix}")]
    Input {
        file: String,
        field: String,
        problem: String,
        fix: String,
    },
    /// Bad command-line usage that clap could not catch.
    #[error("{problem}\n  fix: {fix}")]
    Usage { problem: String, fix: String },
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A defect or an environment problem inside the harness.
    #[error("harness error: {0}")]
    Internal(String),
}

impl HarnessError {
    pub fn input(
        file: impl Into<String>,
        field: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::Input {
            file: file.into(),
            field: field.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub fn usage(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::Usage {
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Input { .. } | Self::Usage { .. } => exit::INPUT,
            Self::Io { .. } | Self::Internal(_) => exit::HARNESS,
        }
    }
}
