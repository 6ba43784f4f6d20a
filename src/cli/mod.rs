//! The command line: parses the arguments and dispatches to one file per command; maps results
//! to exit codes.

mod args;
mod catalogue_view;
mod cleanup;
mod completions;
mod exec;
pub mod handoff;
mod init;
mod inputs;
mod intercept_env;
mod plan_view;
mod preflight;
mod run;
mod serve;
mod signals;
mod sinks;
mod sso;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

use crate::error::{HarnessError, exit};

pub use args::LONG_VERSION;
pub use inputs::{DEFAULT_CONFIG, DEFAULT_MANIFEST};

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            note(&format!("error: cannot start the async runtime: {e}"));
            return ExitCode::from(exit::HARNESS);
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            note(&format!("error: {e}"));
            ExitCode::from(e.exit_code())
        }
    }
}

async fn dispatch(command: Command) -> Result<u8, HarnessError> {
    match command {
        Command::Run(args) => run::run(*args).await,
        Command::Exec(args) => exec::exec(*args).await,
        Command::Cleanup(args) => cleanup::cleanup(*args).await,
        Command::Demo(args) => run::demo(args).await,
        Command::ServeReference(args) => serve::serve(args).await,
        Command::Init(args) => init::write(&args),
        Command::Sso(args) => sso::sso(args).await,
        Command::Platform(args) => serve::platform(args).await,
        Command::List(args) => {
            say(catalogue_view::list(args.format)?.trim_end());
            Ok(exit::PASS)
        }
        Command::Explain { id } => {
            say(catalogue_view::explain(&id)?.trim_end());
            Ok(exit::PASS)
        }
        Command::InterceptEnv(args) => intercept_env::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
    }
}

/// Prints a line; a closed stdout (the reader went away) is not an error for a server.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// A line on stderr: errors and notes that must not mix with a command's output.
#[expect(
    clippy::print_stderr,
    reason = "the CLI reports errors and notes on stderr"
)]
fn note(line: &str) {
    eprintln!("{line}");
}
