//! The knobs of the reference partner's behaviour, by area. Defaults are conformant.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::knobs_pages::{AttachmentView, Removal, UserAccess, UserToken};
use crate::reference::ASYNC_PLANS;

/// Whether a route demands Basic auth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Guard {
    Basic,
    Open,
}

/// What the partner does with something it does not expect (an unknown field, a same-plan
/// change, a plan change of a shared resource, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    Tolerate,
    Refuse,
}

/// A fixed answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    NoContent,
    /// 200 with `{}`.
    EmptyJson,
    /// `{"message": …}` with this status.
    Message(StatusCode, &'static str),
    PlainText(StatusCode, &'static str),
}

impl Answer {
    pub fn render(self) -> Response {
        match self {
            Answer::NoContent => StatusCode::NO_CONTENT.into_response(),
            Answer::EmptyJson => (StatusCode::OK, axum::Json(json!({}))).into_response(),
            Answer::Message(status, message) => {
                (status, axum::Json(json!({ "message": message }))).into_response()
            }
            Answer::PlainText(status, text) => (status, text).into_response(),
        }
    }
}

/// How a config value is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueForm {
    String,
    Number,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManifestBehaviour {
    pub id: bool,
    pub password: bool,
    pub sso_salt: bool,
    pub regions: &'static [&'static str],
    pub base_url_scheme: &'static str,
    /// Config vars declared beyond the two the partner sets.
    pub extra_config_vars: Vec<String>,
    pub version: &'static str,
    /// Carries the deprecated `api.username`.
    pub username: bool,
    /// Lists `many_per_app` in `requires`.
    pub many_per_app: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialCheck {
    UserAndPassword,
    PasswordOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AuthBehaviour {
    pub credentials: CredentialCheck,
    /// The status of a refusal.
    pub refusal: StatusCode,
    /// The refusal body is a JavaScript-style object with unquoted keys, not JSON.
    pub unquoted_body: bool,
}

/// How the provider id is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdScheme {
    Uuid,
    FromHerokuId,
    /// An integer counting resources from 1000.
    Counter,
    /// The same id for every resource.
    Constant,
    /// The number of live resources plus one: repeats after a removal.
    LiveCount,
}

/// What a provision for a uuid the partner already saw does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Answers the stored resource again.
    SameResource,
    /// Answers 410 (for a removed resource).
    Gone,
    /// Creates a new resource with a new id.
    NewResource,
    /// Stores another row behind the same uuid and answers the stored resource (same id).
    ExtraRow,
}

/// How a new resource is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Insert {
    /// Looked up and inserted in one critical section.
    Atomic,
    /// Looked up, then slow work, then inserted: concurrent duplicates each create one.
    Racy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    Json,
    PlainText,
}

/// Which plans are provisioned asynchronously.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asynchrony {
    AsyncPlans,
    AllPlans,
    None,
}

impl Asynchrony {
    pub fn of(self, plan: &str) -> bool {
        match self {
            Asynchrony::AsyncPlans => ASYNC_PLANS.contains(&plan),
            Asynchrony::AllPlans => true,
            Asynchrony::None => false,
        }
    }
}

/// The shape of a provision answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProvisionAnswer {
    pub content_type: &'static str,
    pub body: BodyFormat,
    /// The status of a synchronous answer.
    pub sync_status: StatusCode,
    /// The 202 answer carries the id.
    pub async_answer_id: bool,
    pub log_drain_url: bool,
    /// A synchronous answer carries `config`.
    pub sync_config: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProvisionBehaviour {
    pub guard: Guard,
    pub malformed_body: Answer,
    pub unknown_fields: Strictness,
    pub unknown_options: Strictness,
    /// Every well-formed provision of a known plan gets this answer.
    pub status_override: Option<Answer>,
    pub answer: ProvisionAnswer,
    pub id_scheme: IdScheme,
    /// Plan changes and removals name the resource by the provider id, not the uuid.
    pub keyed_by_own_id: bool,
    pub repeat: Repeat,
    pub after_removal: Repeat,
    pub insert: Insert,
    /// How long the first provision takes.
    pub first_delay: Duration,
    pub asynchrony: Asynchrony,
    /// A malformed body is refused with 400 and a success body, and provisioned anyway.
    pub malformed_creates: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlForm {
    Absolute,
    Relative,
}

/// The config a provision answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConfigBehaviour {
    pub url: UrlForm,
    pub api_key: ValueForm,
    /// Adds a var the manifest does not declare.
    pub undeclared_var: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnknownRegion {
    Refuse,
    ServerError,
}

/// Which plans are provisioned in Private Space regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrivateSpacePlans {
    /// All but `PRIVATE_SPACE_UNAVAILABLE`.
    AsListed,
    All,
    None,
}

/// The body of a 422.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefusalBody {
    Message,
    Empty,
    /// The message as plain text, not JSON.
    PlainText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RegionBehaviour {
    pub unknown: UnknownRegion,
    pub private_space_plans: PrivateSpacePlans,
    /// A Private Space refusal still stores the resource.
    pub refusal_stores_resource: bool,
    /// A Private Space refusal exchanges the grant first.
    pub refusal_exchanges_grant: bool,
    pub refusal_body: RefusalBody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlanBehaviour {
    pub guard: Guard,
    pub unknown_resource: Answer,
    pub removed_resource: Strictness,
    pub unknown_plan: Strictness,
    /// Every plan change of a known plan gets this answer.
    pub status_override: Option<Answer>,
    pub same_plan: Strictness,
    pub forbidden_transitions: Strictness,
    /// Plan changes of a resource attached to several apps.
    pub shared_resource: Strictness,
    pub answer_api_key: ValueForm,
    /// A successful plan change answers the plain text `ok`.
    pub answer_text: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeprovisionBehaviour {
    pub guard: Guard,
    pub unknown: Answer,
    pub repeat: Answer,
    /// The answer once the resource is removed.
    pub done: Answer,
    /// Which removals are asynchronous (answered 202).
    pub removal: Removal,
    /// When an asynchronous removal sends the deprovision action.
    pub action: DeprovisionAction,
    /// The action carries the v3 Accept header.
    pub action_accept: bool,
    /// Enrolled in the asynchronous deprovisioning beta: the config it writes says so.
    pub enrolled: bool,
}

/// When the deprovision action of a removal answered 202 is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeprovisionAction {
    /// Soon after the 202, by a background job.
    AfterAnswer,
    /// Before the 202 goes out (a job that finishes at once).
    BeforeAnswer,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientSecret {
    Issued,
    Wrong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CallbackBehaviour {
    /// A synchronous provision exchanges its grant.
    pub sync_exchange: bool,
    pub exchange_delay: Duration,
    pub client_secret: ClientSecret,
    pub refresh: bool,
    /// Platform API calls carry the Bearer token.
    pub bearer: bool,
    pub accept_header: bool,
    /// Reads an add-on the token is not scoped to.
    pub touches_other_resource: bool,
    /// PATCHes a config var the manifest does not declare.
    pub undeclared_config: bool,
    pub marks_provisioned: bool,
    /// Calls Heroku's own hosts, not the run's platform: nothing reaches the platform.
    pub calls_heroku_directly: bool,
    /// Where its calls to Heroku go.
    pub hosts: HerokuHosts,
}

/// Where the reference partner sends its calls to Heroku.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HerokuHosts {
    /// The origin derived from callback_url (a loopback platform only).
    FromCallbackUrl,
    /// `https://id.heroku.com` and `https://api.heroku.com`, as real add-ons do (through the
    /// interception proxy, which the partner's HTTP client is given).
    Hardcoded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SsoFlow {
    V3,
    /// No sso_url: the legacy GET to base_url/{id}.
    Legacy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenCheck {
    Exact,
    LengthOnly,
    /// Exact, but a token of zeros (a debug bypass) passes too.
    AcceptsZeros,
    /// Exact, but an empty token skips the comparison.
    SkipsEmpty,
    /// A non-empty prefix of the expected token passes.
    Prefix,
    /// The token may be signed for any timestamp of the last five minutes, not the one sent.
    AnyRecentTimestamp,
}

/// Which token of a login the partner verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKinds {
    /// The best one present: user_scoped_resource_token, else resource_token, else the legacy
    /// id/token pair.
    Best,
    /// Only the legacy pair: `id` names the resource (the provider id), `token` signs it.
    LegacyPair,
    ResourceTokenOnly,
    UserScopedOnly,
    /// As `Best`, but a login with only the legacy pair crashes the handler.
    LegacyPairCrashes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenScope {
    Resource,
    AnyResource,
}

/// Which resource a login opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoginTarget {
    Named,
    AppsFirstInstall,
}

/// Where a login redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Landing {
    /// `/heroku/dashboard/{uuid}`.
    Resource,
    /// `/heroku/dashboard/{uuid}/from/{context_app}`.
    FromContextApp,
    /// `/heroku/dashboard`, showing the session's resource.
    Session,
}

/// Who the dashboard opens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dashboard {
    /// Only the session of a login for this resource.
    Session,
    Open,
}

/// What the dashboard answers a visitor without the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stranger {
    Forbidden,
    RedirectToLogin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SsoBehaviour {
    pub flow: SsoFlow,
    pub guard: Guard,
    pub missing_timestamp: Answer,
    pub checks_timestamp: bool,
    pub token_check: TokenCheck,
    pub token_kinds: TokenKinds,
    pub token_scope: TokenScope,
    /// Whether a login to a deprovisioned resource is refused (`Refuse`) or signs in.
    pub removed_resources: Strictness,
    /// The answer to a correctly signed login for a resource never provisioned.
    pub unknown_resource: Answer,
    /// Logins whose context_app is not the owning app.
    pub foreign_context: Strictness,
    pub target: LoginTarget,
    pub redirect: StatusCode,
    pub landing: Landing,
    pub session: bool,
    pub dashboard: Dashboard,
    pub stranger: Stranger,
    /// Which users with a valid login get a session.
    pub users: UserAccess,
    /// Whether `user_scoped_resource_token` is verified when a login carries it.
    pub user_token: UserToken,
    /// What a login makes of the resource's attachments (looked up through the Platform API).
    pub attachments: AttachmentView,
}

/// Where install ids come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InstallIds {
    Resource,
    /// A per-app counter that concurrent installs race on.
    RacyAppCounter,
}

/// What one deprovision removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeprovisionScope {
    Install,
    /// Every install of the app.
    App,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SharingBehaviour {
    /// A second install on an app (same heroku_id).
    pub second_install: Strictness,
    pub ids: InstallIds,
    /// Answers a second install's config under attachment-style names.
    pub renames_second_install: bool,
    pub recommended_prefix: Option<&'static str>,
    pub deprovision_scope: DeprovisionScope,
}

/// How a rotation tells Heroku the new config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RotationPatch {
    ManifestNames,
    AttachmentNames,
    /// `PUT /vendor/apps/{uuid}` of the legacy App Info API, manifest names.
    AppInfo,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RotationBehaviour {
    pub new_values: bool,
    /// The old credentials keep working for a while.
    pub grace: bool,
    pub patch: RotationPatch,
}
