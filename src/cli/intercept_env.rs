//! `intercept-env`: makes (or reuses) the interception CA and prints the `export` lines an
//! add-on started by hand needs (the body is `intercept::command`).

use crate::error::{HarnessError, exit};
use crate::intercept::command::{self, InterceptEnvArgs};

pub(super) fn run(args: &InterceptEnvArgs) -> Result<u8, HarnessError> {
    super::say(command::run(args)?.trim_end());
    Ok(exit::PASS)
}
