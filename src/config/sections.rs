//! The sections of the config file, each with its defaults.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::DEFAULT_REGION;
use super::duration::{duration, opt_duration, ser_duration, ser_opt_duration};
use super::values::HttpUrl;
use crate::partner::PathId;

/// The fake platform (Heroku's Identity and Platform API) the partner calls back.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSection {
    /// Where it listens (default 127.0.0.1 with a free port).
    #[serde(default, with = "super::values::socket_addr")]
    pub bind: Option<std::net::SocketAddr>,
    /// Its public URL when the partner reaches it through a tunnel.
    pub url: Option<HttpUrl>,
    /// The partner's OAuth client secret (or ADDON_OAUTH_CLIENT_SECRET).
    pub client_secret: Option<String>,
    /// Lifetime of access tokens; shorten it (e.g. "60s") to exercise refresh.
    #[serde(
        default = "d8h",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub token_ttl: Duration,
    /// Lifetime of grant codes (Heroku: about 5 minutes).
    #[serde(
        default = "d5m",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub grant_ttl: Duration,
    /// Larger callback bodies get 413.
    #[serde(default = "mib")]
    pub max_body_bytes: usize,
    /// Intercept the add-on's calls to id.heroku.com and api.heroku.com (`--intercept`).
    #[serde(default)]
    pub intercept: bool,
}

impl Default for PlatformSection {
    fn default() -> Self {
        Self {
            bind: None,
            url: None,
            client_secret: None,
            token_ttl: d8h(),
            grant_ttl: d5m(),
            max_body_bytes: mib(),
            intercept: false,
        }
    }
}

fn d8h() -> Duration {
    Duration::from_secs(8 * 3600)
}
fn d5m() -> Duration {
    Duration::from_secs(300)
}

pub use super::scenario::{COMMON_RUNTIME_REGIONS, IdempotencySection, RegionsSection};

/// Adjustments to the manifest checks.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSection {
    /// Region names to accept besides the built-in list (Heroku adds regions over time).
    #[serde(default)]
    pub extra_regions: Vec<String>,
}

/// Where the partner listens, overriding the manifest's production URLs (for local runs), and
/// how to start it when the harness runs it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerSection {
    pub base_url: Option<HttpUrl>,
    pub sso_url: Option<HttpUrl>,
    /// Start the add-on with `sh -c` for the run (`--partner-cmd`).
    pub command: Option<String>,
    /// How long the started add-on may take to accept connections on base_url's port.
    #[serde(
        default = "d60s",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub ready_timeout: Duration,
    /// Variables for the started add-on; a value `$NAME` (or `${NAME}`) is read from the
    /// harness's environment and kept secret.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

impl Default for PartnerSection {
    fn default() -> Self {
        Self {
            base_url: None,
            sso_url: None,
            command: None,
            ready_timeout: d60s(),
            env: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Plans {
    /// The plan every shared resource is provisioned on. Required for any suite that provisions.
    pub default: Option<String>,
    /// The plan used for the upgrade check.
    pub upgrade: Option<String>,
    /// A plan the partner provisions asynchronously (202); the async suite provisions a resource
    /// on it. Without it the async suite judges the shared resource.
    #[serde(rename = "async")]
    pub async_plan: Option<String>,
    /// The plan used for the downgrade check.
    pub downgrade: Option<String>,
    /// Plans that must be refused in Private Space regions.
    #[serde(default)]
    pub private_space_unavailable: Vec<String>,
    /// Plan changes the partner must refuse with 422, as [from, to] pairs.
    #[serde(default)]
    pub forbidden_transitions: Vec<[String; 2]>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionSection {
    /// The `region` sent with provisions.
    #[serde(default = "default_region")]
    pub region: String,
    /// `options` sent with every provision (string values, as the Heroku CLI sends them).
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Send the legacy `heroku_id` field (§18 Q18: on by default).
    #[serde(default = "yes")]
    pub send_heroku_id: bool,
    /// Which id goes in `PUT/DELETE {base_url}/{id}`.
    #[serde(default)]
    pub path_id: PathId,
}

impl Default for ProvisionSection {
    fn default() -> Self {
        Self {
            region: default_region(),
            options: BTreeMap::new(),
            send_heroku_id: true,
            path_id: PathId::Uuid,
        }
    }
}

fn default_region() -> String {
    DEFAULT_REGION.to_owned()
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    /// Per-request limit on a partner call; a call still running then is a transport failure.
    #[serde(
        default = "d35s",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub request: Duration,
    #[serde(
        default = "d10s",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub connect: Duration,
    /// Slower answers warn (TIME-01).
    #[serde(
        default = "d3s",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub warn_after: Duration,
    /// Slower answers fail (TIME-02).
    #[serde(
        default = "d30s",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub fail_after: Duration,
    /// How long an asynchronous provision may take before ASYNC-03 fails (Heroku allows 12 hours;
    /// set it to what your provisioning takes).
    #[serde(
        default = "d10m",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub provision_action: Duration,
    /// How long an asynchronous deprovision (answered 202, with `[deprovision] async`) may take
    /// to call actions/deprovision before ASYNC-07 fails.
    #[serde(
        default = "d10m",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub deprovision_action: Duration,
    /// How long to wait for a callback the partner owes (grant exchange, provision action).
    #[serde(
        default = "d60s",
        deserialize_with = "duration",
        serialize_with = "ser_duration"
    )]
    pub callback: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            request: d35s(),
            connect: d10s(),
            warn_after: d3s(),
            fail_after: d30s(),
            callback: d60s(),
            provision_action: d10m(),
            deprovision_action: d10m(),
        }
    }
}

fn d3s() -> Duration {
    Duration::from_secs(3)
}
fn d10s() -> Duration {
    Duration::from_secs(10)
}
fn d30s() -> Duration {
    Duration::from_secs(30)
}
fn d10m() -> Duration {
    Duration::from_secs(600)
}
fn d60s() -> Duration {
    Duration::from_secs(60)
}
fn d35s() -> Duration {
    Duration::from_secs(35)
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Response bodies beyond this many bytes are cut off and reported.
    #[serde(default = "mib")]
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: mib(),
        }
    }
}

fn mib() -> usize {
    1 << 20
}

/// `[hooks]`: shell commands that make the partner act (see `crate::hooks`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HooksSection {
    /// Makes the partner rotate the credentials of `{resource_uuid}` (it PATCHes the config).
    pub rotate: Option<String>,
    /// Exits 0 when the credentials in its environment (the manifest's config var names) work.
    pub verify_credentials: Option<String>,
    /// Makes the add-on write a line to `{resource_uuid}`'s log input (LOG-02), for add-ons
    /// that do not write one on their own after provisioning.
    pub write_log: Option<String>,
    /// How long a hook may run (default 30s).
    #[serde(
        default,
        deserialize_with = "opt_duration",
        serialize_with = "ser_opt_duration"
    )]
    pub timeout: Option<Duration>,
    /// How long to wait for the config PATCH after the rotate hook (default: timeouts.callback).
    #[serde(
        default,
        deserialize_with = "opt_duration",
        serialize_with = "ser_opt_duration"
    )]
    pub rotation_timeout: Option<Duration>,
}

/// `[deprovision]` in the config.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeprovisionSection {
    /// The partner is enrolled in Heroku's asynchronous deprovisioning beta: a DELETE may be
    /// answered 202, followed by `POST /addons/{uuid}/actions/deprovision`.
    #[serde(default, rename = "async")]
    pub asynchronous: bool,
}

/// `[sharing]` in the config.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SharingSection {
    /// The name the attachment to a second app is given, as a user would with `--as`.
    /// Without it Heroku's heuristic picks one.
    pub attach_as: Option<String>,
    /// The name of the second attachment of the shared resource to its own app (ATT-06).
    /// Without it Heroku's heuristic picks one (a colour).
    pub attach_again_as: Option<String>,
}

/// `[run]` in the config: how the run is carried out.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    /// Suites run at once (`--jobs` overrides it); 1 is the serial run (the run's copies of the
    /// shared resources shared, the fewest billable provisions).
    pub jobs: Option<usize>,
}
