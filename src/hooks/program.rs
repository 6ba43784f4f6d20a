//! Whether a hook's program can be started, checked before a run: the first word of the template
//! (after `NAME=value` assignments) must be a shell builtin or keyword, an executable file, or a
//! program on PATH.

use std::path::Path;

/// Words `sh -c` runs without a program file.
const SHELL_WORDS: &[&str] = &[
    "if", "then", "for", "while", "until", "case", "!", "{", "(", "[", "test", "true", "false",
    "exec", "exit", "cd", "export", "set", "unset", "echo", "printf", "eval", ".", ":", "read",
    "command", "env", "sleep", "trap", "wait", "return", "local", "shift",
];

/// Why the hook's program cannot be run, or None when it can (or cannot be told statically).
pub fn program_problem(template: &str, path_var: Option<&str>) -> Option<String> {
    let program = template
        .split_whitespace()
        .find(|w| !is_assignment(w))?
        .trim_start_matches('(');
    if program.is_empty()
        || SHELL_WORDS.contains(&program)
        || program.contains(['$', '{', '`', '"', '\'', '|', ';', '&'])
    {
        return None;
    }
    if program.contains('/') {
        return (!is_executable(Path::new(program)))
            .then(|| format!("`{program}` is not an executable file"));
    }
    let found = path_var
        .unwrap_or_default()
        .split(':')
        .filter(|d| !d.is_empty())
        .any(|d| is_executable(&Path::new(d).join(program)));
    (!found).then(|| format!("`{program}` is not found on PATH"))
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_missing_and_non_executable_programs() {
        let path = std::env::var("PATH").ok();
        let path = path.as_deref();
        assert_eq!(program_problem("sh -c 'exit 0'", path), None);
        assert_eq!(program_problem("FOO=1 true", path), None);
        assert_eq!(program_problem("test -n \"$X\"", path), None);
        let missing = program_problem("no-such-program-ac {resource_uuid}", path).unwrap();
        assert!(missing.contains("not found on PATH"), "{missing}");
        let dir = std::env::temp_dir().join(format!("ac-hook-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = dir.join("rotate.sh");
        std::fs::write(&script, "#!/bin/sh\n").unwrap();
        let text = program_problem(&format!("{} x", script.display()), path).unwrap();
        assert!(text.contains("not an executable file"), "{text}");
    }
}
