//! Heroku sends nothing to a resource whose removal is still pending. Against a partner that
//! keeps each resource until its removal job sends actions/deprovision (answering a repeated
//! DELETE 202 and a plan change 409 meanwhile), no check sends a request for a uuid between the
//! 202 to its DELETE and the accepted deprovision action, and the run passes.

use std::collections::HashMap;
use std::sync::Arc;

use addon_conformance::record::events::Event;
use addon_conformance::record::outcome::Outcome;
use addon_conformance::record::{Exchange, Inbound, InboundKind};

use crate::common;

const SLOW_ROW: &str = "variant-async-deprovision-slow-row";

/// Every check's exchanges, and every inbound call, in the order they were reported.
fn traffic(events: &[Event]) -> (Vec<Arc<Exchange>>, Vec<Arc<Inbound>>) {
    let (mut exchanges, mut inbound) = (Vec::new(), Vec::new());
    for e in events {
        if let Event::Traffic {
            check: Some(_),
            exchanges: x,
            inbound: i,
        } = e
        {
            exchanges.extend(x.iter().cloned());
            inbound.extend(i.iter().cloned());
        }
    }
    (exchanges, inbound)
}

/// True when `x` is a request about the resource `uuid` (its path, or a body naming it).
fn concerns(x: &Exchange, uuid: &str) -> bool {
    x.request.url.contains(uuid) || x.request.body.as_deref().is_some_and(|b| b.contains(uuid))
}

#[test]
fn nothing_is_sent_to_a_resource_while_its_removal_is_pending() {
    let (outcome, recorder) = common::demo_recorded(&[SLOW_ROW]);
    let report = &outcome.report;
    assert!(
        report.ids(Outcome::Fail).is_empty() && report.ids(Outcome::Warn).is_empty(),
        "failed {:?}, warned {:?}",
        report.ids(Outcome::Fail),
        report.ids(Outcome::Warn)
    );
    let (exchanges, inbound) = traffic(&recorder.events);
    let mut actions: HashMap<&str, u64> = HashMap::new();
    for i in inbound
        .iter()
        .filter(|i| i.kind == InboundKind::DeprovisionAction && i.ok())
    {
        if let Some(uuid) = i.resource.as_deref() {
            actions.entry(uuid).or_insert(i.at_ms);
        }
    }
    let accepted: Vec<&Arc<Exchange>> = exchanges
        .iter()
        .filter(|x| x.request.method == "DELETE" && x.status() == Some(202))
        .collect();
    assert!(
        accepted.len() >= 3,
        "the variant answers every removal 202: {} seen",
        accepted.len()
    );
    let mut probed_after_removal = 0;
    for delete in &accepted {
        let uuid = delete
            .request
            .url
            .rsplit('/')
            .next()
            .expect("a resource path");
        let done = actions.get(uuid).copied();
        for x in exchanges
            .iter()
            .filter(|x| x.seq > delete.seq && concerns(x, uuid))
        {
            let at = done.unwrap_or_else(|| {
                panic!(
                    "{} was sent for {uuid}, whose removal never completed",
                    x.label
                )
            });
            assert!(
                x.started_ms >= at,
                "{} ({} ms) was sent for {uuid} while its removal was pending (action at {at} ms)",
                x.label,
                x.started_ms
            );
            probed_after_removal += 1;
        }
    }
    assert!(
        probed_after_removal >= 3,
        "the removed-resource probes ran: {probed_after_removal}"
    );
}
