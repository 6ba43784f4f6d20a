//! What a run holds (`RunCtx`, owned by the runner; checks see it through a `CheckCtx`): the
//! inputs, the partner client for requests, the platform, shared resources, typed memos and the
//! outcomes of earlier checks.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::sync::OnceCell;

use super::contact::Contact;
use super::holder::{Holder, Scope};
use super::owed::{Cancel, GRANT_GRACE, Owed, OwedKind, instant_of};
use super::own_id::OwnIds;
use super::resource::{Provision, Provisioned, Resource};
use super::verdict::{Stop, blocked, blocked_by, interrupted};
use crate::config::Settings;
use crate::error::HarnessError;
use crate::heroku::{self, App, ProvisionSpec};
use crate::manifest::Manifest;
use crate::partner::PartnerClient;
use crate::platform::inbound::Waited;
use crate::platform::{Platform, PlatformSettings, ServiceInfo};
use crate::record::journal::Journal;
use crate::record::ledger::Ledger;
use crate::record::outcome::{EndpointLatency, Outcome, RootCause};
use crate::record::{Inbound, RunClock};
use crate::redact::Redactor;

mod removal;
pub use removal::Removal;

/// The state of one run. The runner owns it; checks see it through a `CheckCtx`.
pub struct RunCtx {
    pub manifest: Manifest,
    pub settings: Settings,
    pub partner: PartnerClient,
    pub redactor: Arc<Redactor>,
    pub journal: Arc<Journal>,
    pub ledger: Arc<Ledger>,
    /// The app shared resources are installed on.
    pub app: App,
    /// The fake Heroku the partner calls back.
    pub platform: Arc<Platform>,
    /// Whether the partner answers at all (the runner reviews verdicts through it).
    pub contact: Contact,
    /// 404s for resources the partner keys by its own id (the runner reviews verdicts with it).
    pub own_ids: OwnIds,
    /// The interception and the add-on's process, when the run started them.
    pub target: Option<Arc<crate::target::Target>>,
    resources: Mutex<HashMap<ResourceKey, Arc<OnceCell<Arc<Provisioned>>>>>,
    /// The apps of the suites' own copies (`Holder::Suite`), made on first use.
    apps: Mutex<HashMap<Holder, App>>,
    /// Removals hold it shared; a suite's several own copies are made holding it alone.
    removals: tokio::sync::RwLock<()>,
    memos: Mutex<HashMap<MemoKey, Arc<OnceCell<Memo>>>>,
    outcomes: Mutex<HashMap<String, Outcome>>,
    /// Deadlines of the callbacks the partner owes.
    owed: Owed,
    /// Latency figures a check measured, by check ID, for its result.
    latency: Mutex<HashMap<String, Vec<EndpointLatency>>>,
    /// The run's interrupt: every wait ends when it triggers.
    interrupt: Mutex<Cancel>,
}

type Memo = Arc<dyn Any + Send + Sync>;
/// A memo is keyed by the type of its value, whose it is, and the resource copy it is about.
type MemoKey = (TypeId, Holder, Option<ResourceKey>);
/// One copy of a shared resource: which, and whose.
type ResourceKey = (Resource, Holder);

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl RunCtx {
    /// Builds the context of a run and starts its platform: redactor primed with the manifest's
    /// secrets, one clock for both journals, ledger and partner client.
    pub async fn start(manifest: Manifest, settings: Settings) -> Result<Self, HarnessError> {
        Self::start_with(manifest, settings, Arc::default()).await
    }

    /// `start` with the ledger the run keeps (on disk for `run`).
    pub async fn start_with(
        manifest: Manifest,
        settings: Settings,
        ledger: Arc<Ledger>,
    ) -> Result<Self, HarnessError> {
        let redactor = Arc::new(Redactor::new());
        if let Some(salt) = &manifest.sso_salt {
            redactor.add("sso_salt", salt);
        }
        // Config values are secret wherever they appear, even in bodies that are not JSON.
        for var in &manifest.config_vars {
            redactor.add_key(var);
        }
        redactor.add_key_prefix(&format!("{}_", manifest.prefix()));
        let clock = RunClock::start();
        let journal = Arc::new(Journal::on(clock));
        let base_url = settings.base_url.as_ref().map(ToString::to_string);
        let partner = PartnerClient::new(
            settings.client_settings(&manifest, base_url),
            redactor.clone(),
            journal.clone(),
            ledger.clone(),
        )?
        .with_sso_follow_hosts(settings.sso.follow_hosts.clone())
        .with_path_id(settings.provision.path_id);
        // One redactor for both sides: what the partner sent us and what it sent the platform.
        let platform =
            Arc::new(start_platform(&manifest, &settings, redactor.clone(), clock).await?);
        let base = settings.base_url.as_ref().map(ToString::to_string);
        let contact = Contact::new(manifest.username(), base.as_deref());
        Ok(Self {
            manifest,
            settings,
            partner,
            redactor,
            journal,
            ledger,
            app: App::random(),
            platform,
            contact,
            own_ids: OwnIds::default(),
            target: None,
            resources: Mutex::new(HashMap::new()),
            apps: Mutex::new(HashMap::new()),
            removals: tokio::sync::RwLock::new(()),
            memos: Mutex::new(HashMap::new()),
            outcomes: Mutex::new(HashMap::new()),
            owed: Owed::default(),
            latency: Mutex::new(HashMap::new()),
            interrupt: Mutex::new(Cancel::default()),
        })
    }

    /// Like `start_with`, then starts what the settings ask for besides the platform (the interception
    /// of Heroku's hosts, the add-on's process); on failure the platform is stopped again.
    pub async fn start_with_target(
        manifest: Manifest,
        settings: Settings,
        ledger: Arc<Ledger>,
    ) -> Result<Self, HarnessError> {
        let ctx = Self::start_with(manifest, settings, ledger).await?;
        let clock = ctx.journal.clock().started();
        let started =
            crate::target::Target::start(&ctx.settings, &ctx.platform, ctx.redactor.clone(), clock)
                .await;
        match started {
            Ok(target) => Ok(ctx.with_target(target)),
            Err(e) => {
                ctx.stop().await;
                Err(e)
            }
        }
    }

    /// Attaches what the run started besides the platform (interception, the add-on's process).
    pub fn with_target(mut self, target: Option<crate::target::Target>) -> Self {
        self.target = target.map(Arc::new);
        self
    }

    /// Stops the add-on's process and the interception (after the cleanup), then the platform.
    pub async fn stop(self) {
        if let Some(t) = self.target.and_then(|t| Arc::try_unwrap(t).ok()) {
            t.stop().await;
        }
        if let Ok(p) = Arc::try_unwrap(self.platform) {
            p.stop().await;
        }
    }

    /// Makes every wait of the run end when `interrupt` triggers (the runner gives it the
    /// run's interrupt).
    pub fn watch_interrupt(&self, interrupt: Cancel) {
        *locked(&self.interrupt) = interrupt;
    }

    pub fn interrupt(&self) -> Cancel {
        locked(&self.interrupt).clone()
    }

    /// Starts an obligation of the partner's with its deadline, unless it started already;
    /// returns the deadline in force (one per obligation and run).
    pub fn owe(
        &self,
        uuid: &str,
        kind: OwedKind,
        deadline: tokio::time::Instant,
    ) -> tokio::time::Instant {
        self.owed.owe(uuid, kind, deadline)
    }

    pub fn owed_deadline(&self, uuid: &str, kind: OwedKind) -> Option<tokio::time::Instant> {
        self.owed.deadline(uuid, kind)
    }

    /// Waits for an inbound call that `matches`, until the absolute `deadline`: `Some` on the
    /// call, `None` once the deadline has passed (at once if it already has), and a `Stop`
    /// saying the check was interrupted when the run's interrupt triggers first.
    pub async fn wait_inbound(
        &self,
        deadline: tokio::time::Instant,
        waiting_for: &str,
        matches: impl Fn(&Inbound) -> bool,
    ) -> Result<Option<Arc<Inbound>>, Stop> {
        let interrupt = self.interrupt();
        match self
            .platform
            .journal()
            .wait_until(deadline, interrupt.triggered(), matches)
            .await
        {
            Waited::Arrived(hit) => Ok(Some(hit)),
            Waited::Missed => Ok(None),
            Waited::Cancelled => interrupted(waiting_for),
        }
    }

    /// Latency figures for the result of the check running now.
    pub fn measured(&self, figures: Vec<EndpointLatency>) {
        if let Some(id) = crate::record::journal::current_check() {
            locked(&self.latency).insert(id.to_string(), figures);
        }
    }

    pub fn take_latency(&self, check: &str) -> Option<Vec<EndpointLatency>> {
        locked(&self.latency).remove(check)
    }

    pub fn record_outcome(&self, check: &str, outcome: Outcome) {
        locked(&self.outcomes).insert(check.to_owned(), outcome);
    }

    pub fn outcome_of(&self, check: &str) -> Option<Outcome> {
        locked(&self.outcomes).get(check).copied()
    }

    /// The default plan; suites that provision are refused up front without one.
    pub fn default_plan(&self) -> &str {
        self.settings.default_plan().unwrap_or_default()
    }

    /// A probe's provision of a fresh uuid on `plan`, with the run's region and options, on an app
    /// of its own: no two probes share a `heroku_id` (a partner without many_per_app may rightly
    /// keep heroku_id unique; only the same-app checks install twice on one app).
    pub fn probe(&self, plan: &str) -> Provision<'_> {
        self.probe_in(plan, &self.settings.provision.region)
    }

    /// A probe like `probe`, in `region` (the Private Space probes).
    pub fn probe_in(&self, plan: &str, region: &str) -> Provision<'_> {
        let uuid = uuid::Uuid::new_v4().to_string();
        let app = App::random();
        let grant =
            self.platform
                .register_provision(&uuid, &self.addon_name(&uuid), plan, region, &app);
        self.provision_with(uuid, plan, region, &app, grant)
    }

    /// A provision of a fresh uuid on the run's app (shared resources, same-app checks, `exec`);
    /// `name` asks the platform for that attachment name.
    pub fn on_run_app(&self, plan: &str, name: Option<&str>) -> Result<Provision<'_>, String> {
        self.on_app(&self.app.clone(), plan, name)
    }

    /// A provision of a fresh uuid on `app` (a suite's own app, or the run's).
    pub fn on_app(
        &self,
        app: &App,
        plan: &str,
        name: Option<&str>,
    ) -> Result<Provision<'_>, String> {
        let uuid = uuid::Uuid::new_v4().to_string();
        let region = self.settings.provision.region.clone();
        let addon = self.addon_name(&uuid);
        let grant = match name {
            Some(_) => self
                .platform
                .register_provision_as(&uuid, &addon, plan, &region, app, name)
                .map_err(|e| e.to_string())?,
            None => self
                .platform
                .register_provision(&uuid, &addon, plan, &region, app),
        };
        Ok(self.provision_with(uuid, plan, &region, app, grant))
    }

    /// The app `holder`'s copies are installed on: the run's app, or one of the suite's own.
    pub fn app_of(&self, holder: Holder) -> App {
        match holder {
            Holder::Run => self.app.clone(),
            Holder::Suite(_) => locked(&self.apps)
                .entry(holder)
                .or_insert_with(App::random)
                .clone(),
        }
    }

    fn addon_name(&self, uuid: &str) -> String {
        heroku::addon_name(self.manifest.id.as_deref().unwrap_or("addon"), uuid)
    }

    fn provision_with(
        &self,
        uuid: String,
        plan: &str,
        region: &str,
        app: &App,
        (grant, grant_expires): (String, SystemTime),
    ) -> Provision<'_> {
        let cfg = &self.settings.provision;
        // Registered by value, so a partner echoing them in an error page cannot leak them.
        self.redactor.add("code", &grant);
        self.redactor.add("log_drain_token", &format!("d.{uuid}"));
        // The grant is owed an exchange from now until it expires (with a little grace for an
        // exchange in flight), and never less than the callback budget.
        let start = tokio::time::Instant::now();
        self.owe(
            &uuid,
            OwedKind::GrantExchange,
            (instant_of(grant_expires) + GRANT_GRACE).max(start + self.settings.timeouts.callback),
        );
        let body = heroku::provision_body(
            &self.manifest,
            &ProvisionSpec {
                uuid: &uuid,
                plan,
                region,
                options: &cfg.options,
                app,
                platform_origin: self.platform.origin(),
                grant_code: &grant,
                grant_expires,
                send_heroku_id: cfg.send_heroku_id,
            },
        );
        Provision::new(self, uuid, plan, body)
    }

    /// The shared resource `which` as `scope` sees it (the run's copy, or its suite's own),
    /// provisioned on first use. The attempt is returned whatever the partner answered; see
    /// `live_resource` for a usable one.
    pub async fn resource_in(&self, scope: Scope, which: Resource) -> Arc<Provisioned> {
        let key = self.key(scope, which);
        if key.1 != Holder::Run && scope.owned().len() > 1 && !self.has_copy(key) {
            // A suite's several copies are made together, in order, with no removal in flight
            // between them: a partner that numbers resources by how many it holds numbers them
            // as in a serial run (the second install on the app is not given the first's id).
            let _alone = self.removals.write().await;
            for &r in scope.owned() {
                self.copy(self.key(scope, r)).await;
            }
        }
        self.copy(key).await
    }

    fn has_copy(&self, key: ResourceKey) -> bool {
        locked(&self.resources)
            .get(&key)
            .is_some_and(|cell| cell.initialized())
    }

    /// The copy `key`, provisioned on first use.
    async fn copy(&self, key: ResourceKey) -> Arc<Provisioned> {
        let (which, holder) = key;
        let plan = match which {
            Resource::Async => self.settings.plans.async_plan.clone().unwrap_or_default(),
            _ => self.default_plan().to_owned(),
        };
        let cell = locked(&self.resources).entry(key).or_default().clone();
        cell.get_or_init(|| async {
            // Further shared resources join the primary's app only when the add-on allows several
            // installs per app; otherwise each gets an app of its own.
            let same_app = which == Resource::Primary || self.manifest.requires("many_per_app");
            let app = self.app_of(holder);
            let provision = match same_app.then(|| self.on_app(&app, &plan, None)) {
                Some(Ok(p)) => p,
                _ => self.probe(&plan),
            };
            let label = match holder {
                Holder::Run => format!("provision {which}"),
                Holder::Suite(suite) => format!("provision {which} ({suite} suite's own)"),
            };
            Arc::new(provision.make(&label).await)
        })
        .await
        .clone()
    }

    /// The run's copy of the shared resource `which` (see `resource_in`).
    pub async fn resource(&self, which: Resource) -> Arc<Provisioned> {
        self.resource_in(Scope::RUN, which).await
    }

    /// The run's copy of `which` if it is usable (see `live_resource_in`).
    pub async fn live_resource(&self, which: Resource) -> Result<Arc<Provisioned>, Stop> {
        self.live_resource_in(Scope::RUN, which).await
    }

    /// Which copy of which shared resource `scope` means by `which`.
    fn key(&self, scope: Scope, which: Resource) -> ResourceKey {
        let which = self.shared(which);
        (which, scope.holder_of(which))
    }

    /// Which shared resource `which` is: without an async plan, the async suite judges the
    /// primary.
    fn shared(&self, which: Resource) -> Resource {
        match (which, &self.settings.plans.async_plan) {
            (Resource::Async, None) => Resource::Primary,
            (w, _) => w,
        }
    }

    /// A probe destroyed the shared resource `res` (a request the partner should have refused
    /// removed it): it is gone for the checks that hold it, cleanup still asks for its removal
    /// with real credentials (a 404 then proves it), and the checks after this one get a fresh
    /// one, with fresh memos.
    pub fn lost_to_probe(&self, scope: Scope, which: Resource, res: &Provisioned, why: &str) {
        res.mark_gone(why);
        self.ledger.removal_may_have_happened(&res.uuid);
        let key = self.key(scope, which);
        let mut resources = locked(&self.resources);
        if resources
            .get(&key)
            .and_then(|cell| cell.get())
            .is_some_and(|current| current.uuid == res.uuid)
        {
            resources.remove(&key);
            locked(&self.memos).retain(|(_, _, about), _| *about != Some(key));
        }
    }

    /// The shared resource if the partner created it and it still exists; otherwise why the
    /// calling check is blocked.
    pub async fn live_resource_in(
        &self,
        scope: Scope,
        which: Resource,
    ) -> Result<Arc<Provisioned>, Stop> {
        let res = self.resource_in(scope, which).await;
        if let Some(why) = super::triage::provision_failure(&res.reply, self.manifest.username()) {
            // A further shared resource failing as the primary did shares PROV-02's cause.
            let primary = match which {
                Resource::Primary => None,
                _ => Some(self.resource_in(scope, Resource::Primary).await),
            };
            let same_as_primary = primary.is_none_or(|p| {
                super::triage::provision_failure(&p.reply, self.manifest.username()).as_ref()
                    == Some(&why)
            });
            let cause = match which {
                _ if same_as_primary => "PROV-02".to_owned(),
                other => format!("provision-{other}"),
            };
            return blocked_by(
                RootCause::new(cause, why.clone()),
                format!("the shared resource `{which}` could not be provisioned: {why}"),
            );
        }
        if let Some(why) = res.gone() {
            return blocked(format!(
                "the shared resource `{which}` no longer exists: {why}"
            ));
        }
        Ok(res)
    }

    /// A value several checks share (e.g. one SSO login), computed on first use by `init`. One
    /// memo per type (and resource) for each holder of copies (the checks of a suite with
    /// copies of its own share theirs): give each shared value a type of its own.
    pub async fn memo<T, F>(
        &self,
        scope: Scope,
        about: Option<Resource>,
        init: F,
    ) -> Result<Arc<T>, Stop>
    where
        T: Any + Send + Sync,
        F: Future<Output = T>,
    {
        let key = (
            TypeId::of::<T>(),
            scope.memo_holder(),
            about.map(|which| self.key(scope, which)),
        );
        let cell = locked(&self.memos).entry(key).or_default().clone();
        let value = cell
            .get_or_init(|| async { Arc::new(init.await) as Memo })
            .await
            .clone();
        // Keyed by the type: the downcast cannot miss.
        value
            .downcast::<T>()
            .map_err(|_| Stop::Error("a shared value has another type than its key".into()))
    }
}

/// Starts the fake platform of a run, on the run's clock.
async fn start_platform(
    manifest: &Manifest,
    settings: &Settings,
    redactor: Arc<Redactor>,
    clock: RunClock,
) -> Result<Platform, HarnessError> {
    let p = &settings.platform;
    Platform::start_on(
        PlatformSettings {
            bind: p.bind,
            url: p.url.as_ref().map(ToString::to_string),
            client_secret: p.client_secret.clone(),
            token_ttl: p.token_ttl,
            grant_ttl: p.grant_ttl,
            max_body_bytes: p.max_body_bytes,
            admin: false,
        },
        ServiceInfo::from_manifest(manifest),
        redactor,
        clock,
    )
    .await
}
