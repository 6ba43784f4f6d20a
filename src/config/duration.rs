//! Durations in the config and on the command line: "250ms", "3s", "2m" or "8h". A bare number
//! is refused: `warn_after = 3` could mean seconds or milliseconds, so the unit is required.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};

/// The accepted form, quoted in every duration error.
pub const DURATION_FORM: &str =
    "a duration with its unit, such as \"250ms\", \"3s\", \"2m\" or \"8h\"";

/// Parses "250ms", "3s", "2m" or "8h".
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let too_long = || format!("`{text}` is too long a duration");
    let t = text.trim();
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not {DURATION_FORM}"))?;
    match unit.trim() {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => n
            .checked_mul(60)
            .map(Duration::from_secs)
            .ok_or_else(too_long),
        "h" => n
            .checked_mul(3600)
            .map(Duration::from_secs)
            .ok_or_else(too_long),
        "" => Err(format!(
            "`{text}` has no unit; write {DURATION_FORM} (e.g. \"{n}s\")"
        )),
        _ => Err(format!("`{text}` has an unknown unit; use ms, s, m or h")),
    }
}

pub fn format_duration(d: Duration) -> String {
    if d.subsec_millis() != 0 || d.as_secs() == 0 {
        format!("{}ms", d.as_millis())
    } else {
        format!("{}s", d.as_secs())
    }
}

/// A duration as the config file writes it; deserialises from a string with a unit and answers
/// anything else (a number, a boolean) with the accepted form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigDuration(pub Duration);

impl<'de> serde::Deserialize<'de> for ConfigDuration {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(DurationVisitor)
    }
}

struct DurationVisitor;

impl Visitor<'_> for DurationVisitor {
    type Value = ConfigDuration;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DURATION_FORM)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_duration(v).map(ConfigDuration).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Err(E::custom(format!(
            "a bare number ({v}) is not a duration; write {DURATION_FORM} (e.g. \"{v}s\")"
        )))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::custom(format!(
                "a negative number ({v}) is not a duration; write {DURATION_FORM}"
            ))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(E::custom(format!(
            "a bare number ({v}) is not a duration; write {DURATION_FORM}"
        )))
    }
}

pub(crate) fn duration<'de, D: Deserializer<'de>>(de: D) -> Result<Duration, D::Error> {
    <ConfigDuration as serde::Deserialize>::deserialize(de).map(|d| d.0)
}

pub(crate) fn ser_duration<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_duration(*d))
}

pub(crate) fn opt_duration<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Duration>, D::Error> {
    duration(de).map(Some)
}

pub(crate) fn ser_opt_duration<S: serde::Serializer>(
    d: &Option<Duration>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser_duration(d, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_required() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("3s").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("8h").unwrap(), Duration::from_secs(8 * 3600));
        let bare = parse_duration("3").unwrap_err();
        assert!(
            bare.contains("no unit") && bare.contains("\"3s\""),
            "{bare}"
        );
        assert!(parse_duration("3 fortnights").is_err());
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_secs(3)), "3s");
    }
}
