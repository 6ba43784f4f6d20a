//! Heroku-side logic the harness reproduces exactly: the app an add-on is installed on and the
//! provision request body (§3.2 of the partner API notes).

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::manifest::Manifest;

pub mod naming;
pub mod sso;

/// The Common Runtime US region as Heroku sends it.
pub const DEFAULT_REGION: &str = "amazon-web-services::us-east-1";

/// A Heroku app the harness installs add-ons on.
#[derive(Debug, Clone)]
pub struct App {
    pub id: String,
    pub name: String,
    /// Legacy `app<number>@heroku.com` identifier, shared by every install on the app.
    pub heroku_id: String,
}

impl App {
    /// A fresh app with a random name, id and heroku_id.
    pub fn random() -> Self {
        let id = uuid::Uuid::new_v4();
        let n = u32::from_be_bytes([0, id.as_bytes()[0], id.as_bytes()[1], id.as_bytes()[2]]);
        Self {
            name: format!("conformance-app-{:06}", n % 1_000_000),
            heroku_id: format!("app{}@heroku.com", 1_000_000 + n % 9_000_000),
            id: id.to_string(),
        }
    }
}

/// Everything that varies between provision requests.
#[derive(Debug, Clone)]
pub struct ProvisionSpec<'a> {
    pub uuid: &'a str,
    pub plan: &'a str,
    pub region: &'a str,
    pub options: &'a BTreeMap<String, String>,
    pub app: &'a App,
    /// Origin of the fake platform; `callback_url` is `{origin}/addons/{uuid}`.
    pub platform_origin: &'a str,
    pub grant_code: &'a str,
    pub grant_expires: SystemTime,
    pub send_heroku_id: bool,
}

/// The v3 provision body, as Heroku sends it.
pub fn provision_body(manifest: &Manifest, spec: &ProvisionSpec<'_>) -> Value {
    let mut body = Map::new();
    body.insert("uuid".into(), json!(spec.uuid));
    body.insert(
        "name".into(),
        json!(addon_name(
            manifest.id.as_deref().unwrap_or("addon"),
            spec.uuid
        )),
    );
    body.insert("plan".into(), json!(spec.plan));
    body.insert("region".into(), json!(spec.region));
    body.insert(
        "callback_url".into(),
        json!(format!(
            "{}/addons/{}",
            spec.platform_origin.trim_end_matches('/'),
            spec.uuid
        )),
    );
    body.insert(
        "oauth_grant".into(),
        json!({
            "code": spec.grant_code,
            "expires_at": heroku_time(spec.grant_expires),
            "type": "authorization_code",
        }),
    );
    body.insert("options".into(), json!(spec.options));
    if spec.send_heroku_id {
        body.insert("heroku_id".into(), json!(spec.app.heroku_id));
    }
    if manifest.requires("log_input") {
        body.insert(
            "log_input_url".into(),
            json!(format!(
                "{}/logs/{}",
                spec.platform_origin.trim_end_matches('/'),
                spec.uuid
            )),
        );
    }
    if manifest.requires("syslog_drain") {
        body.insert("log_drain_token".into(), json!(format!("d.{}", spec.uuid)));
    }
    Value::Object(body)
}

/// Add-on names look like `slug-conformance-0123456789ab`; derived from the uuid so they are
/// stable per uuid.
pub fn addon_name(slug: &str, uuid: &str) -> String {
    // Twelve hex digits of the uuid: unique enough that no two resources of a run share a name.
    let tag: String = uuid
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(12)
        .collect();
    format!("{slug}-conformance-{tag}")
}

/// Formats a time the way Heroku writes `oauth_grant.expires_at`: `2016-03-03T18:01:31+0000`
/// (numeric offset without a colon; the harness always uses UTC).
pub fn heroku_time(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// RFC 3339 in UTC with milliseconds, as HAR files want: `2026-11-22T03:04:05.678Z`.
pub fn rfc3339_millis(t: SystemTime) -> String {
    let ms = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let (secs, millis) = (ms / 1000, ms % 1000);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Converts days since 1970-01-01 into a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_with_millis() {
        let t = UNIX_EPOCH + std::time::Duration::from_millis(1_456_941_691_007);
        assert_eq!(rfc3339_millis(t), "2016-03-02T18:01:31.007Z");
    }

    #[test]
    fn heroku_time_format() {
        let t = UNIX_EPOCH + Duration::from_secs(1_457_056_891);
        assert_eq!(heroku_time(t), "2016-03-04T02:01:31+0000");
        assert_eq!(heroku_time(UNIX_EPOCH), "1970-01-01T00:00:00+0000");
        // A leap day.
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(heroku_time(t), "2000-02-29T00:00:00+0000");
    }

    #[test]
    fn body_has_the_v3_fields() {
        let m = Manifest::parse(
            r#"{"id":"fast-db","api":{"requires":["syslog_drain"],"password":"p"}}"#,
            "m",
        )
        .unwrap();
        let app = App::random();
        let options = BTreeMap::from([("foo".to_owned(), "bar".to_owned())]);
        let body = provision_body(
            &m,
            &ProvisionSpec {
                uuid: "01234567-89ab-cdef-0123-456789abcdef",
                plan: "basic",
                region: "amazon-web-services::us-east-1",
                options: &options,
                app: &app,
                platform_origin: "http://127.0.0.1:9",
                grant_code: "c0de",
                grant_expires: SystemTime::now() + Duration::from_secs(300),
                send_heroku_id: true,
            },
        );
        for key in [
            "uuid",
            "name",
            "plan",
            "region",
            "callback_url",
            "oauth_grant",
            "options",
        ] {
            assert!(body.get(key).is_some(), "{key}");
        }
        assert_eq!(
            body["callback_url"],
            "http://127.0.0.1:9/addons/01234567-89ab-cdef-0123-456789abcdef"
        );
        assert_eq!(body["oauth_grant"]["type"], "authorization_code");
        assert_eq!(
            body["log_drain_token"],
            "d.01234567-89ab-cdef-0123-456789abcdef"
        );
        assert!(body.get("log_input_url").is_none());
        assert_eq!(body["heroku_id"], app.heroku_id.as_str());
    }
}
