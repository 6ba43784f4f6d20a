//! The encoded forms a secret can take in text: raw, percent-encoded (as URL components, forms,
//! JavaScript and Python encode them), JSON-escaped, HTML-escaped and base64 (standard and
//! URL-safe alphabets, at any alignment, so `Basic base64(user:secret)` is caught too).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// How a form of a secret was written; base64 matches are widened to their whole token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Plain,
    Base64,
}

/// Base64 fragments shorter than this are not searched for (too likely in ordinary text).
const MIN_BASE64_FRAGMENT: usize = 8;

/// Every distinct form of `secret`, the raw one first.
pub fn forms(secret: &str) -> Vec<(String, Form)> {
    let mut out: Vec<(String, Form)> = Vec::new();
    let mut push = |text: String, form: Form| {
        if !text.is_empty() && !out.iter().any(|(t, _)| *t == text) {
            out.push((text, form));
        }
    };
    push(secret.to_owned(), Form::Plain);
    for style in &PERCENT_STYLES {
        push(percent(secret, style), Form::Plain);
    }
    for text in json_escaped(secret) {
        push(text, Form::Plain);
    }
    for text in html_escaped(secret) {
        push(text, Form::Plain);
    }
    for text in base64_fragments(secret.as_bytes()) {
        push(text, Form::Base64);
    }
    out
}

/// One way of percent-encoding: which characters besides `A-Za-z0-9` stay, the hex case, and
/// whether a space becomes `+`.
struct PercentStyle {
    keep: &'static str,
    upper: bool,
    space_plus: bool,
}

const PERCENT_STYLES: [PercentStyle; 5] = [
    // RFC 3986 unreserved (curl --data-urlencode, most libraries).
    PercentStyle {
        keep: "-._~",
        upper: true,
        space_plus: false,
    },
    PercentStyle {
        keep: "-._~",
        upper: false,
        space_plus: false,
    },
    // application/x-www-form-urlencoded.
    PercentStyle {
        keep: "-._*",
        upper: true,
        space_plus: true,
    },
    // JavaScript's encodeURIComponent.
    PercentStyle {
        keep: "-._~!'()*",
        upper: true,
        space_plus: false,
    },
    // Python's urllib.parse.quote (keeps `/`).
    PercentStyle {
        keep: "-._~/",
        upper: true,
        space_plus: false,
    },
];

fn percent(secret: &str, style: &PercentStyle) -> String {
    let mut out = String::with_capacity(secret.len() * 3);
    for b in secret.bytes() {
        if b.is_ascii_alphanumeric() || style.keep.as_bytes().contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' && style.space_plus {
            out.push('+');
        } else if style.upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

fn json_escaped(secret: &str) -> Vec<String> {
    let quoted = serde_json::to_string(secret).unwrap_or_default();
    let plain = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned();
    let slashes = plain.replace('/', "\\/");
    let mut ascii = String::with_capacity(plain.len());
    for c in plain.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                ascii.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    vec![plain, slashes, ascii]
}

fn html_escaped(secret: &str) -> Vec<String> {
    let text = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let attribute = text.replace('"', "&quot;");
    vec![
        attribute.replace('\'', "&#39;"),
        attribute.replace('\'', "&#x27;"),
        attribute,
        text,
    ]
}

/// The part of the base64 encoding of `secret` that is the same wherever the secret sits in a
/// longer encoded text: for each of the three alignments, the whole 3-byte groups.
fn base64_fragments(secret: &[u8]) -> Vec<String> {
    let mut out = vec![STANDARD.encode(secret)];
    for skip in 0..3 {
        let Some(rest) = secret.get(skip..) else {
            continue;
        };
        let whole = &rest[..rest.len() / 3 * 3];
        if whole.len() / 3 * 4 < MIN_BASE64_FRAGMENT {
            continue;
        }
        out.push(STANDARD.encode(whole));
        out.push(URL_SAFE_NO_PAD.encode(whole));
    }
    out
}

/// Characters a base64 token is made of (both alphabets; padding aside).
pub fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_styles_differ_where_encoders_do() {
        let s = "a b/c~'";
        let all: Vec<String> = PERCENT_STYLES.iter().map(|p| percent(s, p)).collect();
        assert_eq!(all[0], "a%20b%2Fc~%27");
        assert_eq!(all[1], "a%20b%2fc~%27");
        assert_eq!(all[2], "a+b%2Fc%7E%27");
        assert_eq!(all[3], "a%20b%2Fc~'");
        assert_eq!(all[4], "a%20b/c~%27");
    }

    #[test]
    fn base64_fragments_cover_every_alignment() {
        let secret = b"s3cr3t-value-42";
        let frags = base64_fragments(secret);
        for prefix in ["", "u", "us", "user:"] {
            let mut whole = prefix.as_bytes().to_vec();
            whole.extend_from_slice(secret);
            let encoded = STANDARD.encode(&whole);
            assert!(
                frags.iter().any(|f| encoded.contains(f.as_str())),
                "{prefix}: {encoded} {frags:?}"
            );
        }
    }
}
