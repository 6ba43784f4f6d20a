//! The body of `addon-conformance intercept-env`: makes (or reuses) the interception CA in a
//! directory and returns the shell `export` lines an add-on started by hand needs, so it can be
//! set up before a run that uses the same directory and proxy address.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::CertAuthority;
use super::env::{InterceptEnv, Java};
use crate::error::HarnessError;

/// Where the CA and its files go unless `--intercept-dir` says otherwise.
pub const DEFAULT_DIR: &str = ".addon-conformance/intercept";

/// `intercept-env` options.
#[derive(Debug, Clone, clap::Args)]
pub struct InterceptEnvArgs {
    /// The directory holding the run's CA (made when missing); give a run the same one.
    #[arg(long = "intercept-dir", env = "ADDON_INTERCEPT_DIR", default_value = DEFAULT_DIR)]
    pub dir: PathBuf,
    /// The loopback address the run's proxy will listen on (e.g. 127.0.0.1:8089).
    #[arg(long = "intercept-proxy", env = "ADDON_INTERCEPT_PROXY")]
    pub proxy: SocketAddr,
    /// Do not make a Java trust store (skips running keytool).
    #[arg(long)]
    pub no_java: bool,
}

/// The export lines for `args`; the caller prints them.
pub fn run(args: &InterceptEnvArgs) -> Result<String, HarnessError> {
    if !args.proxy.ip().is_loopback() || args.proxy.port() == 0 {
        return Err(HarnessError::usage(
            format!(
                "--intercept-proxy {} is not a loopback address with a port",
                args.proxy
            ),
            "give the address the run's proxy will listen on, such as 127.0.0.1:8089",
        ));
    }
    crate::tls::install_provider();
    let ca = CertAuthority::load_or_create(&args.dir)?;
    let java = if args.no_java {
        Java::Skip
    } else {
        Java::TrustStore
    };
    let env = InterceptEnv::prepare(&ca, args.proxy, java)?;
    Ok(format!(
        "# addon-conformance interception: CA {}\n# start the run with --intercept-dir {} \
         --intercept-proxy {}\n{}",
        env.ca.display(),
        args.dir.display(),
        args.proxy,
        env.exports()
    ))
}
