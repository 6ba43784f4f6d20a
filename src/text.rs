//! Small text helpers shared by rooms that must not depend on each other.

/// The closest known name within a small edit distance (case-insensitive), for "did you mean"
/// hints on unknown suites, checks and faults.
pub fn suggest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let name = name.to_ascii_uppercase();
    known
        .iter()
        .map(|k| (edit_distance(&name, &k.to_ascii_uppercase()), *k))
        .filter(|(d, _)| *d <= 2.max(name.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("PROV-2", &["PROV-02", "MAN-01"]), Some("PROV-02"));
        assert_eq!(
            suggest("provison", &["provision", "auth"]),
            Some("provision")
        );
        assert_eq!(suggest("zzzzzz", &["auth"]), None);
    }
}
