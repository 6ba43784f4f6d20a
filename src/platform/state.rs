//! Heroku's side of the world, as the fake platform models it: apps, add-on resources,
//! attachments, the config each app sees (renamed per attachment), releases, OAuth grants and
//! tokens. Pure data and rules; the HTTP layer is in `identity` and `api`.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::heroku::sso::SsoUser;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AddonState {
    Provisioning,
    Provisioned,
    /// The partner answered the DELETE with 202 (async deprovisioning beta): the resource stays
    /// attached and the partner keeps its API access until it calls the deprovision action.
    Deprovisioning,
    Deprovisioned,
}

impl AddonState {
    /// Attached apps see its config, and config changes cut releases.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Provisioned | Self::Deprovisioning)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Release {
    pub version: u32,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct AppRecord {
    pub id: String,
    pub name: String,
    /// The legacy `app<number>@heroku.com` id the provision body carries, when known.
    pub heroku_id: Option<String>,
    /// Who owns the app; the collaborator is a second, distinct user with access (SSO-09).
    pub owner: SsoUser,
    pub collaborator: SsoUser,
    pub releases: Vec<Release>,
}

#[derive(Debug, Clone)]
pub struct AddonRecord {
    pub uuid: String,
    pub name: String,
    pub plan: String,
    pub region: String,
    pub state: AddonState,
    pub provider_id: Option<String>,
    /// Partner-side names (the manifest's), as the partner set them.
    pub config: BTreeMap<String, String>,
    pub app_id: String,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: String,
    pub addon: String,
    pub app_id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
struct Grant {
    resource: String,
    expires: Instant,
    used: bool,
}

/// Whether the partner can call the Platform API for a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProspect {
    /// It holds a token (or a refresh token) for it.
    Holds,
    /// Not yet: its grant can still be exchanged until then.
    Until(Instant),
    /// Never: no token was issued and no grant can be exchanged any more.
    Never,
}

#[derive(Debug, Clone, Serialize)]
pub struct Token {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub token_type: &'static str,
    pub user_id: String,
    pub session_nonce: Option<String>,
    #[serde(skip)]
    pub resource: String,
    #[serde(skip)]
    pub expires: Instant,
}

/// Why a grant or refresh was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantError {
    Unknown,
    Used,
    Expired,
}

/// Why a config update was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    NoSuchAddon,
    UndeclaredName(String),
}

#[derive(Debug, Default)]
pub struct Model {
    /// The manifest's config vars: the only names a partner may set.
    pub config_vars: Vec<String>,
    /// Standalone platform without a manifest: any name is accepted.
    pub any_config_name: bool,
    /// The prefix stripped when renaming per attachment.
    pub prefix: String,
    /// The add-on service slug.
    pub service: String,
    /// The manifest requires `log_input`: attachments carry a `log_input_url`.
    pub log_input: bool,
    pub apps: BTreeMap<String, AppRecord>,
    pub addons: BTreeMap<String, AddonRecord>,
    pub attachments: Vec<Attachment>,
    /// Attachments named by the user: a `recommended_prefix` does not rename them.
    pub user_named: std::collections::BTreeSet<String>,
    /// The partner's `recommended_prefix` per add-on, as first answered (applied once).
    pub recommended: BTreeMap<String, String>,
    grants: HashMap<String, Grant>,
    tokens: HashMap<String, Token>,
    refresh: HashMap<String, String>,
}

/// The app-side name of a partner var: the attachment name replaces the prefix (seed 002).
/// `FOO_BAR_A` with prefix `FOO_BAR` attached as `BALLOON` is `BALLOON_A`.
pub fn rename(var: &str, prefix: &str, attachment: &str) -> Option<String> {
    let suffix = var.strip_prefix(prefix)?.strip_prefix('_')?;
    (!suffix.is_empty()).then(|| format!("{attachment}_{suffix}"))
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Model {
    pub fn new(service: &str, prefix: &str, config_vars: Vec<String>) -> Self {
        Self {
            service: service.to_owned(),
            prefix: prefix.to_owned(),
            config_vars,
            ..Self::default()
        }
    }

    pub fn add_app(&mut self, id: &str, name: &str) {
        self.apps.entry(id.to_owned()).or_insert_with(|| AppRecord {
            id: id.to_owned(),
            name: name.to_owned(),
            heroku_id: None,
            owner: SsoUser {
                id: new_id(),
                email: format!("owner@{name}.example.com"),
            },
            collaborator: SsoUser {
                id: new_id(),
                email: format!("collaborator@{name}.example.com"),
            },
            releases: Vec::new(),
        });
    }

    /// `add_app` for a harness app, remembering its legacy `heroku_id`.
    pub fn add_heroku_app(&mut self, app: &crate::heroku::App) {
        self.add_app(&app.id, &app.name);
        if let Some(a) = self.apps.get_mut(&app.id) {
            a.heroku_id.get_or_insert_with(|| app.heroku_id.clone());
        }
    }

    pub fn app_by_id_or_name(&self, key: &str) -> Option<&AppRecord> {
        self.apps
            .get(key)
            .or_else(|| self.apps.values().find(|a| a.name == key))
    }

    pub fn addon_by_id_or_name(&self, key: &str) -> Option<&AddonRecord> {
        self.addons
            .get(key)
            .or_else(|| self.addons.values().find(|a| a.name == key))
    }

    /// Heroku creates the resource (state provisioning) and its first attachment when it sends
    /// the provision request.
    pub fn create_addon(&mut self, addon: AddonRecord, attachment_name: &str) {
        let (uuid, app) = (addon.uuid.clone(), addon.app_id.clone());
        self.addons.entry(uuid.clone()).or_insert(addon);
        if !self
            .attachments
            .iter()
            .any(|a| a.addon == uuid && a.app_id == app)
        {
            self.attach(&uuid, &app, attachment_name);
        }
    }

    /// Attaching sends nothing to the partner (seed 002).
    pub fn attach(&mut self, uuid: &str, app_id: &str, name: &str) -> String {
        let id = new_id();
        self.attachments.push(Attachment {
            id: id.clone(),
            addon: uuid.to_owned(),
            app_id: app_id.to_owned(),
            name: name.to_owned(),
        });
        id
    }

    pub fn detach(&mut self, attachment_id: &str) {
        self.attachments.retain(|a| a.id != attachment_id);
    }

    pub fn attachments_of(&self, uuid: &str) -> Vec<&Attachment> {
        self.attachments
            .iter()
            .filter(|a| a.addon == uuid)
            .collect()
    }

    /// Cuts one release on every app the resource is attached to, naming each of its
    /// attachments there (an app holding two attachments of it gets one release).
    pub(crate) fn release(&mut self, uuid: &str, why: &str) {
        let mut per_app: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in self.attachments_of(uuid) {
            per_app
                .entry(a.app_id.clone())
                .or_default()
                .push(a.name.clone());
        }
        for (app_id, names) in per_app {
            if let Some(app) = self.apps.get_mut(&app_id) {
                let version = app.releases.len() as u32 + 1;
                app.releases.push(Release {
                    version,
                    description: format!("{why} {}", names.join(", ")),
                });
            }
        }
    }

    /// The partner's synchronous answer: provider id and config, then provisioned.
    pub fn sync_answer(&mut self, uuid: &str, provider_id: &str, config: BTreeMap<String, String>) {
        if let Some(a) = self.addons.get_mut(uuid) {
            a.provider_id = Some(provider_id.to_owned());
            a.config.extend(config);
        }
        self.mark_provisioned(uuid);
    }

    /// The partner answered 202: provisioning continues through the API.
    pub fn async_answer(&mut self, uuid: &str, provider_id: &str) {
        if let Some(a) = self.addons.get_mut(uuid) {
            a.provider_id = Some(provider_id.to_owned());
        }
    }

    /// The partner refused the provision: nothing exists. A refused repeat delivery for a
    /// resource that was already provisioned (or is being removed) changes nothing.
    pub fn refused(&mut self, uuid: &str) {
        if self
            .addons
            .get(uuid)
            .is_some_and(|a| a.state != AddonState::Provisioning)
        {
            return;
        }
        self.addons.remove(uuid);
        self.attachments.retain(|a| a.addon != uuid);
    }

    /// Provisioning → provisioned cuts the release that brings the config to the apps.
    pub fn mark_provisioned(&mut self, uuid: &str) -> bool {
        let changed = match self.addons.get_mut(uuid) {
            Some(a) if a.state == AddonState::Provisioning => {
                a.state = AddonState::Provisioned;
                true
            }
            _ => false,
        };
        if changed {
            self.release(uuid, "Attach");
        }
        self.addons.contains_key(uuid)
    }

    /// Whether the partner holds, or can still obtain, a token for `uuid`.
    pub fn token_prospect(&self, uuid: &str) -> TokenProspect {
        if self.tokens.values().any(|t| t.resource == uuid)
            || self.refresh.values().any(|r| r == uuid)
        {
            return TokenProspect::Holds;
        }
        let now = Instant::now();
        self.grants
            .values()
            .filter(|g| g.resource == uuid && !g.used && g.expires > now)
            .map(|g| g.expires)
            .max()
            .map_or(TokenProspect::Never, TokenProspect::Until)
    }

    /// Revokes every access and refresh token the partner holds for `uuid`.
    pub(crate) fn revoke(&mut self, uuid: &str) {
        self.tokens.retain(|_, t| t.resource != uuid);
        self.refresh.retain(|_, r| r != uuid);
    }

    /// A config update through the Platform API. Only manifest names; `None` unsets. A change on
    /// a provisioned resource cuts a release on every attached app; while provisioning, none.
    pub fn set_config(
        &mut self,
        uuid: &str,
        entries: &[(String, Option<String>)],
    ) -> Result<Vec<(String, String)>, ConfigError> {
        let undeclared = entries
            .iter()
            .find(|(n, _)| !self.any_config_name && !self.config_vars.contains(n));
        if let Some((name, _)) = undeclared {
            return Err(ConfigError::UndeclaredName(name.clone()));
        }
        let addon = self.addons.get_mut(uuid).ok_or(ConfigError::NoSuchAddon)?;
        for (name, value) in entries {
            match value {
                Some(v) => addon.config.insert(name.clone(), v.clone()),
                None => addon.config.remove(name),
            };
        }
        let provisioned = addon.state.is_live();
        let result = addon
            .config
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if provisioned && !entries.is_empty() {
            self.release(uuid, "Update config of");
        }
        Ok(result)
    }

    /// The config vars app `app_id` sees, renamed per attachment.
    pub fn app_config(&self, app_id: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for att in self.attachments.iter().filter(|a| a.app_id == app_id) {
            let Some(addon) = self.addons.get(&att.addon) else {
                continue;
            };
            if !addon.state.is_live() {
                continue;
            }
            for (var, value) in &addon.config {
                if let Some(name) = rename(var, &self.prefix, &att.name) {
                    out.insert(name, value.clone());
                }
            }
        }
        out
    }

    pub fn issue_grant(&mut self, uuid: &str, ttl: Duration) -> String {
        let code = new_id();
        self.grants.insert(
            code.clone(),
            Grant {
                resource: uuid.to_owned(),
                expires: Instant::now() + ttl,
                used: false,
            },
        );
        code
    }

    /// The resource a grant code was issued for, whether or not it is still valid.
    pub fn grant_resource(&self, code: &str) -> Option<String> {
        self.grants.get(code).map(|g| g.resource.clone())
    }

    pub fn refresh_resource(&self, refresh: &str) -> Option<String> {
        self.refresh.get(refresh).cloned()
    }

    fn mint(&mut self, resource: &str, ttl: Duration, refresh_token: Option<String>) -> Token {
        // Expired access tokens are useless: drop them so a refresh loop cannot grow the map.
        let now = Instant::now();
        self.tokens.retain(|_, t| t.expires > now);
        let refresh_token = refresh_token.unwrap_or_else(new_id);
        let token = Token {
            access_token: new_id(),
            refresh_token: refresh_token.clone(),
            expires_in: ttl.as_secs(),
            token_type: "Bearer",
            user_id: new_id(),
            session_nonce: None,
            resource: resource.to_owned(),
            expires: Instant::now() + ttl,
        };
        self.tokens
            .insert(token.access_token.clone(), token.clone());
        self.refresh.insert(refresh_token, resource.to_owned());
        token
    }

    /// Exchanges a grant code (single use, expiring) for a token scoped to its resource.
    pub fn exchange(&mut self, code: &str, ttl: Duration) -> Result<Token, GrantError> {
        let grant = self.grants.get_mut(code).ok_or(GrantError::Unknown)?;
        if grant.used {
            return Err(GrantError::Used);
        }
        if Instant::now() >= grant.expires {
            return Err(GrantError::Expired);
        }
        grant.used = true;
        let resource = grant.resource.clone();
        Ok(self.mint(&resource, ttl, None))
    }

    /// A new access token for a refresh token (the refresh token stays the same).
    pub fn refresh(&mut self, refresh_token: &str, ttl: Duration) -> Result<Token, GrantError> {
        let resource = self
            .refresh
            .get(refresh_token)
            .cloned()
            .ok_or(GrantError::Unknown)?;
        Ok(self.mint(&resource, ttl, Some(refresh_token.to_owned())))
    }

    /// The resource an unexpired access token is scoped to.
    pub fn token_scope(&self, access_token: &str) -> Option<String> {
        self.tokens
            .get(access_token)
            .filter(|t| Instant::now() < t.expires)
            .map(|t| t.resource.clone())
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
