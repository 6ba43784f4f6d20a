//! `addon-manifest.json`, read leniently: the manifest is the partner's artifact under test, so
//! its defects are check failures (suite `manifest`). Only a file that cannot be read as a JSON
//! object with an `api` object is an input error (exit 2), and, for a run that sends requests,
//! one without which no request can be authenticated (`check_can_authenticate`).

use std::path::Path;

use serde_json::Value;

use crate::error::HarnessError;

#[derive(Debug, Clone)]
pub struct Manifest {
    /// Where it came from, for messages.
    pub source: String,
    /// The document as parsed. Holds secrets: never print it.
    pub raw: Value,
    pub id: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
    pub sso_salt: Option<String>,
    pub regions: Vec<String>,
    pub requires: Vec<String>,
    pub config_vars: Vec<String>,
    pub config_vars_prefix: Option<String>,
    pub base_url: Option<String>,
    pub sso_url: Option<String>,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self, HarnessError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            HarnessError::input(
                path.display().to_string(),
                "(file)",
                format!("cannot read the manifest: {e}"),
                "pass the path of your addon-manifest.json with --manifest",
            )
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, source: &str) -> Result<Self, HarnessError> {
        let raw: Value = serde_json::from_str(text).map_err(|e| {
            HarnessError::input(
                source,
                format!("line {} column {}", e.line(), e.column()),
                format!("not valid JSON: {e}"),
                "fix the JSON syntax; `heroku addons:admin:manifest:pull` fetches a valid copy",
            )
        })?;
        let Some(api) = raw.get("api") else {
            return Err(HarnessError::input(
                source,
                "api",
                "missing",
                "the manifest needs an `api` object (see `heroku addons:admin:manifest:generate`)",
            ));
        };
        if !api.is_object() {
            return Err(HarnessError::input(
                source,
                "api",
                "is not an object",
                "`api` must be a JSON object holding password, regions, production and config_vars",
            ));
        }
        let string = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let strings = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let production = api.get("production");
        Ok(Self {
            source: source.to_owned(),
            id: string(raw.get("id")),
            name: string(raw.get("name")),
            password: string(api.get("password")),
            sso_salt: string(api.get("sso_salt")),
            regions: strings(api.get("regions")),
            requires: strings(api.get("requires")),
            config_vars: strings(api.get("config_vars")),
            config_vars_prefix: string(api.get("config_vars_prefix")),
            base_url: string(production.and_then(|p| p.get("base_url"))),
            sso_url: string(production.and_then(|p| p.get("sso_url"))),
            raw,
        })
    }

    /// Refuses a manifest with which no request to the partner can be authenticated or
    /// addressed: `id` (the Basic auth user name) and `api.password` must be non-empty strings.
    /// Runs that send nothing (the manifest suite alone) judge such a manifest instead.
    pub fn check_can_authenticate(&self) -> Result<(), HarnessError> {
        for (field, value) in [
            ("id", self.raw.get("id")),
            ("api.password", self.api().get("password")),
        ] {
            let problem = match value {
                None | Some(Value::Null) => "missing",
                Some(Value::String(s)) if s.trim().is_empty() => "empty",
                Some(Value::String(_)) => continue,
                Some(_) => "not a string",
            };
            return Err(HarnessError::input(
                &self.source,
                field,
                format!(
                    "{problem}: no request to your add-on could be authenticated, so nothing was sent"
                ),
                "set it in the manifest (`heroku addons:admin:manifest:pull` fetches yours), or run only `--suite manifest` to have the manifest judged",
            ));
        }
        Ok(())
    }

    /// The `api` object (present by construction).
    pub fn api(&self) -> &Value {
        &self.raw["api"]
    }

    pub fn requires(&self, flag: &str) -> bool {
        self.requires.iter().any(|f| f == flag)
    }

    /// The config var prefix: `config_vars_prefix`, else the normalized id.
    pub fn prefix(&self) -> String {
        match &self.config_vars_prefix {
            Some(p) if !p.is_empty() => p.clone(),
            _ => normalize_slug(self.id.as_deref().unwrap_or_default()),
        }
    }

    /// The Basic-auth username Heroku sends.
    pub fn username(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }
}

/// Heroku's normalization of a slug into a config var prefix: uppercase, `-` becomes `_`.
pub fn normalize_slug(slug: &str) -> String {
    slug.to_uppercase().replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_addons_admin() {
        assert_eq!(normalize_slug("sudo-sandwich"), "SUDO_SANDWICH");
        assert_eq!(normalize_slug("fast-db"), "FAST_DB");
    }

    #[test]
    fn tolerates_unknown_keys_such_as_base() {
        let m = Manifest::parse(
            r#"{"id":"x","api":{"$base":17,"password":"p","regions":["us"],"production":{"base_url":"https://a/heroku/resources"}}}"#,
            "m.json",
        )
        .unwrap();
        assert_eq!(m.id.as_deref(), Some("x"));
        assert_eq!(m.base_url.as_deref(), Some("https://a/heroku/resources"));
        assert_eq!(m.prefix(), "X");
    }

    #[test]
    fn invalid_json_names_file_and_position() {
        let e = Manifest::parse("{\"id\": ", "addon-manifest.json").unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("addon-manifest.json") && s.contains("line 1"),
            "{s}"
        );
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn missing_api_is_an_input_error() {
        let e = Manifest::parse(r#"{"id":"x"}"#, "m.json").unwrap_err();
        assert!(e.to_string().contains("api"));
    }
}
