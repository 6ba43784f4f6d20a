//! `completions SHELL` and `man`: what a packaged command-line tool ships, generated from the
//! same clap definition that parses the arguments.

use clap::{Args, CommandFactory, ValueEnum};

use super::args::Cli;
use crate::error::{HarnessError, exit};

#[derive(Args)]
pub(super) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Clone, Copy, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

pub(super) fn completions(args: &CompletionsArgs) -> Result<u8, HarnessError> {
    use clap_complete::Shell as S;
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "addon-conformance", &mut out);
    write_out(&out)
}

pub(super) fn man() -> Result<u8, HarnessError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| HarnessError::Internal(format!("cannot render the man page: {e}")))?;
    write_out(&out)
}

fn write_out(bytes: &[u8]) -> Result<u8, HarnessError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (`| head`) is the reader's choice, not an error.
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
    Ok(exit::PASS)
}
