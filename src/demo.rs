//! `demo`: the harness against the built-in reference partner, in one process. It goes through
//! the same manifest and config parsing as `run` against `serve-reference`.

use std::net::{Ipv4Addr, SocketAddr};

use crate::config::{Config, Overrides};
use crate::error::HarnessError;
use crate::manifest::Manifest;
use crate::record::events::EventSink;
use crate::reference::{FaultSet, ReferenceOptions, ReferencePartner};
use crate::runner::{self, RunControls, RunInputs, RunReport, Selection};

/// The result of a demo run, with what the reference partner still holds afterwards.
pub struct DemoOutcome {
    pub report: RunReport,
    /// Resources the reference partner still holds after the run's cleanup.
    pub live_after: usize,
    /// Secrets the reference partner used, for leak scans in tests.
    pub secrets: Vec<String>,
}

pub async fn run(
    faults: FaultSet,
    selection: Selection,
    sink: &mut dyn EventSink,
) -> Result<DemoOutcome, HarnessError> {
    run_with(faults, selection, RunControls::default(), sink).await
}

/// `run` with run controls (interrupt, `--fail-fast`, `--strict`, `--jobs`).
pub async fn run_with(
    faults: FaultSet,
    selection: Selection,
    controls: RunControls,
    sink: &mut dyn EventSink,
) -> Result<DemoOutcome, HarnessError> {
    run_against(
        faults,
        ReferenceOptions::default(),
        selection,
        controls,
        sink,
    )
    .await
}

/// `run_with` against a reference partner started with `options` (latency, grants never
/// exchanged).
pub async fn run_against(
    faults: FaultSet,
    options: ReferenceOptions,
    selection: Selection,
    controls: RunControls,
    sink: &mut dyn EventSink,
) -> Result<DemoOutcome, HarnessError> {
    let partner =
        ReferencePartner::start_with(faults, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), options)
            .await?;
    against(partner, Overrides::default(), selection, controls, sink).await
}

/// The demo with the reference partner calling `https://id.heroku.com` and
/// `https://api.heroku.com` directly, as real add-ons do, and the run intercepting them: the
/// CA is made in `dir` first, so the partner's client trusts it, and the proxy gets a free
/// loopback port the partner is told.
pub async fn run_hardcoded(
    faults: FaultSet,
    selection: Selection,
    controls: RunControls,
    dir: &std::path::Path,
    sink: &mut dyn EventSink,
) -> Result<DemoOutcome, HarnessError> {
    crate::tls::install_provider();
    let ca = crate::intercept::CertAuthority::load_or_create(dir)?;
    let proxy = free_loopback_port()?;
    let reach = crate::reference::HerokuReach {
        proxy: format!("http://{proxy}"),
        ca_pem: Some(ca.ca_pem().as_bytes().to_vec()),
    };
    let options = crate::reference::ReferenceOptions {
        heroku: Some(reach),
        ..crate::reference::ReferenceOptions::default()
    };
    let partner =
        ReferencePartner::start_with(faults, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), options)
            .await?;
    let overrides = Overrides {
        intercept: true,
        intercept_proxy: Some(proxy),
        intercept_dir: Some(dir.to_owned()),
        intercept_no_java: true,
        ..Overrides::default()
    };
    against(partner, overrides, selection, controls, sink).await
}

/// A loopback address with a port free a moment ago.
fn free_loopback_port() -> Result<SocketAddr, HarnessError> {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map_err(|e| HarnessError::Internal(format!("no free loopback port: {e}")))
}

async fn against(
    partner: ReferencePartner,
    overrides: Overrides,
    selection: Selection,
    controls: RunControls,
    sink: &mut dyn EventSink,
) -> Result<DemoOutcome, HarnessError> {
    let manifest = Manifest::parse(&partner.manifest_text(), "reference addon-manifest.json")?;
    let config = Config::parse(&partner.config_text(), "reference config")?;
    let result = runner::run(
        RunInputs {
            manifest,
            config,
            config_source: "reference config".into(),
            overrides,
            selection,
            controls,
        },
        sink,
    )
    .await;
    let live_after = partner.live_resources();
    let secrets = partner.secrets();
    partner.stop().await;
    Ok(DemoOutcome {
        report: result?,
        live_after,
        secrets,
    })
}
