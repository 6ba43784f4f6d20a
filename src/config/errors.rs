//! Config parse errors as a partner reads them: the dotted key (`timeouts.request`) and its
//! line, the closest known key for a typo, and a fix that points to `addon-conformance init`.

use crate::error::HarnessError;

/// Where a freshly commented config comes from.
pub const INIT_FIX: &str = "`addon-conformance init` writes a commented config with every key";

/// Turns a TOML/serde error into an input error naming the key.
pub fn describe(e: &toml::de::Error, text: &str, source: &str) -> HarnessError {
    let message = e.message().trim().to_owned();
    let located = e.span().map(|s| locate(text, s.start.min(text.len())));
    let field = match &located {
        Some(l) => format!("{} (line {})", l.key, l.line),
        None => "(document)".to_owned(),
    };
    let fix = match unknown_field(&message) {
        Some((typo, known)) => match closest(&typo, &known) {
            Some(best) => format!("did you mean `{best}`? {INIT_FIX}"),
            None => format!("known keys here: {}; {INIT_FIX}", known.join(", ")),
        },
        None => format!("write the value in the form the message shows; {INIT_FIX}"),
    };
    HarnessError::input(source, field, message, fix)
}

/// The dotted key at a byte offset, and its 1-based line.
struct Located {
    key: String,
    line: usize,
}

fn locate(text: &str, at: usize) -> Located {
    let line_no = text[..at].matches('\n').count();
    let lines: Vec<&str> = text.lines().collect();
    let header = |l: &str| {
        let t = l.trim();
        (t.starts_with('[') && !t.starts_with("[["))
            .then(|| t.trim_matches(['[', ']']).trim().to_owned())
            .filter(|h| !h.is_empty())
    };
    let here = lines.get(line_no).copied().unwrap_or_default();
    if let Some(h) = header(here) {
        return Located {
            key: h,
            line: line_no + 1,
        };
    }
    let table = lines[..line_no.min(lines.len())]
        .iter()
        .rev()
        .find_map(|l| header(l));
    let key = here
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_owned())
        .filter(|k| !k.is_empty());
    let key = match (table, key) {
        (Some(t), Some(k)) => format!("{t}.{k}"),
        (Some(t), None) => t,
        (None, Some(k)) => k,
        (None, None) => "(document)".to_owned(),
    };
    Located {
        key,
        line: line_no + 1,
    }
}

/// "unknown field `defualt`, expected one of `default`, `upgrade`" → the typo and the keys.
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (typo, rest) = rest.split_once('`')?;
    let known = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((typo.to_owned(), known))
}

/// The known key nearest to `typo`, if it is near enough to be what was meant.
pub fn closest(typo: &str, known: &[String]) -> Option<String> {
    known
        .iter()
        .map(|k| (distance(typo, k), k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

/// Optimal string alignment distance (Levenshtein with adjacent swaps).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn typos_find_their_key() {
        let plans = keys(&["default", "upgrade", "async", "downgrade"]);
        assert_eq!(closest("defualt", &plans).as_deref(), Some("default"));
        let top = keys(&["partner", "plans", "timeouts", "limits"]);
        assert_eq!(closest("timeout", &top).as_deref(), Some("timeouts"));
        assert_eq!(closest("zebra", &top), None);
    }
}
