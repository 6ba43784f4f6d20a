//! Meta-tests over the data in `suites/` and the check registry.

use std::collections::{BTreeSet, HashSet};

use addon_conformance::catalogue::{Catalogue, Side};
use addon_conformance::checks::REGISTRY;
use addon_conformance::suite;

#[test]
fn check_ids_are_unique() {
    let mut seen = HashSet::new();
    for c in REGISTRY.iter() {
        assert!(seen.insert(c.id), "duplicate check id {}", c.id);
        assert!(
            c.id == c.requirement || c.id.starts_with(&format!("{}.", c.requirement)),
            "{}: a check id is its requirement id, optionally with a .variant",
            c.id
        );
    }
}

#[test]
fn every_check_is_in_exactly_one_suite_and_every_code_suite_has_a_file() {
    let suites = suite::all().unwrap();
    let mut placed = Vec::new();
    for s in suites {
        for c in s.checks {
            placed.push(c.id);
        }
    }
    for (name, _) in addon_conformance::checks::SUITES {
        assert!(
            suites.iter().any(|s| s.name == *name),
            "suite `{name}` lists checks in src/checks but has no file in suites/"
        );
    }
    for c in REGISTRY.iter() {
        let n = placed.iter().filter(|p| **p == c.id).count();
        assert_eq!(n, 1, "check {} is in {n} suites", c.id);
    }
}

#[test]
fn every_check_is_in_the_catalogue_with_its_level() {
    let cat = Catalogue::get().unwrap();
    for c in REGISTRY.iter() {
        let r = cat.requirement(c.requirement).unwrap_or_else(|| {
            panic!(
                "{}: requirement {} not in the catalogue",
                c.id, c.requirement
            )
        });
        assert_eq!(
            r.level, c.level,
            "{}: level differs from the catalogue",
            c.id
        );
        assert_eq!(
            r.side,
            Side::Partner,
            "{}: checks verify partner-side rules",
            c.id
        );
        assert!(
            r.out_of_scope.is_none(),
            "{}: has a check but is marked out of scope",
            r.id
        );
        assert!(!cat.doc_url(r).is_empty(), "{}: no doc link", r.id);
    }
}

#[test]
fn every_partner_requirement_has_a_check_or_a_reason() {
    let cat = Catalogue::get().unwrap();
    let checked: BTreeSet<&str> = REGISTRY.iter().map(|c| c.requirement).collect();
    for r in cat.requirements.iter().filter(|r| r.side == Side::Partner) {
        let reason = r.out_of_scope.as_deref().unwrap_or_default();
        assert!(
            checked.contains(r.id.as_str()) || !reason.trim().is_empty(),
            "{} has neither a check nor an out_of_scope reason",
            r.id
        );
    }
}

#[test]
fn requirement_ids_follow_the_scheme() {
    let cat = Catalogue::get().unwrap();
    let mut seen = HashSet::new();
    for r in &cat.requirements {
        assert!(seen.insert(&r.id), "duplicate {}", r.id);
        let (area, num) = r.id.split_once('-').expect("AREA-NN");
        assert!(area.chars().all(|c| c.is_ascii_uppercase()), "{}", r.id);
        assert!(
            num.len() == 2 && num.chars().all(|c| c.is_ascii_digit()),
            "{}",
            r.id
        );
        assert!(!r.statement.is_empty() && !r.why.is_empty(), "{}", r.id);
    }
}

#[test]
fn suites_are_ordered_and_blockers_exist() {
    let suites = suite::all().unwrap();
    let mut names = HashSet::new();
    for s in suites {
        assert!(names.insert(&s.name), "duplicate suite {}", s.name);
        for b in &s.blocked_by {
            assert!(
                REGISTRY.iter().any(|c| c.id == b),
                "{}: blocked_by unknown {b}",
                s.name
            );
        }
    }
}
