//! The faults-to-behaviour map.

use super::*;
use crate::reference::faults::ALL;

/// A fault without a knob would change nothing: for a `variant-*` the fault zoo could not
/// tell.
#[test]
fn every_fault_changes_the_behaviour() {
    let conformant = Behaviour::of(&FaultSet::default());
    let inert: Vec<&str> = ALL
        .iter()
        .filter(|(fault, _, _)| Behaviour::of(&[*fault].into_iter().collect()) == conformant)
        .map(|(_, name, _)| *name)
        .collect();
    assert!(inert.is_empty(), "faults that change nothing: {inert:?}");
}

#[test]
fn the_conformant_partner_guards_its_routes_and_not_sso() {
    let b = Behaviour::of(&FaultSet::default());
    assert_eq!(b.provision.guard, Guard::Basic);
    assert_eq!(b.plans.guard, Guard::Basic);
    assert_eq!(b.deprovision.guard, Guard::Basic);
    assert_eq!(b.sso.guard, Guard::Open);
    assert_eq!(b.sso.dashboard, Dashboard::Session);
    assert_eq!(b.auth.refusal, StatusCode::UNAUTHORIZED);
}
