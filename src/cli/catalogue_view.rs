//! `list` and `explain`: the catalogue and the suites as text, JSON or Markdown.

use serde_json::json;

use super::args::ListFormat;
use crate::catalogue::{Catalogue, Side};
use crate::checks;
use crate::error::HarnessError;
use crate::suite;

pub(crate) fn list(format: ListFormat) -> Result<String, HarnessError> {
    let cat = Catalogue::get()?;
    let suites = suite::all()?;
    let statement = |req: &str| {
        cat.requirement(req)
            .map(|r| r.statement.clone())
            .unwrap_or_default()
    };
    let doc = |req: &str| {
        cat.requirement(req)
            .map(|r| cat.doc_url(r).to_owned())
            .unwrap_or_default()
    };
    Ok(match format {
        ListFormat::Json => {
            let suites: Vec<_> = suites
                .iter()
                .map(|s| {
                    let checks: Vec<_> = s
                        .checks
                        .iter()
                        .filter_map(|c| checks::find(c.id))
                        .map(|c| json!({"id": c.id, "requirement": c.requirement, "level": c.level, "title": c.title, "statement": statement(c.requirement), "doc": doc(c.requirement)}))
                        .collect();
                    json!({"name": s.name, "title": s.title, "description": s.description, "requires": s.requires, "checks": checks})
                })
                .collect();
            let value = json!({"suites": suites, "requirements": cat.requirements});
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )
        }
        ListFormat::Md => {
            let mut out =
                String::from("| suite | check | level | title |\n| --- | --- | --- | --- |\n");
            for s in suites {
                for c in s.checks.iter().filter_map(|c| checks::find(c.id)) {
                    out.push_str(&format!(
                        "| {} | {} | {} | {} |\n",
                        s.name, c.id, c.level, c.title
                    ));
                }
            }
            out
        }
        ListFormat::Human => {
            let mut out = String::new();
            for s in suites {
                let needs = if s.requires.is_empty() {
                    String::new()
                } else {
                    format!(" (needs {})", s.requires.join(", "))
                };
                out.push_str(&format!("{} — {}{needs}\n", s.name, s.title));
                for c in s.checks.iter().filter_map(|c| checks::find(c.id)) {
                    out.push_str(&format!("  {:<22} {:<6} {}\n", c.id, c.level, c.title));
                }
            }
            out
        }
    })
}

pub(crate) fn explain(id: &str) -> Result<String, HarnessError> {
    let cat = Catalogue::get()?;
    let check = checks::REGISTRY
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(id));
    let req_id = check.map(|c| c.requirement).unwrap_or(id);
    let Some(r) = cat
        .requirements
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(req_id))
    else {
        let known: Vec<&str> = cat
            .requirements
            .iter()
            .map(|r| r.id.as_str())
            .chain(checks::REGISTRY.iter().map(|c| c.id))
            .collect();
        let fix = match crate::runner::selection::suggest(id, &known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "`addon-conformance list` shows every check".to_owned(),
        };
        return Err(HarnessError::usage(
            format!("unknown requirement or check `{id}`"),
            fix,
        ));
    };
    let mut out = format!("{} [{}] {}\n\n", r.id, r.level, r.statement);
    out.push_str(&format!("why it matters: {}\n", r.why));
    if !r.causes.is_empty() {
        out.push_str("common causes:\n");
        for c in &r.causes {
            out.push_str(&format!("  - {c}\n"));
        }
    }
    out.push_str(&format!("docs: {}\n", cat.doc_url(r)));
    if r.ours {
        out.push_str(
            "this rule is the harness's reading of robust handling, beyond what the documentation states\n",
        );
    }
    out.push_str(&sends_and_example(r, check.map(|c| c.id)));
    match r.side {
        Side::Heroku => {
            out.push_str("Heroku's side: the harness reproduces it; no partner check\n")
        }
        Side::Partner => {
            let ids: Vec<&str> = checks::REGISTRY
                .iter()
                .filter(|c| c.requirement == r.id)
                .map(|c| c.id)
                .collect();
            if ids.is_empty() {
                out.push_str(&format!(
                    "not checked: {}\n",
                    r.out_of_scope.as_deref().unwrap_or("no reason recorded")
                ));
            } else {
                out.push_str(&format!("checked by: {}\n", ids.join(", ")));
            }
        }
    }
    Ok(out)
}

/// What the check sends and an answer that passes: from the catalogue, or else from the suite
/// that runs the check.
fn sends_and_example(r: &crate::catalogue::Requirement, check: Option<&str>) -> String {
    let mut out = String::new();
    let sends = r.sends.clone().or_else(|| {
        let suites = suite::all().ok()?;
        let id = check.or_else(|| {
            checks::REGISTRY
                .iter()
                .find(|c| c.requirement == r.id)
                .map(|c| c.id)
        })?;
        suites
            .iter()
            .find(|s| s.checks.iter().any(|c| c.id == id))
            .map(|s| format!("as part of the {} suite: {}", s.name, s.description))
    });
    if let Some(sends) = sends {
        out.push_str(&format!("sends: {sends}\n"));
    }
    if let Some(example) = &r.passing_example {
        out.push_str(&format!("passes, e.g.: {example}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_says_what_is_sent_and_what_passes_without_internal_markers() {
        let text = explain("PROV-02").unwrap();
        assert!(text.contains("sends: POST"), "{text}");
        assert!(text.contains("passes, e.g.: HTTP/1.1 200"), "{text}");
        for r in &Catalogue::get().unwrap().requirements {
            let text = explain(&r.id).unwrap();
            for marker in ["seed", "§", "new:"] {
                assert!(!text.contains(marker), "{}: {marker} in {text}", r.id);
            }
        }
    }

    #[test]
    fn every_checked_requirement_says_what_it_sends() {
        for c in checks::REGISTRY.iter() {
            let text = explain(c.id).unwrap();
            assert!(text.contains("sends: "), "{}: {text}", c.id);
        }
    }
}
