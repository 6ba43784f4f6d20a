//! Named faults of the reference partner. Each breaks one behaviour; `fixtures/faults.toml`
//! declares the exact checks each one fails or warns. `variant-*` entries are conformant
//! alternatives (201, 200 on delete, …) that must not fail anything.

use std::collections::BTreeSet;
use std::str::FromStr;

use crate::error::HarnessError;

macro_rules! faults {
    ($($variant:ident = $name:literal: $doc:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Fault { $($variant,)* }

        /// Every fault with its name and what it breaks.
        pub const ALL: &[(Fault, &str, &str)] = &[$((Fault::$variant, $name, $doc),)*];
    };
}

faults! {
    ManifestMissingId = "manifest-missing-id": "the written manifest has no id",
    ManifestEmptyPassword = "manifest-empty-password": "the written manifest has an empty password",
    ManifestUnknownRegion = "manifest-unknown-region": "the manifest lists the AWS code us-east-1 as a region",
    ManifestHttpBaseUrl = "manifest-http-base-url": "the manifest's production base_url is http",
    ManifestBadConfigVarName = "manifest-bad-config-var-name": "the manifest declares a lower-case config var",
    ManifestUnprefixedConfigVar = "manifest-unprefixed-config-var": "the manifest declares DATABASE_URL, without the prefix",
    ManifestVersion1 = "manifest-version-1": "the manifest says version \"1\"",
    ManifestUsername = "manifest-username": "the manifest carries the deprecated api.username",
    ManifestNoSsoSalt = "manifest-no-sso-salt": "the manifest has an sso_url but no sso_salt",
    Provision500 = "provision-500": "every authenticated, well-formed provision gets 500",
    ProvisionHtmlContentType = "provision-html-content-type": "provision answers JSON labelled text/html",
    ProvisionInvalidJson = "provision-invalid-json": "provision answers 200 with a plain-text body",
    IdFromHerokuId = "id-from-heroku-id": "the provider id is built from heroku_id",
    ConfigUndeclaredVar = "config-undeclared-var": "provision config has a var the manifest does not declare",
    ConfigNonStringValue = "config-non-string-value": "provision config has a number as a value",
    ConfigUrlRelative = "config-url-relative": "the *_URL config value is a relative path",
    NoLogDrainUrl = "no-log-drain-url": "no log_drain_url although the manifest requires syslog_drain",
    MalformedBody500 = "malformed-body-500": "a provision body that is not JSON gets 500",
    RejectsUnknownFields = "rejects-unknown-fields": "provision refuses request fields it does not know",
    RejectsUnknownOptions = "rejects-unknown-options": "provision refuses options it does not know",
    NoAuthOnProvision = "no-auth-on-provision": "provision does not check Basic auth",
    NoAuthOnPlanChange = "no-auth-on-plan-change": "plan change does not check Basic auth",
    NoAuthOnDeprovision = "no-auth-on-deprovision": "deprovision does not check Basic auth",
    IgnoresUsername = "ignores-username": "Basic auth compares the password only",
    Auth403 = "auth-403": "wrong credentials get 403 instead of 401",
    PlanChange500 = "plan-change-500": "every plan change gets 500",
    PlanChangeBadConfig = "plan-change-bad-config": "plan change answers config with a number value",
    Deprovision500 = "deprovision-500": "deprovision removes the resource but answers 500",
    RepeatDeprovision500 = "repeat-deprovision-500": "a repeated deprovision gets 500",
    UnknownDeprovision204 = "unknown-deprovision-204": "deprovision of an unknown uuid gets 204",
    UnknownDeprovision500 = "unknown-deprovision-500": "deprovision of an unknown uuid gets 500",
    RemovedPlanChange200 = "removed-plan-change-200": "plan change of a removed resource gets 200",
    UnknownPlanAccepted = "unknown-plan-accepted": "plan change accepts a plan the add-on does not offer",
    SamePlan422 = "same-plan-422": "a plan change to the current plan gets 422",
    ForbiddenTransitionAllowed = "forbidden-transition-allowed": "the forbidden change premium -> hobby is carried out",
    UnknownPlanChange200 = "unknown-plan-change-200": "plan change of an unknown uuid gets 200",
    Error422NoMessage = "422-without-message": "every 422 has an empty JSON object as its body",
    PrivateSpacePlanProvisioned = "private-space-plan-provisioned": "the hobby plan is provisioned in a Private Space region",
    PrivateSpaceRefusalLeaves = "private-space-refusal-leaves-resource": "the Private Space refusal still stores the resource",
    PrivateSpaceRefusalCallsBack = "private-space-refusal-calls-back": "the Private Space refusal exchanges the grant code first",
    PrivateSpaceRejectsAll = "private-space-rejects-all": "every plan is refused in Private Space regions",
    UnknownRegion500 = "unknown-region-500": "a region the add-on does not know gets 500",
    DuplicateOnRepeat = "duplicate-resource-on-repeat": "a repeated provision creates a new resource with a new id",
    ConcurrentRace = "race-on-concurrent-duplicates": "concurrent duplicates race past the uuid lookup and each create a resource",
    RemovedProvisionRecreated = "removed-provision-recreated": "a provision for a deprovisioned uuid recreates it",
    SsoNoTimestampCheck = "sso-no-timestamp-check": "SSO accepts any timestamp",
    SsoForgedToken = "sso-forged-token-accepted": "SSO compares only the token's length",
    SsoCrossResource = "sso-cross-resource-token": "SSO accepts a token that is valid for any resource",
    SsoBasicAuth = "sso-basic-auth": "the SSO endpoint demands Basic auth",
    SsoNoSession = "sso-no-session": "SSO sets no session and the dashboard is open to anyone",
    SsoDashboardOpen = "sso-dashboard-open": "the dashboard does not check the session",
    SsoMissingField500 = "sso-missing-field-500": "SSO without a timestamp gets 500",
    SluggishProvision = "sluggish-provision": "the first provision takes longer than the soft budget",
    SlowProvision = "slow-provision": "the first provision takes longer than the hard limit",
    AsyncNeverCompletes = "async-never-completes": "an async provision is never marked provisioned",
    AsyncUndeclaredConfig = "async-undeclared-config": "async config is PATCHed under a name the manifest does not declare",
    AsyncNoAcceptHeader = "async-no-accept-header": "Platform API calls lack the v3 Accept header",
    AsyncNoToken = "async-no-token": "Platform API calls lack the Bearer token",
    Async202NoId = "async-202-no-id": "the 202 answer has no id",
    LateExchange = "late-exchange": "the grant is exchanged after oauth_grant.expires_at",
    WrongClientSecret = "wrong-client-secret": "the grant is exchanged with a wrong client secret",
    SyncWrongClientSecret = "sync-wrong-client-secret": "every plan is synchronous and the grant is exchanged with a wrong client secret",
    VariantSyncOnly = "variant-sync-only": "conformant variant: every plan is provisioned synchronously",
    TouchesAnotherResource = "touches-another-resource": "the partner reads an add-on its token is not scoped to",
    NoRefresh = "no-refresh": "short-lived tokens are never refreshed",
    SyncNoExchange = "sync-no-exchange": "a synchronous provision never exchanges its grant",
    DedupeHerokuId = "dedupe-heroku-id": "a second install on an app (same heroku_id) is refused with 422",
    VariantUniqueHerokuId = "variant-unique-heroku-id": "conformant variant: without many_per_app in the manifest, a second install on an app is refused",
    RenamesSecondInstall = "renames-second-install": "a second install on an app answers config under attachment-style names",
    DeprovisionByHerokuId = "deprovision-by-heroku-id": "deprovisioning one install removes every install of the app",
    AppCounterRace = "app-counter-race": "ids come from a per-app counter that concurrent installs race on",
    RefusesSharedChanges = "refuses-shared-changes": "plan changes of a resource attached to several apps get 422",
    InvalidRecommendedPrefix = "invalid-recommended-prefix": "the provision answer recommends the prefix `conformance-ref`, not a valid attachment name",
    RotationNoPatch = "rotation-no-patch": "a rotation changes the credentials but never PATCHes the config",
    RotationAttachmentNames = "rotation-attachment-names": "a rotation PATCHes the config under an attachment's name instead of the manifest's",
    RotationSameValues = "rotation-same-values": "a rotation PATCHes the old values again",
    RotationInvalidatesOld = "rotation-invalidates-old": "a rotation invalidates the old credentials at once",
    SsoKeysOnApp = "sso-keys-on-app": "SSO opens the dashboard of the app's first install, whichever install the login names",
    SsoRejectsContextApp = "sso-rejects-context-app": "SSO refuses logins whose context_app is not the owning app",
    VariantRecommendedPrefix = "variant-recommended-prefix": "conformant variant: the provision answer recommends the attachment name REFDB",
    VariantAsyncAll = "variant-async-all": "conformant variant: every plan is provisioned asynchronously",
    VariantProvision201 = "variant-provision-201": "conformant variant: provision answers 201",
    VariantDeprovision200 = "variant-deprovision-200": "conformant variant: deprovision answers 200 with {}",
    VariantRepeatDeprovision204 = "variant-repeat-deprovision-204": "conformant variant: a repeated deprovision answers 204",
    VariantIntegerId = "variant-integer-id": "conformant variant: the provider id is an integer",
    VariantLegacySso = "variant-legacy-sso": "conformant variant: the manifest has no sso_url; logins use the legacy GET to base_url/{id}",
    VariantSsoContextPath = "variant-sso-context-path": "conformant variant: SSO lands on a path naming the app the user came from (/heroku/dashboard/{uuid}/from/{context_app})",
    VariantSsoSessionDashboard = "variant-sso-session-dashboard": "conformant variant: SSO lands on a fixed /heroku/dashboard that shows the session's resource",
    VariantSso303 = "variant-sso-303": "conformant variant: SSO redirects with 303 and the dashboard refuses strangers with a redirect",
    VariantVendorJson = "variant-vendor-json": "conformant variant: JSON labelled application/vnd.heroku-addons+json",
}

impl Fault {
    pub fn name(self) -> &'static str {
        ALL.iter()
            .find(|(f, _, _)| *f == self)
            .map(|(_, n, _)| *n)
            .unwrap_or_default()
    }
}

impl FromStr for Fault {
    type Err = HarnessError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL.iter()
            .find(|(_, name, _)| *name == s)
            .map(|(f, _, _)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = ALL.iter().map(|(_, n, _)| *n).collect();
                let fix = match crate::runner::selection::suggest(s, &names) {
                    Some(n) => format!("did you mean `{n}`? `demo --list-faults` shows them all"),
                    None => "`demo --list-faults` shows them all".to_owned(),
                };
                HarnessError::usage(format!("unknown fault `{s}`"), fix)
            })
    }
}

/// The faults a reference partner runs with.
#[derive(Debug, Clone, Default)]
pub struct FaultSet(BTreeSet<Fault>);

impl FaultSet {
    pub fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }

    pub fn parse(names: &[String]) -> Result<Self, HarnessError> {
        names
            .iter()
            .map(|n| n.parse())
            .collect::<Result<_, _>>()
            .map(FaultSet)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|f| f.name()).collect()
    }
}

impl FromIterator<Fault> for FaultSet {
    fn from_iter<I: IntoIterator<Item = Fault>>(iter: I) -> Self {
        FaultSet(iter.into_iter().collect())
    }
}
