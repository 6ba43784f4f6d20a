//! The platform: our fake Heroku, the only code that serves the partner's callbacks. One origin
//! serves the Identity token endpoint, the Platform API for Partners, the legacy App Info API
//! (`/vendor/apps`) and the apps' log input (`/logs/{uuid}`), so a provision's `callback_url` is
//! `{origin}/addons/{uuid}`. Every inbound call is journaled.

mod api;
mod attachments;
pub mod collaborators;
pub mod deprovision;
mod http;
mod identity;
pub mod inbound;
pub mod logplex;
pub mod logs;
pub mod state;
mod vendor;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::sync::oneshot;

use crate::error::HarnessError;
use crate::heroku::App;
use crate::heroku::naming;
use crate::partner::Reply;
use crate::record::RunClock;
use crate::redact::Redactor;
use inbound::InboundJournal;
use state::{AddonRecord, AddonState, Model};

/// A caller gets this long for its request headers (bodies: `http::BODY_READ_LIMIT`); at the
/// end of a run, calls still open get a short grace and are then cut.
const SERVE_LIMITS: crate::serve::ServeLimits = crate::serve::ServeLimits {
    header_read: Duration::from_secs(10),
    grace: Duration::from_secs(2),
};

/// How the platform behaves; from the config's `[platform]` section.
#[derive(Debug, Clone)]
pub struct PlatformSettings {
    pub bind: SocketAddr,
    /// Public origin when the partner reaches us through a tunnel; else `http://{bind}`.
    pub url: Option<String>,
    /// The partner's OAuth client secret; without it every token request is refused.
    pub client_secret: Option<String>,
    pub token_ttl: Duration,
    pub grant_ttl: Duration,
    pub max_body_bytes: usize,
    /// Serve `POST /conformance/grants` (standalone `platform` command only).
    pub admin: bool,
}

pub(crate) struct Shared {
    pub model: Mutex<Model>,
    pub journal: InboundJournal,
    pub settings: PlatformSettings,
    pub redactor: Arc<Redactor>,
    pub origin: String,
    /// The manifest's `api.password`, for the App Info API's Basic auth.
    pub password: Option<String>,
    /// What the partner wrote to the apps' logs, raw (for LOG-02's judge).
    pub logs: logs::LogStore,
    /// The bearer token `POST /conformance/grants` needs (standalone mode only).
    pub admin_token: Option<String>,
}

impl Shared {
    pub fn model(&self) -> MutexGuard<'_, Model> {
        match self.model.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// A running platform.
pub struct Platform {
    shared: Arc<Shared>,
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

/// What the platform needs from the manifest.
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    pub slug: String,
    pub prefix: String,
    /// `None` accepts any config var name (standalone platform without a manifest).
    pub config_vars: Option<Vec<String>>,
    /// The manifest's `api.password`: with the slug, the Basic auth of the legacy App Info API.
    /// `None` refuses every App Info call.
    pub password: Option<String>,
    /// The manifest requires `log_input`: attachments and App Info carry a `log_input_url`.
    pub log_input: bool,
}

impl ServiceInfo {
    pub fn from_manifest(m: &crate::manifest::Manifest) -> Self {
        Self {
            slug: m.id.clone().unwrap_or_default(),
            prefix: m.prefix(),
            config_vars: Some(m.config_vars.clone()),
            password: m.password.clone(),
            log_input: m.requires("log_input"),
        }
    }

    /// The standalone platform without a manifest: any config var name, no App Info API.
    pub fn standalone() -> Self {
        Self {
            slug: "addon".into(),
            prefix: "ADDON".into(),
            config_vars: None,
            password: None,
            log_input: false,
        }
    }
}

impl Platform {
    /// Starts a platform on a clock of its own (standalone `platform` command).
    pub async fn start(
        settings: PlatformSettings,
        service: ServiceInfo,
        redactor: Arc<Redactor>,
    ) -> Result<Self, HarnessError> {
        Self::start_on(settings, service, redactor, RunClock::start()).await
    }

    /// Starts a platform whose journal counts from the run's clock.
    pub async fn start_on(
        settings: PlatformSettings,
        service: ServiceInfo,
        redactor: Arc<Redactor>,
        clock: RunClock,
    ) -> Result<Self, HarnessError> {
        let listener = tokio::net::TcpListener::bind(settings.bind)
            .await
            .map_err(|e| {
                HarnessError::usage(
                    format!("the platform cannot listen on {}: {e}", settings.bind),
                    "choose another address with --platform-bind (or [platform] bind)",
                )
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| HarnessError::Internal(format!("no local address: {e}")))?;
        if let Some(secret) = &settings.client_secret {
            redactor.add("client_secret", secret);
        }
        if let Some(password) = &service.password {
            redactor.add("password", password);
        }
        let origin = settings
            .url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_owned();
        let mut model = Model::new(
            &service.slug,
            &service.prefix,
            service.config_vars.clone().unwrap_or_default(),
        );
        model.any_config_name = service.config_vars.is_none();
        model.log_input = service.log_input;
        let admin_token = settings
            .admin
            .then(|| format!("adm_{}", uuid::Uuid::new_v4().simple()));
        if let Some(token) = &admin_token {
            redactor.add("admin_token", token);
        }
        let shared = Arc::new(Shared {
            model: Mutex::new(model),
            journal: InboundJournal::on(clock),
            settings,
            redactor,
            origin,
            password: service.password,
            logs: logs::LogStore::default(),
            admin_token,
        });
        let router = http::router(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(crate::serve::serve(listener, router, SERVE_LIMITS, async {
            let _ = rx.await;
        }));
        Ok(Self {
            shared,
            addr,
            shutdown: Some(tx),
            task,
        })
    }

    /// The token to send as `Authorization: Bearer …` to `POST /conformance/grants`.
    pub fn admin_token(&self) -> Option<&str> {
        self.shared.admin_token.as_deref()
    }

    pub fn origin(&self) -> &str {
        &self.shared.origin
    }

    pub fn journal(&self) -> &InboundJournal {
        &self.shared.journal
    }

    /// The router serving every inbound call, for another listener (the interception proxy's
    /// TLS side); calls it serves are journaled like any other.
    pub fn router(&self) -> axum::Router {
        http::router(self.shared.clone())
    }

    /// Journals an entry the platform did not answer itself (a connection the interception
    /// proxy refused), on the platform's clock.
    pub fn journal_sink(&self) -> Arc<dyn Fn(crate::record::Inbound) + Send + Sync> {
        let shared = self.shared.clone();
        Arc::new(move |mut entry: crate::record::Inbound| {
            entry.at_ms = shared.journal.elapsed_ms();
            shared.journal.push(entry);
        })
    }

    pub fn has_client_secret(&self) -> bool {
        self.shared.settings.client_secret.is_some()
    }

    pub fn token_ttl(&self) -> Duration {
        self.shared.settings.token_ttl
    }

    /// Reads the model (for checks and tests).
    pub fn with_model<R>(&self, f: impl FnOnce(&Model) -> R) -> R {
        f(&self.shared.model())
    }

    /// Heroku's side of sending a provision: the resource exists (provisioning), attached to
    /// its app under a name from Heroku's heuristic, and a grant is issued. Returns the grant
    /// code and its expiry.
    pub fn register_provision(
        &self,
        uuid: &str,
        name: &str,
        plan: &str,
        region: &str,
        app: &App,
    ) -> (String, SystemTime) {
        match self.register_provision_as(uuid, name, plan, region, app, None) {
            Ok(grant) => grant,
            // Only an exhausted colour pool gets here: name the attachment after the resource.
            Err(_) => {
                let attachment = naming::normalize(name);
                self.register(uuid, name, plan, region, app, &attachment)
            }
        }
    }

    /// `register_provision` with the name the user gave (`--as`); a conflict is an error and
    /// nothing is registered.
    pub fn register_provision_as(
        &self,
        uuid: &str,
        name: &str,
        plan: &str,
        region: &str,
        app: &App,
        user: Option<&str>,
    ) -> Result<(String, SystemTime), naming::NamingError> {
        let attachment = {
            let mut m = self.shared.model();
            m.add_heroku_app(app);
            m.choose_name(&app.id, user, None, None, &mut naming::random_index)?
        };
        let grant = self.register(uuid, name, plan, region, app, &attachment);
        if user.is_some() {
            let mut m = self.shared.model();
            let id = m
                .attachments
                .iter()
                .find(|a| a.addon == uuid && a.app_id == app.id)
                .map(|a| a.id.clone());
            m.user_named.extend(id);
        }
        Ok(grant)
    }

    fn register(
        &self,
        uuid: &str,
        name: &str,
        plan: &str,
        region: &str,
        app: &App,
        attachment: &str,
    ) -> (String, SystemTime) {
        let mut m = self.shared.model();
        m.add_heroku_app(app);
        m.create_addon(
            AddonRecord {
                uuid: uuid.to_owned(),
                name: name.to_owned(),
                plan: plan.to_owned(),
                region: region.to_owned(),
                state: AddonState::Provisioning,
                provider_id: None,
                config: BTreeMap::new(),
                app_id: app.id.clone(),
            },
            attachment,
        );
        let ttl = self.shared.settings.grant_ttl;
        (m.issue_grant(uuid, ttl), SystemTime::now() + ttl)
    }

    /// Attaches resource `uuid` to a further app, or a second time to its own app, as Heroku
    /// does: a name from the heuristic (`user` first; a conflict is an error), a release on that
    /// app once the resource is provisioned, no partner call (ATT-05).
    pub fn attach(
        &self,
        uuid: &str,
        app: &App,
        user: Option<&str>,
    ) -> Result<state::Attachment, naming::NamingError> {
        let mut m = self.shared.model();
        m.add_heroku_app(app);
        m.attach_named(uuid, &app.id, user, &mut naming::random_index)
    }

    /// Removes an attachment (no partner call); false when it does not exist.
    pub fn detach(&self, attachment_id: &str) -> bool {
        self.shared.model().detach_released(attachment_id)
    }

    /// The config vars an app sees, renamed per attachment.
    pub fn app_config(&self, app_id: &str) -> BTreeMap<String, String> {
        self.shared.model().app_config(app_id)
    }

    /// Applies the partner's answer to a provision.
    pub fn record_answer(&self, uuid: &str, reply: &Reply) {
        let mut m = self.shared.model();
        let body = reply.json.as_ref().ok();
        let recommended = body
            .and_then(|b| b.get("recommended_prefix"))
            .and_then(Value::as_str);
        if let (Some(r), Some(200..=299)) = (recommended, reply.status) {
            m.apply_recommendation(uuid, r);
        }
        let provider_id = body
            .and_then(|b| b.get("id"))
            .map(|id| match id {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        match reply.status {
            Some(202) => m.async_answer(uuid, &provider_id),
            Some(s) if (200..300).contains(&s) => {
                let config = body
                    .and_then(|b| b.get("config"))
                    .and_then(Value::as_object)
                    .map(|c| {
                        c.iter()
                            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default();
                m.sync_answer(uuid, &provider_id, config);
            }
            _ => m.refused(uuid),
        }
    }

    /// The partner removed the resource.
    pub fn record_deprovision(&self, uuid: &str) {
        self.shared.model().deprovision(uuid);
    }

    /// The partner answered the DELETE with 202 (async deprovisioning beta): the resource is
    /// `deprovisioning` until the partner's deprovision action (journaled as
    /// `InboundKind::DeprovisionAction` with the resource). False when it is not live.
    pub fn record_async_deprovision(&self, uuid: &str) -> bool {
        self.shared.model().begin_async_deprovision(uuid)
    }

    /// A DELETE the harness sent neither removed the resource nor was answered 202: the
    /// deprovisioning begun for it (`record_async_deprovision` before sending) is cancelled.
    pub fn cancel_async_deprovision(&self, uuid: &str, state: AddonState) {
        self.shared.model().cancel_async_deprovision(uuid, state);
    }

    /// Whether the partner holds, or can still obtain, a token for `uuid` (a call it owes for
    /// the resource can come at all).
    pub fn token_prospect(&self, uuid: &str) -> state::TokenProspect {
        self.shared.model().token_prospect(uuid)
    }

    /// The state of resource `uuid` in Heroku's model.
    pub fn addon_state(&self, uuid: &str) -> Option<AddonState> {
        self.shared.model().addons.get(uuid).map(|a| a.state)
    }

    /// The users with access to `app` (owner first, then the collaborator), as
    /// `GET /apps/{app}/collaborators` lists them; SSO logins can be made as each.
    pub fn collaborators(&self, app: &App) -> Vec<collaborators::Collaborator> {
        let mut m = self.shared.model();
        m.add_heroku_app(app);
        m.collaborators(&app.id)
    }

    /// What the partner wrote to resource `uuid`'s log input, raw, in order of arrival.
    pub fn log_writes(&self, uuid: &str) -> Vec<logs::LogWrite> {
        self.shared.logs.for_resource(uuid)
    }

    /// The app's releases, oldest first.
    pub fn releases(&self, app_id: &str) -> Vec<state::Release> {
        self.shared
            .model()
            .apps
            .get(app_id)
            .map(|a| a.releases.clone())
            .unwrap_or_default()
    }

    /// Stops serving. Connections still open after a short grace period are cut.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if tokio::time::timeout(Duration::from_secs(2), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
#[path = "tests_app_info.rs"]
mod tests_app_info;
#[cfg(test)]
#[path = "tests_heroku_pages.rs"]
mod tests_heroku_pages;
