//! Heroku-side single sign-on (§7 of the partner API notes): the token formulas and the form a
//! browser posts to the partner's `sso_url`, exactly as Heroku's hand-off builds it, plus the
//! auto-submitting HTML page the `sso` command serves to the user's browser.

use std::time::{SystemTime, UNIX_EPOCH};

use sha1::{Digest, Sha1};
use sha2::Sha256;

/// Form fields that carry a token; redacted in every record.
pub const TOKEN_FIELDS: &[&str] = &["resource_token", "user_scoped_resource_token", "token"];

/// `resource_token`: lowercase hex sha1 of `uuid:salt:timestamp`.
pub fn resource_token(uuid: &str, salt: &str, timestamp: i64) -> String {
    hex::encode(Sha1::digest(format!("{uuid}:{salt}:{timestamp}")))
}

/// `user_scoped_resource_token`: lowercase hex sha256 of `uuid:salt:timestamp:user_id:email`.
pub fn user_scoped_token(
    uuid: &str,
    salt: &str,
    timestamp: i64,
    user_id: &str,
    email: &str,
) -> String {
    hex::encode(Sha256::digest(format!(
        "{uuid}:{salt}:{timestamp}:{user_id}:{email}"
    )))
}

/// Unix time in whole seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The Heroku user who clicks the add-on in Dashboard.
#[derive(Debug, Clone)]
pub struct SsoUser {
    pub id: String,
    pub email: String,
}

impl SsoUser {
    /// A fresh user on the reserved `example.com` domain.
    pub fn random() -> Self {
        let id = uuid::Uuid::new_v4().to_string();
        Self {
            email: format!("user-{}@example.com", &id[..8]),
            id,
        }
    }
}

/// One login hand-off: what Heroku signs and sends.
#[derive(Debug, Clone)]
pub struct Login<'a> {
    pub uuid: &'a str,
    /// The partner's own id from its provision answer, for the legacy `id`/`token` pair; `None`
    /// when it is not known (the uuid is sent, which is right for add-ons that answer id = uuid).
    pub provider_id: Option<&'a str>,
    pub salt: &'a str,
    pub timestamp: i64,
    pub user: &'a SsoUser,
    /// The app that owns the resource.
    pub app: &'a str,
    /// The app the user navigated from (differs for attached resources).
    pub context_app: &'a str,
}

impl Login<'_> {
    /// The form fields Heroku's hand-off sends (the keys of its SSO response type): the v3
    /// fields, then the legacy `id` and `token` pair.
    pub fn form(&self) -> Vec<(String, String)> {
        let ts = self.timestamp;
        let id = self.provider_id.unwrap_or(self.uuid);
        let fields = [
            ("resource_id", self.uuid.to_owned()),
            ("resource_token", resource_token(self.uuid, self.salt, ts)),
            (
                "user_scoped_resource_token",
                user_scoped_token(self.uuid, self.salt, ts, &self.user.id, &self.user.email),
            ),
            ("timestamp", ts.to_string()),
            ("user_id", self.user.id.clone()),
            ("email", self.user.email.clone()),
            ("app", self.app.to_owned()),
            ("context_app", self.context_app.to_owned()),
            ("nav-data", nav_data(self.app)),
            ("id", id.to_owned()),
            ("token", resource_token(id, self.salt, ts)),
        ];
        fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }
}

/// The opaque legacy `nav-data` blob: base64url JSON naming the app.
fn nav_data(app: &str) -> String {
    use base64::Engine;
    let json = serde_json::json!({"appname": app, "addon": "", "addons": []});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
}

/// The legacy (manifest without `sso_url`) login of §7.6: query fields of a browser GET to
/// `{base_url}/{id}`, `id` being the partner's provisioning id and `token` the sha1 of
/// `id:salt:timestamp` (the formula of `resource_token`, over the id).
pub fn legacy_form(
    id: &str,
    salt: &str,
    timestamp: i64,
    user: &SsoUser,
    app: &str,
) -> Vec<(String, String)> {
    [
        ("id", id.to_owned()),
        ("token", resource_token(id, salt, timestamp)),
        ("timestamp", timestamp.to_string()),
        ("nav-data", nav_data(app)),
        ("email", user.email.clone()),
        ("app", app.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Replaces (or adds) one field of a form.
pub fn set_field(form: &mut Vec<(String, String)>, name: &str, value: &str) {
    match form.iter_mut().find(|(k, _)| k == name) {
        Some(f) => f.1 = value.to_owned(),
        None => form.push((name.to_owned(), value.to_owned())),
    }
}

/// Removes fields from a form.
pub fn drop_fields(form: &mut Vec<(String, String)>, names: &[&str]) {
    form.retain(|(k, _)| !names.contains(&k.as_str()));
}

/// An HTML page whose form posts `fields` to `action` as soon as it loads (what Heroku's CLI
/// renders for `addons:open`). A button remains for browsers without JavaScript.
pub fn auto_submit_page(action: &str, fields: &[(String, String)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                escape(k),
                escape(v)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Opening the add-on</title></head>\n\
         <body onload=\"document.forms[0].submit()\">\n\
         <form method=\"post\" action=\"{}\">\n{inputs}<button type=\"submit\">Open the add-on</button>\n</form>\n\
         </body></html>\n",
        escape(action)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_vector_for_the_sha1_formula() {
        // §7.2: the legacy token of the 2014 docs uses the same sha1-of-colon-joined formula.
        assert_eq!(
            resource_token(
                "123",
                "2f97bfa52ca102f8874716e2eb1d3b4920ad0be4",
                1_267_597_772
            ),
            "bb466eb1d6bc345d11072c3cd25c311f21be130d"
        );
    }

    #[test]
    fn legacy_form_signs_the_id_with_the_docs_formula() {
        let user = SsoUser::random();
        let form = legacy_form(
            "123",
            "2f97bfa52ca102f8874716e2eb1d3b4920ad0be4",
            1_267_597_772,
            &user,
            "a",
        );
        let token = form
            .iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.as_str());
        assert_eq!(token, Some("bb466eb1d6bc345d11072c3cd25c311f21be130d"));
        assert!(form.iter().any(|(k, v)| k == "id" && v == "123"));
    }

    #[test]
    fn v3_vectors() {
        let uuid = "01234567-89ab-cdef-0123-456789abcdef";
        let salt = "7CwqmJLEjv8YZTXK";
        assert_eq!(
            resource_token(uuid, salt, 1_267_597_772),
            "fcafa20c7ac7675276ea92ed04bc929674b711a5"
        );
        assert_eq!(
            user_scoped_token(
                uuid,
                salt,
                1_267_597_772,
                "fedcba98-7654-3210-fedc-ba9876543210",
                "user@example.com"
            ),
            "286fdd23ff5fd473f16b18658595fdaf5041926c8aeca2c645a2507128060040"
        );
    }

    #[test]
    fn form_has_every_field_heroku_sends() {
        let user = SsoUser::random();
        let login = Login {
            uuid: "u",
            provider_id: Some("7"),
            salt: "s",
            timestamp: 5,
            user: &user,
            app: "a",
            context_app: "b",
        };
        let names: Vec<String> = login.form().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            [
                "resource_id",
                "resource_token",
                "user_scoped_resource_token",
                "timestamp",
                "user_id",
                "email",
                "app",
                "context_app",
                "nav-data",
                "id",
                "token"
            ]
        );
        let form = login.form();
        let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(field("id").as_deref(), Some("7"));
        assert_eq!(field("token"), Some(resource_token("7", "s", 5)));
    }

    #[test]
    fn page_escapes_values() {
        let page = auto_submit_page(
            "http://h/sso?a=1&b=2",
            &[("x".into(), "\"><script>".into())],
        );
        assert!(page.contains("a=1&amp;b=2"));
        assert!(page.contains("&quot;&gt;&lt;script&gt;"));
        assert!(!page.contains("\"><script>"));
    }
}
