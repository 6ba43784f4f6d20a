//! Failures grouped by root cause and blocked cascades folded per cause: the terminal's summary
//! and the HTML and GitHub summaries share these groupings. Pure functions over results.

use crate::record::outcome::{CheckResult, Outcome};

/// Checks that failed (or warned, or errored) for one cause.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    /// What went wrong, in one line (a transport error, a hint, or the requirement's text).
    pub text: String,
    pub ids: Vec<String>,
}

/// Checks blocked by one prerequisite.
#[derive(Debug, Clone, PartialEq)]
pub struct Blockage {
    /// The check or requirement ID that blocked them, when the reason names one.
    pub by: Option<String>,
    pub reason: String,
    pub ids: Vec<String>,
}

/// The one-line cause of a failure: a transport error shared by many checks (nothing answered),
/// else the hint (the fix several checks share), else the observation.
pub fn cause_of(r: &CheckResult) -> String {
    let e = &r.evidence;
    if let Some(err) = e.exchanges.iter().find_map(|x| x.error.as_deref()) {
        return format!("no answer: {}", first_line(err));
    }
    if let Some(status) = e
        .exchanges
        .first()
        .and_then(|x| x.status())
        .filter(|s| *s == 401 || *s == 403 || *s >= 500)
        && e.exchanges.iter().all(|x| x.status() == Some(status))
    {
        let manifest_credentials = e
            .exchanges
            .iter()
            .all(|x| x.request.credentials == crate::partner::Credentials::Manifest);
        if status == 401 && manifest_credentials {
            return "every request with your manifest's id and api.password was answered 401: check that the add-on expects this password (ADDON_PASSWORD replaces the manifest's)".to_owned();
        }
        return format!("every request was answered {status}");
    }
    if let Some(h) = &e.hint {
        return first_line(h).to_owned();
    }
    first_line(e.observed.as_deref().unwrap_or(&r.message)).to_owned()
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Failures, warnings and errors grouped by cause, largest group first (ties in run order).
pub fn failure_causes(results: &[CheckResult]) -> Vec<Cause> {
    let mut out: Vec<Cause> = Vec::new();
    for r in results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error))
    {
        let text = match r.outcome {
            Outcome::Error => format!("harness error: {}", first_line(&r.message)),
            _ => cause_of(r),
        };
        match out.iter_mut().find(|c| c.text == text) {
            Some(c) => c.ids.push(r.id.clone()),
            None => out.push(Cause {
                text,
                ids: vec![r.id.clone()],
            }),
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.ids.len()));
    out
}

/// Blocked checks folded per root cause, largest first: checks blocked by the same check (or
/// condition of the run, such as `partner-gone`) are one group, and a check blocked by a check
/// that was itself blocked counts towards that one's cause (`DEPROV-01.repeat` blocked by
/// `DEPROV-02`, blocked by `PROV-02`: all under `PROV-02`). The cause is the root cause a result
/// carries (`blocked_by`) when it has one, else the first check its reason names; without either,
/// the reason text is the cause.
pub fn blockages(results: &[CheckResult]) -> Vec<Blockage> {
    let mut out: Vec<Blockage> = Vec::new();
    for r in results.iter().filter(|r| r.outcome == Outcome::Blocked) {
        let by = root_cause(results, r);
        let same = |b: &&mut Blockage| match (&b.by, &by) {
            (Some(a), Some(c)) => a == c,
            (None, None) => b.reason == r.message,
            _ => false,
        };
        match out.iter_mut().find(same) {
            Some(b) => b.ids.push(r.id.clone()),
            None => out.push(Blockage {
                reason: reason_of(results, r, by.as_deref()),
                by,
                ids: vec![r.id.clone()],
            }),
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.ids.len()));
    out
}

/// What a group's line says: the root cause's own text when the result carries it, else that the
/// root check did not pass (when the reason names another check), else the reason.
fn reason_of(results: &[CheckResult], r: &CheckResult, root: Option<&str>) -> String {
    if let Some(c) = r
        .blocked_by
        .as_ref()
        .filter(|c| root == Some(c.id.as_str()))
    {
        return c.text.clone();
    }
    root.and_then(|id| results.iter().find(|x| x.id == id))
        .filter(|x| x.id != r.id && named_id(&r.message) != Some(x.id.clone()))
        .map_or_else(
            || r.message.clone(),
            |x| {
                format!(
                    "{} did not pass ({})",
                    x.id,
                    x.outcome.label().to_lowercase()
                )
            },
        )
}

/// What the terminal folds a blocked result's line by: its root cause's id when it carries one,
/// else its reason.
pub fn blocked_key(r: &CheckResult) -> String {
    match &r.blocked_by {
        Some(c) => format!("blocked by {}", c.id),
        None => r.message.clone(),
    }
}

/// The check or condition a blocked result names as its cause.
fn cause_id(r: &CheckResult) -> Option<String> {
    match &r.blocked_by {
        Some(c) => Some(c.id.clone()),
        None => named_id(&r.message),
    }
}

/// The check at the root of a blocked chain, as far as the results name their causes.
fn root_cause(results: &[CheckResult], blocked: &CheckResult) -> Option<String> {
    let mut by = cause_id(blocked)?;
    for _ in 0..results.len() {
        match results
            .iter()
            .find(|x| x.id == by && x.outcome == Outcome::Blocked)
            .and_then(cause_id)
        {
            Some(next) if next != by => by = next,
            _ => break,
        }
    }
    Some(by)
}

/// The first check or requirement ID a text names (`PROV-02`, `AUTH-02.username`).
pub fn named_id(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .map(|w| w.trim_end_matches('.'))
        .find(|w| {
            w.split_once('-').is_some_and(|(a, b)| {
                a.len() >= 2
                    && a.chars().all(|c| c.is_ascii_uppercase())
                    && b.starts_with(|c: char| c.is_ascii_digit())
            })
        })
        .map(str::to_owned)
}

impl Blockage {
    /// `51 checks blocked by PROV-02: prerequisite PROV-02 did not pass (fail)`.
    pub fn line(&self) -> String {
        let n = self.ids.len();
        let checks = if n == 1 { "check" } else { "checks" };
        match &self.by {
            Some(by) => format!("{n} {checks} blocked by {by}: {}", self.reason),
            None => format!("{n} {checks} blocked: {}", self.reason),
        }
    }
}

/// IDs as a short list: the first few, then how many more.
pub fn short_list(ids: &[String]) -> String {
    const SHOWN: usize = 6;
    if ids.len() <= SHOWN {
        ids.join(", ")
    } else {
        format!(
            "{}, … and {} more",
            ids[..SHOWN].join(", "),
            ids.len() - SHOWN
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::catalogue::Level;
    use crate::record::outcome::Evidence;

    pub(crate) fn result(id: &str, outcome: Outcome, message: &str) -> CheckResult {
        CheckResult {
            id: id.into(),
            suite: "s".into(),
            title: format!("title of {id}"),
            requirement: id.into(),
            requirement_text: String::new(),
            level: Level::Must,
            outcome,
            message: message.into(),
            doc: String::new(),
            duration_ms: 1.0,
            evidence: Evidence::default(),
            partner_log: Vec::new(),
            latency: None,
            blocked_by: None,
        }
    }

    #[test]
    fn blocked_checks_fold_into_one_line_per_cause() {
        let why = "prerequisite PROV-02 did not pass (fail)";
        let mut results: Vec<_> = (0..51)
            .map(|i| result(&format!("X-{i:02}"), Outcome::Blocked, why))
            .collect();
        results.push(result("Y-01", Outcome::Blocked, "no rotation took place"));
        let b = blockages(&results);
        assert_eq!(b.len(), 2);
        assert_eq!(
            b[0].line(),
            "51 checks blocked by PROV-02: prerequisite PROV-02 did not pass (fail)"
        );
        assert_eq!(b[1].line(), "1 check blocked: no rotation took place");
    }

    #[test]
    fn failures_with_one_cause_are_grouped() {
        let mut a = result("A-01", Outcome::Fail, "x");
        a.evidence.hint = Some("send the config vars your manifest declares".into());
        let mut b = result("B-01", Outcome::Warn, "y");
        b.evidence.hint = a.evidence.hint.clone();
        let c = result("C-01", Outcome::Fail, "something else");
        let causes = failure_causes(&[c, a, b]);
        assert_eq!(causes[0].ids, ["A-01", "B-01"]);
        assert_eq!(causes[1].text, "something else");
    }

    #[test]
    fn a_chain_of_blocked_checks_counts_towards_its_root() {
        let results = vec![
            result("PROV-02", Outcome::Fail, "refused"),
            result(
                "A-01",
                Outcome::Blocked,
                "`primary` could not be provisioned (see PROV-02)",
            ),
            result(
                "A-02",
                Outcome::Blocked,
                "`async` could not be provisioned (see PROV-02)",
            ),
            result(
                "DEPROV-02",
                Outcome::Blocked,
                "`primary` could not be provisioned (see PROV-02)",
            ),
            result(
                "DEPROV-01",
                Outcome::Blocked,
                "needs the removal made by DEPROV-02",
            ),
        ];
        let b = blockages(&results);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].ids.len(), 4);
        assert_eq!(
            b[0].line(),
            "4 checks blocked by PROV-02: `primary` could not be provisioned (see PROV-02)"
        );
    }

    #[test]
    fn blocked_checks_fold_by_the_root_cause_they_carry() {
        use crate::record::outcome::RootCause;
        let gone = RootCause::new("partner-gone", "the add-on stopped answering after GEN-01");
        let mut results = vec![result("PROV-02", Outcome::Fail, "refused")];
        for (id, why) in [
            ("A-01", "not run: the add-on went away"),
            ("B-01", "no answer (see GEN-01)"),
        ] {
            let mut r = result(id, Outcome::Blocked, why);
            r.blocked_by = Some(gone.clone());
            results.push(r);
        }
        let mut c = result(
            "C-01",
            Outcome::Blocked,
            "not run: cannot reach your add-on",
        );
        c.blocked_by = Some(RootCause::new(
            "PROV-02",
            "cannot reach your add-on at http://x/",
        ));
        results.push(c);
        let b = blockages(&results);
        assert_eq!(b.len(), 2, "{b:?}");
        assert_eq!(
            b[0].line(),
            "2 checks blocked by partner-gone: the add-on stopped answering after GEN-01"
        );
        assert_eq!(
            b[1].line(),
            "1 check blocked by PROV-02: cannot reach your add-on at http://x/"
        );
        assert_eq!(blocked_key(&results[1]), blocked_key(&results[2]));
    }

    #[test]
    fn named_ids_are_found() {
        assert_eq!(
            named_id("prerequisite PROV-02 did not pass").as_deref(),
            Some("PROV-02")
        );
        assert_eq!(named_id("(see MAN-13)").as_deref(), Some("MAN-13"));
        assert_eq!(named_id("no id here, x-1").as_deref(), None);
    }
}
