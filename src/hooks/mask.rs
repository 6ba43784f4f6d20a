//! Masking what hook output and commands may carry beyond the known secrets: credentials after
//! `Authorization: Bearer`/`Basic`, URL passwords, and the names of the environment variables a
//! template reads (whose values are then registered as secrets).

/// Names of environment variables a template reads (`$NAME`, `${NAME}`).
pub fn referenced_env(template: &str) -> Vec<String> {
    let is_start = |c: char| c.is_ascii_alphabetic() || c == '_';
    let is_part = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let body = rest.strip_prefix('{').unwrap_or(rest);
        if body.starts_with(is_start) {
            let len = body.find(|c: char| !is_part(c)).unwrap_or(body.len());
            let name = body[..len].to_owned();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Masks credentials in free text: the token after `Authorization: Bearer`/`Basic`, and the
/// password in URL userinfo (`scheme://user:pass@host`).
pub fn mask_credentials(text: &str) -> String {
    mask_userinfo(&mask_authorization(text))
}

fn token_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c: char| c.is_whitespace() || "\"'`,;".contains(c))
        .map_or(text.len(), |n| from + n)
}

fn mask_authorization(text: &str) -> String {
    // ASCII lowercasing keeps byte offsets.
    let lower = text.to_ascii_lowercase();
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(at) = lower[from..].find("authorization:") {
        let mut i = from + at + "authorization:".len();
        from = i;
        i += lower[i..].len() - lower[i..].trim_start().len();
        let Some(scheme) = ["bearer", "basic"]
            .into_iter()
            .find(|s| lower[i..].starts_with(s))
        else {
            continue;
        };
        i += scheme.len();
        let gap = lower[i..].len() - lower[i..].trim_start().len();
        if gap == 0 {
            continue;
        }
        i += gap;
        // A variable reference (`$TOKEN`) is no secret, and useful to show.
        if text[i..].starts_with('$') {
            continue;
        }
        let end = token_end(text, i);
        if end > i {
            out.push_str(&text[copied..i]);
            out.push_str("[REDACTED:credentials]");
            copied = end;
            from = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn mask_userinfo(text: &str) -> String {
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(at) = text[from..].find("://") {
        let start = from + at + 3;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || "/?#\"'`<>".contains(c))
            .map_or(text.len(), |n| start + n);
        from = end.max(start);
        let authority = &text[start..end];
        if let Some(user_end) = authority.rfind('@')
            && let Some(colon) = authority[..user_end].find(':')
            && colon + 1 < user_end
        {
            out.push_str(&text[copied..start + colon + 1]);
            out.push_str("[REDACTED:userinfo]");
            copied = start + user_end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_text_are_masked() {
        let text = "> authorization:  Bearer abc.def-1\nAuthorization: Basic dXNlcjpw=\n\
                    Basic plan; postgres://u:p4ss@db:5432/x and https://host/x@y";
        let masked = mask_credentials(text);
        assert_eq!(
            masked,
            "> authorization:  Bearer [REDACTED:credentials]\n\
             Authorization: Basic [REDACTED:credentials]\n\
             Basic plan; postgres://u:[REDACTED:userinfo]@db:5432/x and https://host/x@y"
        );
    }
}
