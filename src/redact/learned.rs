//! The secret values a run has learned, and one multi-pattern matcher (Aho-Corasick) over every
//! encoded form of them, rebuilt lazily after the set changes. Redacting a text costs time
//! linear in its length, whatever the number of secrets.

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

#[derive(Debug)]
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// Per pattern: the label it is replaced by and its form.
    patterns: Vec<(&'static str, Form)>,
}

impl Matcher {
    fn build(labels: &HashMap<String, &'static str>) -> Result<Self, String> {
        let mut texts = Vec::new();
        let mut patterns = Vec::new();
        for (value, label) in labels {
            for (text, form) in forms(value) {
                texts.push(text);
                patterns.push((*label, form));
            }
        }
        if texts.is_empty() {
            return Ok(Self {
                automaton: None,
                patterns,
            });
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&texts)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            automaton: Some(automaton),
            patterns,
        })
    }

    /// Replaces every form of every secret by `[REDACTED:label]`; a base64 form is replaced
    /// with the whole base64 token around it.
    pub fn replace(&self, text: &str) -> String {
        let Some(ac) = &self.automaton else {
            return text.to_owned();
        };
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for m in ac.find_iter(text) {
            let (label, form) = self.patterns[m.pattern().as_usize()];
            let (mut start, mut end) = (m.start(), m.end());
            if form == Form::Base64 {
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
            if m.start() < copied {
                // Overlaps a widened base64 token: redact what goes past it.
                if m.end() > copied {
                    out.push_str("[REDACTED:");
                    out.push_str(label);
                    out.push(']');
                    copied = m.end();
                }
                continue;
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
