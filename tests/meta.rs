//! Meta-tests over the data in `suites/` and the check registry.

use std::collections::{BTreeSet, HashSet};

use addon_conformance::catalogue::{Catalogue, Side};
use addon_conformance::checks::REGISTRY;
use addon_conformance::suite;

#[test]
fn check_ids_are_unique() {
    let mut seen = HashSet::new();
    for c in REGISTRY {
        assert!(seen.insert(c.id), "duplicate check id {}", c.id);
        assert!(
            c.id == c.requirement || c.id.starts_with(&format!("{}.", c.requirement)),
            "{}: a check id is its requirement id, optionally with a .variant",
            c.id
        );
    }
}

#[test]
fn every_check_is_in_exactly_one_suite_and_suites_name_only_registered_checks() {
    let suites = suite::all().unwrap();
    let mut placed = Vec::new();
    for s in suites {
        for c in &s.checks {
            assert!(
                REGISTRY.iter().any(|r| r.id == c.id),
                "suite {} names unregistered check {}",
                s.name,
                c.id
            );
            placed.push(c.id.clone());
        }
    }
    for c in REGISTRY {
        let n = placed.iter().filter(|p| *p == c.id).count();
        assert_eq!(n, 1, "check {} is in {n} suites", c.id);
    }
}

#[test]
fn every_check_is_in_the_catalogue_with_its_level() {
    let cat = Catalogue::get().unwrap();
    for c in REGISTRY {
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

/// Internal markers that must never reach a partner: "new:" prefixes, section signs and open
/// question numbers of our notes, "seed" pages.
fn internal_marker(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    if lower.contains("new:") {
        return Some("new:");
    }
    if text.contains('§') {
        return Some("§");
    }
    if lower.contains("seed") {
        return Some("seed");
    }
    let bytes = text.as_bytes();
    for (i, w) in bytes.windows(2).enumerate() {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if boundary && w[0] == b'Q' && w[1].is_ascii_digit() {
            let digits: String = text[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let end = i + 1 + digits.len();
            let after_ok = bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
            if after_ok && digits.parse::<u32>().is_ok_and(|n| (1..=20).contains(&n)) {
                return Some("Q<n>");
            }
        }
    }
    None
}

#[test]
fn no_internal_markers_in_user_facing_catalogue_and_suite_text() {
    let cat = Catalogue::get().unwrap();
    let mut bad = Vec::new();
    for r in &cat.requirements {
        let texts = [Some(&r.statement), Some(&r.why), r.out_of_scope.as_ref()]
            .into_iter()
            .flatten()
            .chain(&r.causes)
            .chain(&r.sends)
            .chain(&r.passing_example);
        for t in texts {
            if let Some(m) = internal_marker(t) {
                bad.push(format!("{}: {m}: {t}", r.id));
            }
        }
    }
    for s in suite::all().unwrap() {
        for t in [&s.title, &s.description] {
            if let Some(m) = internal_marker(t) {
                bad.push(format!("suite {}: {m}: {t}", s.name));
            }
        }
    }
    for c in REGISTRY {
        if let Some(m) = internal_marker(c.title) {
            bad.push(format!("{}: {m}: {}", c.id, c.title));
        }
    }
    assert!(bad.is_empty(), "internal markers:\n{}", bad.join("\n"));
}

#[test]
fn the_marker_scan_finds_what_it_looks_for() {
    for t in ["new: x", "see §18", "seed 002", "(Q11)", "Q3;"] {
        assert!(internal_marker(t).is_some(), "{t}");
    }
    for t in ["Queue", "a Q&A", "QA1", "HTTP/1.1 200"] {
        assert!(internal_marker(t).is_none(), "{t}");
    }
}

#[test]
fn doc_links_point_to_the_dev_center_where_a_page_exists() {
    let cat = Catalogue::get().unwrap();
    for r in &cat.requirements {
        let url = cat.doc_url(r);
        assert!(
            url.starts_with("https://devcenter.heroku.com/"),
            "{}: {url} is not a Dev Center page",
            r.id
        );
    }
}
