//! The reference partner: a conformant add-on written the way we would want a partner to write
//! it, with named faults that each break one behaviour. `demo`, `serve-reference` and the fault
//! zoo test run the harness against it. It listens on loopback only.

mod admin;
mod behaviour;
mod callbacks;
pub mod faults;
mod pace;
mod plans;
mod provision;
mod reach;
mod regions;
mod routes;
mod sharing;
mod sso;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::sync::oneshot;

pub use faults::{Fault, FaultSet};
pub use reach::{HerokuReach, ReferenceOptions, ReferenceSecrets};

use behaviour::{Behaviour, SsoFlow};

use crate::error::HarnessError;

/// The reference add-on's slug.
pub const ADDON_ID: &str = "conformance-ref";
/// Its config var prefix.
pub const PREFIX: &str = "CONFORMANCE_REF";
/// Plans it offers.
pub const PLANS: &[&str] = &["basic", "premium", "deferred", "hobby"];
/// Plans it provisions asynchronously (answering 202, finishing through the Platform API).
pub const ASYNC_PLANS: &[&str] = &["deferred"];
/// Plans it does not offer in Private Spaces.
pub const PRIVATE_SPACE_UNAVAILABLE: &[&str] = &["hobby"];
/// Plan changes it refuses (usage would exceed the smaller plan), as (from, to).
pub const FORBIDDEN_TRANSITIONS: &[(&str, &str)] = &[("premium", "hobby")];
/// Private Space regions it serves: the AWS regions of Heroku's Private Space list that no
/// Common Runtime region uses.
pub const PRIVATE_SPACE_REGIONS: &[&str] = &[
    "amazon-web-services::us-west-2",
    "amazon-web-services::eu-central-1",
    "amazon-web-services::eu-west-2",
    "amazon-web-services::ca-central-1",
    "amazon-web-services::ap-south-1",
    "amazon-web-services::ap-southeast-1",
    "amazon-web-services::ap-southeast-2",
    "amazon-web-services::ap-northeast-1",
];
/// Provisioning options it understands.
pub const KNOWN_OPTIONS: &[&str] = &["size"];

/// A resource as the reference partner stores it, keyed by Heroku's uuid.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    pub provider_id: serde_json::Value,
    pub plan: String,
    pub config: serde_json::Map<String, serde_json::Value>,
    pub removed: bool,
    /// Rows stored behind the uuid beyond the first (the duplicate-rows fault): each removal
    /// deletes one row.
    pub extra_rows: u32,
}

impl State {
    /// The uuid of the resource a plan change or removal names in its path: the path id itself,
    /// or for a partner keyed by its own id, the uuid of the resource with that provider id.
    pub(crate) fn key_of(&self, path_id: &str) -> String {
        if !self.behaviour.provision.keyed_by_own_id {
            return path_id.to_owned();
        }
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.resources
            .lock()
            .ok()
            .and_then(|r| {
                r.iter()
                    .find(|(_, x)| text(&x.provider_id) == path_id)
                    .map(|(k, _)| k.clone())
            })
            .unwrap_or_else(|| format!("no-resource-with-id:{path_id}"))
    }
}

pub(crate) struct State {
    pub behaviour: Behaviour,
    pub password: String,
    pub client_secret: String,
    /// For callbacks to the platform: without a proxy to a loopback origin from callback_url,
    /// or, with hardcoded hosts, through the interception proxy only.
    pub http: reqwest::Client,
    pub resources: Mutex<HashMap<String, Resource>>,
    pub sso_salt: String,
    /// SSO sessions: cookie value -> resource uuid.
    pub sessions: Mutex<HashMap<String, String>>,
    /// The first user (email) who signed in to each resource (for the first-user fault).
    pub first_users: Mutex<HashMap<String, String>>,
    /// Each resource's log input URL (the provision's `log_input_url`).
    pub log_inputs: Mutex<HashMap<String, String>>,
    /// The most attachments each resource was seen with at a login (for the detach fault).
    pub attachment_counts: Mutex<HashMap<String, usize>>,
    /// The timing faults delay only the first provision.
    pub delayed: AtomicBool,
    /// The next integer provider id (the integer-id variants), one sequence like a database's.
    pub next_id: AtomicU64,
    /// Secrets the platform sent (OAuth grant codes, tokens, log drain tokens), for leak scans.
    pub received_secrets: Mutex<Vec<String>>,
    /// Which app each install belongs to (for the sharing faults).
    pub installs: sharing::Installs,
    /// Latency and grant handling (not faults).
    pub options: ReferenceOptions,
}

/// A running reference partner.
pub struct ReferencePartner {
    pub addr: SocketAddr,
    pub password: String,
    pub sso_salt: String,
    pub client_secret: String,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl ReferencePartner {
    /// Binds `bind` (use port 0) and serves until `stop`.
    pub async fn start(faults: FaultSet, bind: SocketAddr) -> Result<Self, HarnessError> {
        Self::start_with(faults, bind, ReferenceOptions::default()).await
    }

    /// Like `start`, with options that are not faults: latency, grants never exchanged, and with
    /// `options.heroku` calls to `https://id.heroku.com` and `https://api.heroku.com` directly
    /// through that proxy instead of deriving the origin from callback_url.
    pub async fn start_with(
        faults: FaultSet,
        bind: SocketAddr,
        options: ReferenceOptions,
    ) -> Result<Self, HarnessError> {
        let heroku = options.heroku.clone();
        crate::tls::install_provider();
        let mut behaviour = Behaviour::of(&faults);
        let http = match &heroku {
            Some(reach) => {
                behaviour.callbacks.hosts = behaviour::HerokuHosts::Hardcoded;
                reach.client()?
            }
            None => reqwest::Client::builder()
                .no_proxy()
                .timeout(std::time::Duration::from_secs(5))
                .build()
                .map_err(|e| {
                    HarnessError::Internal(format!("reference partner HTTP client: {e}"))
                })?,
        };
        let (listener, addr) = listen(bind).await?;
        let ReferenceSecrets {
            password,
            sso_salt,
            client_secret,
        } = options.secrets.clone().unwrap_or_else(|| ReferenceSecrets {
            password: secret(),
            sso_salt: secret(),
            client_secret: secret(),
        });
        let state = Arc::new(State {
            behaviour,
            password: password.clone(),
            client_secret: client_secret.clone(),
            http,
            resources: Mutex::new(HashMap::new()),
            sso_salt: sso_salt.clone(),
            sessions: Mutex::new(HashMap::new()),
            first_users: Mutex::new(HashMap::new()),
            attachment_counts: Mutex::new(HashMap::new()),
            log_inputs: Mutex::new(HashMap::new()),
            delayed: AtomicBool::new(false),
            next_id: AtomicU64::new(0),
            received_secrets: Mutex::new(Vec::new()),
            installs: sharing::Installs::default(),
            options,
        });
        let app = routes::router(state.clone()).merge(admin::router(state.clone()));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            password,
            sso_salt,
            client_secret,
            state,
            shutdown: Some(tx),
            task,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/heroku/resources", self.addr)
    }

    pub fn sso_url(&self) -> String {
        format!("http://{}/sso/login", self.addr)
    }

    /// Resources that exist and were not removed.
    pub fn live_resources(&self) -> usize {
        self.state
            .resources
            .lock()
            .map(|r| r.values().filter(|x| !x.removed).count())
            .unwrap_or(0)
    }

    /// Every secret this partner holds, handed out or received: password, salt, config values,
    /// OAuth client secret, grant codes and tokens, log drain tokens, and SSO session cookies.
    pub fn secrets(&self) -> Vec<String> {
        let mut out = vec![
            self.password.clone(),
            self.sso_salt.clone(),
            self.client_secret.clone(),
        ];
        if let Ok(s) = self.state.sessions.lock() {
            out.extend(s.keys().cloned());
        }
        if let Ok(seen) = self.state.received_secrets.lock() {
            out.extend(seen.iter().cloned());
        }
        out.extend(self.state.installs.secrets());
        if let Ok(r) = self.state.resources.lock() {
            for res in r.values() {
                out.extend(
                    res.config
                        .values()
                        .filter_map(|v| v.as_str().map(str::to_owned)),
                );
            }
        }
        out
    }

    /// The manifest as `addons:admin:manifest:generate` would write it for this add-on, with
    /// https production URLs (the config points the run at loopback) and the manifest faults.
    pub fn manifest_text(&self) -> String {
        let m = &self.state.behaviour.manifest;
        let mut config_vars = vec![format!("{PREFIX}_URL"), format!("{PREFIX}_API_KEY")];
        config_vars.extend(m.extra_config_vars.iter().cloned());
        let mut requires = vec!["log_input", "syslog_drain", "many_per_app", "attachable"];
        requires.retain(|r| m.many_per_app || *r != "many_per_app");
        let mut production = json!({
            "base_url": format!("{}://{ADDON_ID}.invalid/heroku/resources", m.base_url_scheme),
        });
        if self.state.behaviour.sso.flow == SsoFlow::V3 {
            production["sso_url"] = json!(format!("https://{ADDON_ID}.invalid/sso/login"));
        }
        let mut api = json!({
            "config_vars_prefix": PREFIX,
            "config_vars": config_vars,
            "password": if m.password { self.password.as_str() } else { "" },
            "regions": m.regions,
            "requires": requires,
            "production": production,
            "version": m.version,
        });
        if m.sso_salt {
            api["sso_salt"] = json!(self.sso_salt);
        }
        if m.username {
            api["username"] = json!(ADDON_ID);
        }
        let mut manifest = json!({"name": "Conformance Reference", "api": api});
        if m.id {
            manifest["id"] = json!(ADDON_ID);
        }
        serde_json::to_string_pretty(&manifest).unwrap_or_default()
    }

    /// A commented config that points `run` at this partner.
    pub fn config_text(&self) -> String {
        format!(
            r#"# addon-conformance config for the reference partner, written by `serve-reference`.
# Every key is optional; `addon-conformance init` explains each one for your own add-on.

[partner]
# Where the partner listens for this run; overrides api.production in the manifest, whose
# https URLs are still what the manifest suite checks.
base_url = "{base}"
{sso}

[plans]
# The plan shared resources are provisioned on, the targets of the upgrade and downgrade
# checks, the plans refused in Private Spaces, and plan changes that must get 422.
default = "basic"
upgrade = "premium"
downgrade = "basic"
private_space_unavailable = ["hobby"]
forbidden_transitions = [["premium", "hobby"]]

# A plan the partner provisions asynchronously (202); the async suite provisions one resource on it.
async = "deferred"

[regions]
# Private Space region strings (Heroku does not publish them; the default is the AWS form of
# the oregon space) and a region string no add-on knows.
private_space = ["amazon-web-services::us-west-2"]
unknown = "amazon-web-services::xx-conformance-1"

[idempotency]
# Identical provisions sent at once; 0 or 1 skips the concurrency check.
concurrent_deliveries = 5

[provision]
region = "amazon-web-services::us-east-1"{path_id}

[timeouts]
# The reference answers in milliseconds, so short budgets keep the timing faults quick.
request = "5s"
connect = "2s"
warn_after = "600ms"
fail_after = "1200ms"
# How long to wait for callbacks the partner owes (grant exchange, provision action).
callback = "3s"
# How long an asynchronous provision may take before it counts as never completed.
provision_action = "3s"
# How long an asynchronous deprovision may take to call actions/deprovision.
deprovision_action = "3s"
{deprovision}

[hooks]
# Make the partner rotate a resource's credentials (it PATCHes the config through the Platform
# API), and check a credential: the verify hook gets the config vars, under the manifest's
# names, in its environment (after a rotation: the OLD values). Placeholders: {{resource_uuid}},
# {{provider_id}}, {{app}}, {{app_id}}, {{heroku_id}}, {{plan}}. These use curl.
rotate = "curl -fsS -X POST http://{addr}/admin/rotate/{{resource_uuid}}"
write_log = "curl -fsS -X POST http://{addr}/admin/log/{{resource_uuid}}"
verify_credentials = "curl -fsS -o /dev/null -H \"Authorization: Bearer $CONFORMANCE_REF_API_KEY\" http://{addr}/admin/verify/{{resource_uuid}}"
timeout = "10s"

[sharing]
# The name the shared resource is attached under on a second app (as `--as` would give it).
attach_as = "ATTACHED"

[platform]
# The partner's OAuth client secret, used only at the token endpoint.
client_secret = "{secret}"
# Short lifetimes exercise the partner's refresh and expiry handling.
token_ttl = "60s"
grant_ttl = "1s"
"#,
            base = self.base_url(),
            sso = if self.state.behaviour.sso.flow == SsoFlow::Legacy {
                "# no sso_url: the manifest has none, so logins use the legacy GET flow".to_owned()
            } else {
                format!("sso_url = \"{}\"", self.sso_url())
            },
            secret = self.client_secret,
            addr = self.addr,
            deprovision = if self.state.behaviour.deprovision.enrolled {
                "\n[deprovision]\n# Enrolled in Heroku's asynchronous deprovisioning beta: DELETE answers 202.\nasync = true\n"
            } else {
                ""
            },
            path_id = if self.state.behaviour.provision.keyed_by_own_id {
                "\n# This partner names resources by its own id in plan changes and removals.\npath_id = \"provider\""
            } else {
                ""
            },
        )
    }

    /// Takes the shutdown trigger: sending on it stops the partner accepting calls (to simulate a
    /// partner dying mid-run). `stop` still waits for the server to end.
    pub fn kill_switch(&mut self) -> Option<oneshot::Sender<()>> {
        self.shutdown.take()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// A listener on `bind`, which must be loopback, and its address.
async fn listen(bind: SocketAddr) -> Result<(tokio::net::TcpListener, SocketAddr), HarnessError> {
    if !bind.ip().is_loopback() {
        return Err(HarnessError::usage(
            format!("the reference partner binds loopback only, not {bind}"),
            "use 127.0.0.1",
        ));
    }
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| {
        HarnessError::usage(
            format!("cannot listen on {bind}: {e}"),
            "choose another --port",
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| HarnessError::Internal(format!("no local address: {e}")))?;
    Ok((listener, addr))
}

/// 32 random alphanumeric characters, like `manifest:generate`.
fn secret() -> String {
    let a = uuid::Uuid::new_v4().simple().to_string();
    let b = uuid::Uuid::new_v4().simple().to_string();
    format!("{}{}", &a[..16], &b[..16])
}
