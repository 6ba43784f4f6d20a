//! An interrupt during a long wait: the waiting check ends at once as interrupted (blocked, not
//! failed), no later check runs, and the cleanup still removes everything.

use std::net::{Ipv4Addr, SocketAddr};

use addon_conformance::config::{Config, Overrides};
use addon_conformance::manifest::Manifest;
use addon_conformance::record::events::{Event, EventSink, Recorder};
use addon_conformance::record::outcome::Outcome;
use addon_conformance::reference::{FaultSet, ReferencePartner};
use addon_conformance::runner::{self, Interrupt, RunControls, RunInputs, Selection};

/// Triggers the interrupt as soon as the run yields after `check` started (the check is then
/// waiting: its resource exists already).
struct InterruptDuring {
    check: &'static str,
    interrupt: Interrupt,
    recorder: Recorder,
}

impl EventSink for InterruptDuring {
    fn emit(&mut self, event: &Event) {
        if let Event::CheckStarted { id, .. } = event
            && id == self.check
        {
            let interrupt = self.interrupt.clone();
            tokio::spawn(async move { interrupt.trigger() });
        }
        self.recorder.emit(event);
    }
}

#[test]
fn an_interrupt_cuts_an_hour_long_wait_short() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let faults = FaultSet::parse(&["async-never-completes".to_owned()]).unwrap();
        let partner = ReferencePartner::start(faults, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .unwrap();
        let text = partner
            .config_text()
            .replace("provision_action = \"3s\"", "provision_action = \"1h\"");
        let interrupt = Interrupt::new();
        let mut sink = InterruptDuring {
            check: "ASYNC-03",
            interrupt: interrupt.clone(),
            recorder: Recorder::default(),
        };
        let report = runner::run(
            RunInputs {
                manifest: Manifest::parse(&partner.manifest_text(), "m").unwrap(),
                config: Config::parse(&text, "c").unwrap(),
                config_source: "c".into(),
                overrides: Overrides::default(),
                selection: Selection::default(),
                controls: RunControls {
                    interrupt,
                    jobs: Some(1),
                    ..RunControls::default()
                },
            },
            &mut sink,
        )
        .await
        .unwrap();
        let last = report.results.last().unwrap();
        assert_eq!(last.id, "ASYNC-03");
        assert_eq!(last.outcome, Outcome::Blocked, "{}", last.message);
        assert!(last.message.starts_with("interrupted"), "{}", last.message);
        assert_eq!(report.stopped.as_deref(), Some("interrupted"));
        assert_eq!(report.exit_code, 130);
        assert!(report.leftovers.is_empty(), "{:?}", report.leftovers);
        assert_eq!(partner.live_resources(), 0);
        partner.stop().await;
    });
}
