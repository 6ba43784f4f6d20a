//! What a check can reach: the run's inputs, the partner client, shared resources and the
//! outcomes of earlier checks.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::sync::OnceCell;

use crate::config::Settings;
use crate::error::HarnessError;
use crate::heroku::{self, App, ProvisionSpec};
use crate::journal::Journal;
use crate::manifest::Manifest;
use crate::outcome::{Outcome, Verdict};
use crate::partner::client::ClientSettings;
use crate::partner::ledger::Ledger;
use crate::partner::{Credentials, PartnerClient, Reply};
use crate::platform::Platform;
use crate::redact::Redactor;

/// Origin put into `callback_url` until a fake platform serves it. Loopback discard port: a
/// partner that calls back gets a refused connection, never another host.
pub const PLACEHOLDER_PLATFORM: &str = "http://127.0.0.1:9";

pub struct RunCtx {
    pub manifest: Manifest,
    pub settings: Settings,
    pub partner: PartnerClient,
    pub redactor: Arc<Redactor>,
    pub journal: Arc<Journal>,
    pub ledger: Arc<Ledger>,
    /// The app shared resources are installed on.
    pub app: App,
    pub platform_origin: String,
    /// The fake Heroku the partner calls back; absent in unit tests of single checks.
    pub platform: Option<Arc<Platform>>,
    /// The interception and the add-on's process, when the run started them.
    pub target: Option<Arc<super::target::Target>>,
    resources: Mutex<HashMap<String, Arc<OnceCell<Arc<Provisioned>>>>>,
    memos: Mutex<HashMap<&'static str, Arc<OnceCell<Memo>>>>,
    outcomes: Mutex<HashMap<String, Outcome>>,
}

type Memo = Arc<dyn Any + Send + Sync>;

/// A provision the harness made, successful or not.
#[derive(Debug)]
pub struct Provisioned {
    pub key: String,
    pub uuid: String,
    pub plan: String,
    /// The body sent (raw; holds the grant code).
    pub request: Value,
    pub reply: Reply,
    gone: Mutex<Option<String>>,
    /// The plan the partner last confirmed (200 to a plan change).
    current_plan: Mutex<String>,
}

impl Provisioned {
    /// Why the resource no longer exists, if it does not.
    pub fn gone(&self) -> Option<String> {
        self.gone.lock().ok().and_then(|g| g.clone())
    }

    pub fn mark_gone(&self, why: impl Into<String>) {
        if let Ok(mut g) = self.gone.lock() {
            g.get_or_insert(why.into());
        }
    }

    pub fn current_plan(&self) -> String {
        self.current_plan
            .lock()
            .map(|p| p.clone())
            .unwrap_or_else(|_| self.plan.clone())
    }

    pub fn set_current_plan(&self, plan: &str) {
        if let Ok(mut p) = self.current_plan.lock() {
            plan.clone_into(&mut p);
        }
    }

    /// True when the partner answered the provision 202.
    pub fn is_async(&self) -> bool {
        self.reply.status == Some(202)
    }
}

impl RunCtx {
    /// Builds the context of a run: redactor primed with the manifest's secrets, journal, ledger
    /// and partner client.
    pub fn build(manifest: Manifest, settings: Settings) -> Result<Self, HarnessError> {
        let redactor = Arc::new(Redactor::new());
        if let Some(salt) = &manifest.sso_salt {
            redactor.add("sso_salt", salt);
        }
        // Config values are secret wherever they appear, even in bodies that are not JSON.
        for var in &manifest.config_vars {
            redactor.add_key(var);
        }
        redactor.add_key_prefix(&format!("{}_", manifest.prefix()));
        let journal = Arc::new(Journal::new());
        let ledger = Arc::new(Ledger::default());
        let t = settings.timeouts;
        let client = PartnerClient::new(
            ClientSettings {
                base_url: settings.base_url.as_ref().map(ToString::to_string),
                username: manifest.username().to_owned(),
                password: manifest.password.clone().unwrap_or_default(),
                request_timeout: t.request,
                connect_timeout: t.connect,
                max_body_bytes: settings.limits.max_body_bytes,
                network: settings.network.clone(),
            },
            redactor.clone(),
            journal.clone(),
            ledger.clone(),
        )?;
        Ok(Self::new(
            manifest, settings, client, redactor, journal, ledger,
        ))
    }

    pub fn new(
        manifest: Manifest,
        settings: Settings,
        partner: PartnerClient,
        redactor: Arc<Redactor>,
        journal: Arc<Journal>,
        ledger: Arc<Ledger>,
    ) -> Self {
        Self {
            manifest,
            settings,
            partner,
            redactor,
            journal,
            ledger,
            app: App::random(),
            platform_origin: PLACEHOLDER_PLATFORM.to_owned(),
            platform: None,
            target: None,
            resources: Mutex::new(HashMap::new()),
            memos: Mutex::new(HashMap::new()),
            outcomes: Mutex::new(HashMap::new()),
        }
    }

    pub fn record_outcome(&self, check: &str, outcome: Outcome) {
        if let Ok(mut o) = self.outcomes.lock() {
            o.insert(check.to_owned(), outcome);
        }
    }

    pub fn outcome_of(&self, check: &str) -> Option<Outcome> {
        self.outcomes
            .lock()
            .ok()
            .and_then(|o| o.get(check).copied())
    }

    /// Attaches the platform: callbacks now go to it.
    pub fn with_platform(mut self, platform: Arc<Platform>) -> Self {
        self.platform_origin = platform.origin().to_owned();
        self.platform = Some(platform);
        self
    }

    /// Attaches what the run started besides the platform (interception, the add-on's process).
    pub fn with_target(mut self, target: Option<Arc<super::target::Target>>) -> Self {
        self.target = target;
        self
    }

    /// A provision body for a fresh uuid on `plan`, with the run's region and options, for a probe:
    /// on an app of its own, so no two probes share a `heroku_id` (a partner without
    /// many_per_app may rightly keep heroku_id unique; only the same-app checks install twice on
    /// one app). With a platform, Heroku's side of the provision is registered.
    pub fn provision_body(&self, uuid: &str, plan: &str) -> Value {
        self.provision_body_in(uuid, plan, &self.settings.provision.region)
    }

    /// A probe's provision body like `provision_body`, in `region` (the Private Space probes).
    pub fn provision_body_in(&self, uuid: &str, plan: &str, region: &str) -> Value {
        self.provision_body_on(uuid, plan, region, &App::random())
    }

    /// A provision body on the run's app: the shared resources and the same-app checks.
    pub fn same_app_body(&self, uuid: &str, plan: &str) -> Value {
        let region = self.settings.provision.region.clone();
        self.provision_body_on(uuid, plan, &region, &self.app)
    }

    /// A provision body for `uuid` on `app`.
    pub fn provision_body_on(&self, uuid: &str, plan: &str, region: &str, app: &App) -> Value {
        let cfg = &self.settings.provision;
        let name = heroku::addon_name(self.manifest.id.as_deref().unwrap_or("addon"), uuid);
        let (grant, grant_expires) = match &self.platform {
            Some(p) => p.register_provision(uuid, &name, plan, region, app),
            None => (
                uuid::Uuid::new_v4().to_string(),
                SystemTime::now() + Duration::from_secs(300),
            ),
        };
        // Registered by value, so a partner echoing them in an error page cannot leak them.
        self.redactor.add("code", &grant);
        self.redactor.add("log_drain_token", &format!("d.{uuid}"));
        heroku::provision_body(
            &self.manifest,
            &ProvisionSpec {
                uuid,
                plan,
                region,
                options: &cfg.options,
                app,
                platform_origin: &self.platform_origin,
                grant_code: &grant,
                grant_expires,
                send_heroku_id: cfg.send_heroku_id,
            },
        )
    }

    /// Sends a provision and tells the platform how the partner answered.
    pub async fn provision(&self, body: &Value, credentials: Credentials, label: &str) -> Reply {
        let reply = self.partner.provision(body, credentials, label).await;
        if let (Some(p), Some(uuid)) = (&self.platform, body.get("uuid").and_then(Value::as_str)) {
            p.record_answer(uuid, &reply);
        }
        reply
    }

    /// Sends a deprovision; when the partner removed the resource, so does the platform.
    pub async fn deprovision(&self, uuid: &str, credentials: Credentials, label: &str) -> Reply {
        let real = credentials == Credentials::Manifest;
        let reply = self.partner.deprovision(uuid, credentials, label).await;
        // Heroku only considers a resource gone when it asked for the removal itself.
        let removed = real
            && reply
                .status
                .is_some_and(|s| (200..300).contains(&s) || s == 404 || s == 410);
        if let (Some(p), true) = (&self.platform, removed) {
            p.record_deprovision(uuid);
        }
        reply
    }

    /// The default plan; suites that provision are refused up front without one.
    pub fn default_plan(&self) -> &str {
        self.settings.default_plan().unwrap_or_default()
    }

    /// The shared resource `key`, provisioned on first use. The attempt is returned whatever the
    /// partner answered; see `live_resource` for a usable one.
    pub async fn resource(&self, key: &str) -> Arc<Provisioned> {
        // Without an async plan, the async suite judges the shared resource.
        let async_plan = self.settings.plans.async_plan.clone();
        let key = if key == "async" && async_plan.is_none() {
            "primary"
        } else {
            key
        };
        let plan = match key {
            "async" => async_plan.unwrap_or_default(),
            _ => self.default_plan().to_owned(),
        };
        let cell = {
            let mut map = match self.resources.lock() {
                Ok(m) => m,
                Err(poisoned) => poisoned.into_inner(),
            };
            map.entry(key.to_owned()).or_default().clone()
        };
        cell.get_or_init(|| async {
            let uuid = uuid::Uuid::new_v4().to_string();
            // Further shared resources join the primary's app only when the add-on allows several
            // installs per app; otherwise each gets an app of its own.
            let request = if key == "primary" || self.manifest.requires("many_per_app") {
                self.same_app_body(&uuid, &plan)
            } else {
                self.provision_body(&uuid, &plan)
            };
            let reply = self
                .provision(&request, Credentials::Manifest, &format!("provision {key}"))
                .await;
            Arc::new(Provisioned {
                key: key.to_owned(),
                uuid,
                current_plan: Mutex::new(plan.clone()),
                plan,
                request,
                reply,
                gone: Mutex::new(None),
            })
        })
        .await
        .clone()
    }

    /// A value several checks share (e.g. one SSO login), computed on first use by `init`.
    /// Returns None only when `key` was first computed with another type (a harness bug).
    pub async fn memo<T, F>(&self, key: &'static str, init: F) -> Option<Arc<T>>
    where
        T: Any + Send + Sync,
        F: Future<Output = T>,
    {
        let cell = {
            let mut map = match self.memos.lock() {
                Ok(m) => m,
                Err(poisoned) => poisoned.into_inner(),
            };
            map.entry(key).or_default().clone()
        };
        let value = cell
            .get_or_init(|| async { Arc::new(init.await) as Memo })
            .await
            .clone();
        value.downcast::<T>().ok()
    }

    /// The shared resource `key` if the partner created it and it still exists; otherwise the
    /// verdict that blocks the calling check.
    pub async fn live_resource(&self, key: &str) -> Result<Arc<Provisioned>, Verdict> {
        let res = self.resource(key).await;
        if !res.reply.is_success() {
            return Err(Verdict::Blocked(format!(
                "the shared resource `{key}` could not be provisioned: {} (see PROV-02)",
                res.reply.exchange.summary()
            )));
        }
        if let Some(why) = res.gone() {
            return Err(Verdict::Blocked(format!(
                "the shared resource `{key}` no longer exists: {why}"
            )));
        }
        Ok(res)
    }
}

/// What one check sees.
pub struct CheckCtx<'a> {
    pub run: &'a RunCtx,
    pub params: &'a toml::Table,
}

impl std::ops::Deref for CheckCtx<'_> {
    type Target = RunCtx;
    fn deref(&self) -> &RunCtx {
        self.run
    }
}
