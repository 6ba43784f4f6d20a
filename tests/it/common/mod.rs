//! Helpers shared by the integration tests.

pub mod sso_page;
pub mod synthetic;

use addon_conformance::demo::DemoOutcome;
use addon_conformance::record::events::Recorder;
use addon_conformance::reference::FaultSet;
use addon_conformance::runner::Selection;

/// Runs every suite against the reference partner with `faults`, recording every event.
pub fn demo_recorded(faults: &[&str]) -> (DemoOutcome, Recorder) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let names: Vec<String> = faults.iter().map(|s| s.to_string()).collect();
    let mut recorder = Recorder::default();
    let outcome = runtime
        .block_on(addon_conformance::demo::run(
            FaultSet::parse(&names).expect("known faults"),
            Selection::default(),
            &mut recorder,
        ))
        .expect("demo runs");
    (outcome, recorder)
}
