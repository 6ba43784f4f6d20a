//! Heroku's attachment-name heuristic (seed 002, ATT-02), exactly in its order:
//!
//! 1. the name the user gave (`--as WORKER`); a conflict is an error;
//! 2. the partner's `recommended_prefix` from the provision answer; on conflict, next;
//! 3. the normalized service slug (the manifest's `config_vars_prefix` when it has one, §18 Q12);
//!    on conflict, next;
//! 4. that slug plus `_` and a random colour; on conflict another colour; the pool exhausted is
//!    an error.
//!
//! A name is valid when it matches `^[A-Z][A-Z0-9_]*$` (§18 Q13). A name conflicts in an app
//! when another attachment there has it, or when a var it would produce already exists there.

use thiserror::Error;

/// Our own fixed colour pool (Heroku does not publish its one).
pub const COLOURS: &[&str] = &[
    "AMBER", "AQUA", "BLACK", "BLUE", "BRONZE", "BROWN", "CHARCOAL", "COBALT", "COPPER", "CRIMSON",
    "CYAN", "GOLD", "GRAY", "GREEN", "IVORY", "JADE", "LIME", "MAROON", "MAUVE", "NAVY", "OLIVE",
    "ONYX", "ORANGE", "PINK", "PUCE", "PURPLE", "RED", "ROSE", "SILVER", "TEAL", "VIOLET", "WHITE",
    "YELLOW",
];

/// Why no attachment name could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NamingError {
    #[error("the attachment name `{0}` is not valid: use A-Z, 0-9 and _, starting with a letter")]
    Invalid(String),
    #[error("the attachment name `{0}` is already used in this app")]
    Conflict(String),
    #[error("every colour of the pool is already used with `{0}` in this app")]
    ColoursExhausted(String),
}

/// `^[A-Z][A-Z0-9_]*$`.
pub fn is_valid(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Heroku tooling's normalization of a slug (one definition, shared with the manifest).
pub use crate::manifest::normalize_slug as normalize;

/// What the heuristic starts from.
#[derive(Debug, Clone, Copy)]
pub struct NameRequest<'a> {
    pub user: Option<&'a str>,
    pub recommended: Option<&'a str>,
    /// The normalized slug (or the manifest's prefix).
    pub slug: &'a str,
}

/// Chooses a name; `taken` says whether a name conflicts in the app, `pick(n)` returns an index
/// below `n` (random in the platform, fixed in tests).
pub fn choose(
    req: NameRequest<'_>,
    taken: &dyn Fn(&str) -> bool,
    pick: &mut dyn FnMut(usize) -> usize,
) -> Result<String, NamingError> {
    if let Some(user) = req.user {
        if !is_valid(user) {
            return Err(NamingError::Invalid(user.to_owned()));
        }
        if taken(user) {
            return Err(NamingError::Conflict(user.to_owned()));
        }
        return Ok(user.to_owned());
    }
    for candidate in [req.recommended, Some(req.slug)].into_iter().flatten() {
        if is_valid(candidate) && !taken(candidate) {
            return Ok(candidate.to_owned());
        }
    }
    let mut pool: Vec<&str> = COLOURS.to_vec();
    while !pool.is_empty() {
        let colour = pool.swap_remove(pick(pool.len()) % pool.len());
        let name = format!("{}_{colour}", req.slug);
        if !taken(&name) {
            return Ok(name);
        }
    }
    Err(NamingError::ColoursExhausted(req.slug.to_owned()))
}

/// A random index below `n` (uuid v4 randomness; no extra dependency).
pub fn random_index(n: usize) -> usize {
    (uuid::Uuid::new_v4().as_u128() % n.max(1) as u128) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::state::rename;

    fn first(_: usize) -> usize {
        0
    }

    fn req<'a>(user: Option<&'a str>, recommended: Option<&'a str>) -> NameRequest<'a> {
        NameRequest {
            user,
            recommended,
            slug: "REDISGREEN",
        }
    }

    #[test]
    fn seed_example_foo_bar_as_balloon() {
        assert_eq!(normalize("foo-bar"), "FOO_BAR");
        let name = choose(
            NameRequest {
                user: Some("BALLOON"),
                recommended: None,
                slug: "FOO_BAR",
            },
            &|_| false,
            &mut first,
        )
        .unwrap();
        assert_eq!(
            rename("FOO_BAR_A", "FOO_BAR", &name).as_deref(),
            Some("BALLOON_A")
        );
        assert_eq!(
            rename("FOO_BAR_B", "FOO_BAR", &name).as_deref(),
            Some("BALLOON_B")
        );
    }

    #[test]
    fn seed_example_user_name_wins_and_its_conflict_is_an_error() {
        let free = choose(req(Some("WORKER"), Some("REDIS")), &|_| false, &mut first);
        assert_eq!(free.as_deref(), Ok("WORKER"));
        let conflict = choose(
            req(Some("WORKER"), Some("REDIS")),
            &|n| n == "WORKER",
            &mut first,
        );
        assert_eq!(conflict, Err(NamingError::Conflict("WORKER".into())));
        let invalid = choose(req(Some("worker"), None), &|_| false, &mut first);
        assert_eq!(invalid, Err(NamingError::Invalid("worker".into())));
    }

    #[test]
    fn seed_example_recommendation_then_slug_then_colour() {
        assert_eq!(
            choose(req(None, Some("REDIS")), &|_| false, &mut first).as_deref(),
            Ok("REDIS")
        );
        assert_eq!(
            choose(req(None, Some("REDIS")), &|n| n == "REDIS", &mut first).as_deref(),
            Ok("REDISGREEN")
        );
        assert_eq!(
            choose(req(None, None), &|_| false, &mut first).as_deref(),
            Ok("REDISGREEN")
        );
        let cyan = COLOURS.iter().position(|c| *c == "CYAN").unwrap();
        let mut pick_cyan = |_: usize| cyan;
        assert_eq!(
            choose(
                req(None, Some("REDIS")),
                &|n| n == "REDIS" || n == "REDISGREEN",
                &mut pick_cyan
            )
            .as_deref(),
            Ok("REDISGREEN_CYAN")
        );
    }

    #[test]
    fn an_invalid_recommendation_falls_through() {
        assert_eq!(
            choose(req(None, Some("redis-1")), &|_| false, &mut first).as_deref(),
            Ok("REDISGREEN")
        );
    }

    #[test]
    fn a_taken_colour_is_replaced_and_an_exhausted_pool_is_an_error() {
        let taken = |n: &str| n == "REDISGREEN" || n == "REDISGREEN_AMBER";
        let name = choose(req(None, None), &taken, &mut first).unwrap();
        assert!(name.starts_with("REDISGREEN_") && name != "REDISGREEN_AMBER");
        let all = choose(req(None, None), &|_| true, &mut random_index);
        assert_eq!(all, Err(NamingError::ColoursExhausted("REDISGREEN".into())));
    }

    #[test]
    fn validity() {
        assert!(is_valid("BALLOON_A1"));
        for bad in ["", "1ABC", "_A", "a", "A-B", "A B"] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
