//! The secret values a run has learned, and one matcher over every encoded form of them, rebuilt
//! lazily after the set changes: an Aho-Corasick automaton finds where a form may start, and the
//! sorted forms say which one does. Redacting a text costs one pass over it plus a binary search
//! per candidate place, whatever the number of secrets.

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use super::forms::{Form, forms, is_base64_char};

/// Secret values learned per run beyond which further values are refused (and counted).
pub const MAX_SECRETS: usize = 50_000;

#[derive(Debug, Default)]
pub struct Learned {
    labels: HashMap<String, &'static str>,
    /// Values refused because the run already knows `MAX_SECRETS`.
    refused: usize,
    matcher: Option<Arc<Matcher>>,
}

impl Learned {
    /// Adds a value; false when it was refused because the cap is reached.
    pub fn add(&mut self, label: &'static str, value: &str) -> bool {
        if self.labels.contains_key(value) {
            return true;
        }
        if self.labels.len() >= MAX_SECRETS {
            self.refused += 1;
            return false;
        }
        self.labels.insert(value.to_owned(), label);
        self.matcher = None;
        true
    }

    pub fn refused(&self) -> usize {
        self.refused
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// The current matcher, if it is built.
    pub fn cached(&self) -> Option<Arc<Matcher>> {
        self.matcher.clone()
    }

    /// Builds the matcher if the set changed since it was last built.
    pub fn matcher(&mut self) -> Result<Arc<Matcher>, String> {
        if let Some(m) = &self.matcher {
            return Ok(m.clone());
        }
        let built = Arc::new(Matcher::build(&self.labels)?);
        self.matcher = Some(built.clone());
        Ok(built)
    }
}

/// Every form is at least this long, and the automaton holds only each form's first `KEY_LEN`
/// bytes: it stays small however many secrets there are, and each place it reports is checked
/// against the sorted forms for the longest one starting there.
const KEY_LEN: usize = 6;

#[derive(Debug)]
pub struct Matcher {
    /// The distinct `KEY_LEN`-byte beginnings of the forms.
    keys: Option<AhoCorasick>,
    /// Every form, sorted by its bytes, with the label it is replaced by.
    forms: Vec<(Box<[u8]>, &'static str, Form)>,
    longest: usize,
}

impl Matcher {
    fn build(labels: &HashMap<String, &'static str>) -> Result<Self, String> {
        let mut all: Vec<(Box<[u8]>, &'static str, Form)> = labels
            .iter()
            .flat_map(|(value, label)| {
                forms(value)
                    .into_iter()
                    .filter(|(text, _)| text.len() >= KEY_LEN)
                    .map(|(text, form)| (text.into_bytes().into_boxed_slice(), *label, form))
            })
            .collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all.dedup_by(|a, b| a.0 == b.0);
        let longest = all.iter().map(|f| f.0.len()).max().unwrap_or(0);
        let mut keys: Vec<&[u8]> = all.iter().map(|f| &f.0[..KEY_LEN]).collect();
        keys.dedup();
        let keys = if keys.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&keys)
                    .map_err(|e| e.to_string())?,
            )
        };
        Ok(Self {
            keys,
            forms: all,
            longest,
        })
    }

    /// The longest form that `text` starts with. Every form that is a prefix of the query is
    /// at most the query; if the greatest form at most the query is not a prefix, no longer
    /// form than their common prefix can be one either, so the query shrinks to it.
    fn longest_at(&self, text: &[u8]) -> Option<&(Box<[u8]>, &'static str, Form)> {
        let mut query = &text[..text.len().min(self.longest)];
        while query.len() >= KEY_LEN {
            let at = self.forms.partition_point(|f| &*f.0 <= query);
            let candidate = self.forms.get(at.checked_sub(1)?)?;
            if query.starts_with(&candidate.0) {
                return Some(candidate);
            }
            let common = candidate
                .0
                .iter()
                .zip(query)
                .take_while(|(a, b)| a == b)
                .count();
            query = &query[..common];
        }
        None
    }

    /// Replaces every form of every secret by `[REDACTED:label]`, leftmost first and longest
    /// at each place; a base64 form is replaced with the whole base64 token around it.
    pub fn replace(&self, text: &str) -> String {
        let Some(keys) = &self.keys else {
            return text.to_owned();
        };
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        // All keys have one length, so overlapping matches come in the order of their starts.
        for m in keys.find_overlapping_iter(text) {
            if m.start() < copied {
                continue;
            }
            let Some((found, label, form)) = self.longest_at(&bytes[m.start()..]) else {
                continue;
            };
            let (mut start, mut end) = (m.start(), m.start() + found.len());
            if *form == Form::Base64 {
                while start > copied && is_base64_char(bytes[start - 1]) {
                    start -= 1;
                }
                while end < bytes.len() && is_base64_char(bytes[end]) {
                    end += 1;
                }
                // Padding ends a token.
                while end < bytes.len() && bytes[end] == b'=' {
                    end += 1;
                }
            }
            out.push_str(&text[copied..start]);
            out.push_str("[REDACTED:");
            out.push_str(label);
            out.push(']');
            copied = end;
        }
        out.push_str(&text[copied..]);
        out
    }
}
