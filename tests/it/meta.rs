//! Meta-tests over the data in `suites/` and the check registry.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::Path;

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

/// Helpers of the layout tests (a test module, so they may unwrap).
#[cfg(test)]
mod rooms {
    use super::*;

    /// The rooms (top-level modules) under `src/` each room's non-test code names with `crate::…`.
    pub fn room_imports() -> BTreeMap<String, BTreeSet<String>> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let rooms: BTreeSet<String> = fs::read_dir(&src)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
            .filter(|n| n != "lib" && n != "main")
            .collect();
        let mut graph = BTreeMap::new();
        for room in &rooms {
            let dir = src.join(room);
            let mut files = Vec::new();
            if dir.is_dir() {
                rust_files(&dir, &mut files);
            } else {
                files.push(src.join(format!("{room}.rs")));
            }
            let mut deps = BTreeSet::new();
            for file in files {
                let name = file
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                if name == "tests.rs" || name == "testing.rs" {
                    continue;
                }
                let text = fs::read_to_string(&file).unwrap();
                let code = text
                    .split("#[cfg(test)]\nmod tests")
                    .next()
                    .unwrap_or_default();
                for (at, _) in code.match_indices("crate::") {
                    if code[..at].ends_with('$')
                        || code[..at].ends_with(|c: char| c.is_alphanumeric())
                    {
                        continue;
                    }
                    let rest = &code[at + "crate::".len()..];
                    let ident: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    // `crate::check!` is a macro at the crate root, not the room.
                    if rest[ident.len()..].starts_with('!') {
                        continue;
                    }
                    if ident != *room && rooms.contains(&ident) {
                        deps.insert(ident);
                    }
                }
            }
            graph.insert(room.clone(), deps);
        }
        graph
    }

    pub fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Whether `to` is reachable from `from` in the room graph.
    pub fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(r) = todo.pop() {
            if r == to {
                return true;
            }
            if seen.insert(r.clone()) {
                todo.extend(graph.get(&r).into_iter().flatten().cloned());
            }
        }
        false
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
    for c in REGISTRY.iter() {
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
fn no_import_cycle_between_rooms() {
    let graph = rooms::room_imports();
    let mut cycles = Vec::new();
    for (room, deps) in &graph {
        for dep in deps {
            if rooms::reaches(&graph, dep, room) {
                cycles.push(format!("{room} → {dep} → … → {room}"));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles between rooms: {cycles:#?}"
    );
    // The rooms this layout is about.
    assert!(
        !rooms::reaches(&graph, "check", "checks"),
        "check must not import checks"
    );
    assert!(
        !rooms::reaches(&graph, "check", "runner"),
        "check must not import runner"
    );
    assert!(
        !rooms::reaches(&graph, "record", "partner"),
        "records must not import the client"
    );
}

#[test]
fn every_check_file_is_listed_in_its_suite() {
    let mut files = Vec::new();
    rooms::rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks"),
        &mut files,
    );
    let mut declared = 0;
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let Some(at) = text.find("crate::check!(") else {
            continue;
        };
        let id = text[at..].split('"').nth(1).unwrap_or_default();
        declared += 1;
        assert!(
            REGISTRY.iter().any(|c| c.id == id),
            "{}: check {id} is not in its suite's `suite!` list",
            file.display()
        );
    }
    assert_eq!(declared, REGISTRY.len());
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
