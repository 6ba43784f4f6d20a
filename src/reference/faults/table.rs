//! The fault table: each fault's name, what it breaks, and the checks it must fail and warn.
//! Add a fault here, then give it its knob in `../behaviour.rs`.

use super::faults;

faults! {
    ManifestMissingId = "manifest-missing-id": "the written manifest has no id",
        fail: ["MAN-01"], warn: [];
    ManifestEmptyPassword = "manifest-empty-password": "the written manifest has an empty password",
        fail: ["MAN-02"], warn: [];
    ManifestUnknownRegion = "manifest-unknown-region": "the manifest lists the AWS code us-east-1 as a region",
        fail: ["MAN-03"], warn: [];
    ManifestHttpBaseUrl = "manifest-http-base-url": "the manifest's production base_url is http",
        fail: ["MAN-04"], warn: [];
    ManifestBadConfigVarName = "manifest-bad-config-var-name": "the manifest declares a lower-case config var",
        fail: ["MAN-05"], warn: ["PROV-15"];
    ManifestUnprefixedConfigVar = "manifest-unprefixed-config-var": "the manifest declares DATABASE_URL, without the prefix",
        fail: ["MAN-06"], warn: ["PROV-15"];
    ManifestVersion1 = "manifest-version-1": "the manifest says version \"1\"",
        fail: [], warn: ["MAN-07"];
    ManifestUsername = "manifest-username": "the manifest carries the deprecated api.username",
        fail: ["MAN-08"], warn: [];
    ManifestNoSsoSalt = "manifest-no-sso-salt": "the manifest has an sso_url but no sso_salt",
        fail: ["MAN-13"], warn: [];
    Provision500 = "provision-500": "every authenticated, well-formed provision gets 500",
        fail: ["IDEM-02.concurrent", "PROV-02", "REGION-05", "REGION-07", "REGION-08"], warn: [];
    ProvisionHtmlContentType = "provision-html-content-type": "provision answers JSON labelled text/html",
        fail: [], warn: ["GEN-04"];
    ProvisionInvalidJson = "provision-invalid-json": "provision answers 200 with a plain-text body",
        fail: ["GEN-01", "GEN-01.run"], warn: [];
    IdFromHerokuId = "id-from-heroku-id": "the provider id is built from heroku_id",
        fail: ["ASYNC-09", "ATT-03", "PROV-03", "PROV-03.unique", "PROV-11.concurrent"], warn: [];
    ConstantId = "constant-id": "every resource gets the provider id \"1\"",
        fail: ["ATT-03", "PROV-03.unique", "PROV-11.concurrent"], warn: [];
    ReusedId = "reused-id": "the provider id is the number of live resources plus one, so it repeats after a removal",
        fail: ["PROV-03.unique"], warn: [];
    ConfigUndeclaredVar = "config-undeclared-var": "provision config has a var the manifest does not declare",
        fail: ["CONFIG-02", "PLAN-02", "PLAN-02.downgrade", "PROV-04", "ROTATE-04"], warn: [];
    ConfigNonStringValue = "config-non-string-value": "provision config has a number as a value",
        fail: ["CONFIG-02", "PLAN-02", "PLAN-02.downgrade", "PROV-04"], warn: [];
    SyncNoConfig = "sync-no-config": "a synchronous provision answers 200 without `config`",
        fail: [], warn: ["PROV-15"];
    ConfigUrlRelative = "config-url-relative": "the *_URL config value is a relative path",
        fail: [], warn: ["PROV-05"];
    NoLogDrainUrl = "no-log-drain-url": "no log_drain_url although the manifest requires syslog_drain",
        fail: ["PROV-06"], warn: [];
    MalformedBody500 = "malformed-body-500": "a provision body that is not JSON gets 500 with a plain-text body",
        fail: [], warn: ["GEN-05", "PROV-14"];
    RefusedButCreated = "refused-but-created": "a malformed provision is answered 400 with a success body (id, config) and provisioned anyway",
        fail: ["PROV-14"], warn: [];
    RejectsUnknownFields = "rejects-unknown-fields": "provision refuses request fields it does not know",
        fail: ["GEN-02"], warn: [];
    RejectsUnknownOptions = "rejects-unknown-options": "provision refuses options it does not know",
        fail: [], warn: ["OPT-02"];
    NoAuthOnProvision = "no-auth-on-provision": "provision does not check Basic auth",
        fail: ["AUTH-02.provision"], warn: [];
    NoAuthOnPlanChange = "no-auth-on-plan-change": "plan change does not check Basic auth",
        fail: ["AUTH-02.plan-change"], warn: [];
    NoAuthOnDeprovision = "no-auth-on-deprovision": "deprovision does not check Basic auth",
        fail: ["AUTH-02.deprovision"], warn: [];
    IgnoresUsername = "ignores-username": "Basic auth compares the password only",
        fail: ["AUTH-02.deprovision", "AUTH-02.plan-change", "AUTH-02.provision"], warn: [];
    Auth403 = "auth-403": "wrong credentials get 403 instead of 401",
        fail: ["AUTH-02.deprovision", "AUTH-02.plan-change", "AUTH-02.provision"], warn: [];
    PlanChange500 = "plan-change-500": "every plan change gets 500",
        fail: ["PLAN-02"], warn: ["IDEM-04"];
    PlanChangeTextOk = "plan-change-text-ok": "a successful plan change answers 200 with the text `ok`",
        fail: ["GEN-01.run", "PLAN-02", "PLAN-02.downgrade"], warn: [];
    ErrorUnquotedKeys = "error-unquoted-keys": "a refusal of wrong credentials answers {message: \"Unauthorized\"} (keys unquoted, not JSON)",
        fail: [], warn: ["GEN-05"];
    PlanChangeBadConfig = "plan-change-bad-config": "plan change answers config with a number value",
        fail: ["PLAN-02", "PLAN-02.downgrade"], warn: [];
    Deprovision500 = "deprovision-500": "deprovision removes the resource but answers 500",
        fail: ["DEPROV-02"], warn: [];
    AsyncDeprovisionNoAction = "async-deprovision-no-action": "a DELETE answered 202 (asynchronous deprovisioning) is never followed by actions/deprovision",
        fail: ["ASYNC-07"], warn: [];
    DeprovisionActionNoAccept = "deprovision-action-no-accept": "actions/deprovision is sent without the v3 Accept header",
        fail: ["ASYNC-07"], warn: [];
    Deprovision202Unenrolled = "deprovision-202-unenrolled": "answers a DELETE 202 (and calls actions/deprovision) without being enrolled in the beta",
        fail: ["DEPROV-02"], warn: [];
    RepeatDeprovision500 = "repeat-deprovision-500": "a repeated deprovision gets 500",
        fail: ["IDEM-05"], warn: [];
    UnknownDeprovision204 = "unknown-deprovision-204": "deprovision of an unknown uuid gets 204",
        fail: [], warn: ["DEPROV-03"];
    UnknownDeprovision500 = "unknown-deprovision-500": "deprovision of an unknown uuid gets 500",
        fail: [], warn: ["DEPROV-03"];
    RemovedPlanChange200 = "removed-plan-change-200": "plan change of a removed resource gets 200",
        fail: [], warn: ["PLAN-07"];
    UnknownPlanAccepted = "unknown-plan-accepted": "plan change accepts a plan the add-on does not offer",
        fail: [], warn: ["PLAN-03"];
    SamePlan422 = "same-plan-422": "a plan change to the current plan gets 422",
        fail: [], warn: ["IDEM-04"];
    ForbiddenTransitionAllowed = "forbidden-transition-allowed": "the forbidden change premium -> hobby is carried out",
        fail: ["PLAN-03.forbidden"], warn: [];
    UnknownPlanChange200 = "unknown-plan-change-200": "plan change of an unknown uuid gets 200",
        fail: [], warn: ["PLAN-08"];
    Error422NoMessage = "422-without-message": "every 422 has an empty JSON object as its body",
        fail: ["PLAN-03.forbidden", "REGION-05", "REGION-07"], warn: ["PLAN-03"];
    Error422PlainText = "422-plain-text": "every 422 (plan and region refusals) carries its message as plain text",
        fail: ["GEN-01.run", "PLAN-03.forbidden", "REGION-05", "REGION-07"], warn: ["PLAN-03"];
    PrivateSpacePlanProvisioned = "private-space-plan-provisioned": "the hobby plan is provisioned in a Private Space region",
        fail: ["REGION-05"], warn: [];
    PrivateSpaceRefusalLeaves = "private-space-refusal-leaves-resource": "the Private Space refusal still stores the resource",
        fail: ["REGION-05.leftover"], warn: [];
    PrivateSpaceRefusalCallsBack = "private-space-refusal-calls-back": "the Private Space refusal exchanges the grant code first",
        fail: ["REGION-05.leftover"], warn: [];
    PrivateSpaceRejectsAll = "private-space-rejects-all": "every plan is refused in Private Space regions",
        fail: ["REGION-08"], warn: [];
    UnknownRegion500 = "unknown-region-500": "a region the add-on does not know gets 500",
        fail: ["REGION-07"], warn: [];
    DuplicateOnRepeat = "duplicate-resource-on-repeat": "a repeated provision creates a new resource with a new id",
        fail: ["IDEM-02", "IDEM-02.concurrent"], warn: [];
    DuplicateRows = "duplicate-rows": "stores one row per delivery behind one uuid, answering the same id; a removal deletes one row",
        fail: ["IDEM-02", "IDEM-02.concurrent"], warn: [];
    ConcurrentRace = "race-on-concurrent-duplicates": "concurrent duplicates race past the uuid lookup and each create a resource",
        fail: ["IDEM-02.concurrent"], warn: [];
    RemovedProvisionRecreated = "removed-provision-recreated": "a provision for a deprovisioned uuid recreates it",
        fail: [], warn: ["PROV-12"];
    SsoNoTimestampCheck = "sso-no-timestamp-check": "SSO accepts any timestamp",
        fail: ["SSO-04"], warn: ["SSO-13"];
    SsoForgedToken = "sso-forged-token-accepted": "SSO compares only the token's length",
        fail: ["SSO-03", "SSO-03.cross", "SSO-03.timestamp", "SSO-03.zeros"], warn: ["SSO-15"];
    SsoZeroToken = "sso-zero-token": "SSO accepts a token made of zeros (a debug bypass)",
        fail: ["SSO-03.zeros"], warn: [];
    SsoEmptyToken = "sso-empty-token": "SSO skips the comparison when the token is empty",
        fail: ["SSO-03.empty"], warn: [];
    SsoTokenPrefix = "sso-token-prefix": "SSO accepts any non-empty prefix of the expected token",
        fail: ["SSO-03.prefix"], warn: [];
    SsoTokenAnyTimestamp = "sso-token-any-timestamp": "SSO accepts a token signed for any recent timestamp, not the one the login carries",
        fail: ["SSO-03.timestamp"], warn: [];
    SsoRemovedResource = "sso-removed-resource": "SSO signs in to a deprovisioned resource",
        fail: ["SSO-03.removed"], warn: [];
    SsoUnknownResource500 = "sso-unknown-resource-500": "a correctly signed login for a resource the add-on does not hold (never provisioned, or deprovisioned) gets 500",
        fail: ["SSO-03.removed", "SSO-03.unknown"], warn: [];
    SsoCrossResource = "sso-cross-resource-token": "SSO accepts a token that is valid for any resource",
        fail: ["SSO-03.cross"], warn: [];
    SsoBasicAuth = "sso-basic-auth": "the SSO endpoint demands Basic auth",
        fail: ["AUTH-06"], warn: [];
    SsoNoSession = "sso-no-session": "SSO sets no session and the dashboard is open to anyone",
        fail: ["SSO-05"], warn: [];
    SsoDashboardOpen = "sso-dashboard-open": "the dashboard does not check the session",
        fail: ["SSO-12"], warn: [];
    SsoMissingField500 = "sso-missing-field-500": "SSO without a timestamp gets 500",
        fail: ["SSO-14"], warn: [];
    FirstUserOnly = "first-user-only-dashboard": "SSO opens a resource only for the user who signed in to it first",
        fail: ["SSO-09"], warn: ["ATT-06.detach", "ATT-06.same-app", "SSO-06", "SSO-06.resource-token", "SSO-10.attached"];
    IgnoresUserScopedToken = "ignores-user-scoped-token": "SSO verifies resource_token only and trusts user_id and email as sent",
        fail: [], warn: ["SSO-15"];
    LogWrongContentType = "log-wrong-content-type": "the log line after provisioning is posted as text/plain",
        fail: ["LOG-02"], warn: [];
    LogBadOctetCount = "log-bad-octet-count": "the log line's octet count is one more than its length",
        fail: ["LOG-02"], warn: [];
    SsoRefusesDoubleAttachment = "sso-refuses-double-attachment": "SSO refuses a resource attached twice to one app",
        fail: [], warn: ["ATT-06.same-app"];
    SsoDetachIsRemoval = "sso-detach-is-removal": "SSO refuses a resource once one of its attachments was detached",
        fail: [], warn: ["ATT-06.detach"];
    SsoRefusesUserScopedOnly = "sso-refuses-user-scoped-only": "SSO verifies only resource_token: a login carrying only user_scoped_resource_token is refused",
        fail: [], warn: ["SSO-06", "SSO-15"];
    SsoRefusesResourceTokenOnly = "sso-refuses-resource-token-only": "SSO verifies only user_scoped_resource_token: a login carrying only resource_token is refused",
        fail: [], warn: ["SSO-06.resource-token"];
    SsoLegacyPair500 = "sso-legacy-pair-500": "a login carrying only the legacy id/token pair gets 500",
        fail: [], warn: ["SSO-06.legacy"];
    SluggishProvision = "sluggish-provision": "the first provision takes longer than the soft budget",
        fail: [], warn: ["TIME-01"];
    SlowProvision = "slow-provision": "the first provision takes longer than the hard limit",
        fail: ["TIME-02"], warn: [];
    AsyncNeverCompletes = "async-never-completes": "an async provision is never marked provisioned",
        fail: ["ASYNC-03"], warn: [];
    AsyncUndeclaredConfig = "async-undeclared-config": "async config is PATCHed under a name the manifest does not declare",
        fail: ["CONFIG-02"], warn: [];
    AsyncNoAcceptHeader = "async-no-accept-header": "Platform API calls lack the v3 Accept header",
        fail: ["API-01.accept", "ASYNC-03"], warn: [];
    AsyncNoToken = "async-no-token": "Platform API calls lack the Bearer token",
        fail: ["API-01.token", "ASYNC-03"], warn: [];
    Async202NoId = "async-202-no-id": "the 202 answer has no id",
        fail: ["ASYNC-09"], warn: [];
    LateExchange = "late-exchange": "the grant is exchanged after oauth_grant.expires_at",
        fail: ["ASYNC-03", "ASYNC-07", "PROV-08", "ROTATE-04"], warn: ["OAUTH-05"];
    WrongClientSecret = "wrong-client-secret": "the grant is exchanged with a wrong client secret",
        fail: ["ASYNC-03", "ASYNC-07", "OAUTH-01", "ROTATE-04"], warn: ["OAUTH-05"];
    SyncWrongClientSecret = "sync-wrong-client-secret": "every plan is synchronous and the grant is exchanged with a wrong client secret",
        fail: ["ASYNC-07", "OAUTH-01", "ROTATE-04"], warn: ["OAUTH-05"];
    VariantSyncOnly = "variant-sync-only": "conformant variant: every plan is provisioned synchronously",
        fail: [], warn: [];
    TouchesAnotherResource = "touches-another-resource": "the partner reads an add-on its token is not scoped to",
        fail: ["OAUTH-04"], warn: [];
    NoRefresh = "no-refresh": "short-lived tokens are never refreshed",
        fail: ["OAUTH-03"], warn: [];
    CallsHerokuDirectly = "calls-heroku-directly": "the partner calls Heroku's own hosts: no request reaches the run's platform",
        fail: ["ASYNC-03", "ASYNC-07", "OAUTH-01", "ROTATE-04"], warn: ["OAUTH-05"];
    SyncNoExchange = "sync-no-exchange": "a synchronous provision never exchanges its grant",
        fail: ["ROTATE-04"], warn: ["OAUTH-05"];
    DedupeHerokuId = "dedupe-heroku-id": "a second install on an app (same heroku_id) is refused with 422",
        fail: ["PROV-11", "PROV-11.concurrent"], warn: [];
    VariantUniqueHerokuId = "variant-unique-heroku-id": "conformant variant: without many_per_app in the manifest, a second install on an app is refused",
        fail: [], warn: [];
    RenamesSecondInstall = "renames-second-install": "a second install on an app answers config under attachment-style names",
        fail: ["CONFIG-02.many"], warn: [];
    DeprovisionByHerokuId = "deprovision-by-heroku-id": "deprovisioning one install removes every install of the app",
        fail: [], warn: ["PROV-10"];
    AppCounterRace = "app-counter-race": "ids come from a per-app counter that concurrent installs race on",
        fail: ["PROV-03.unique", "PROV-11.concurrent"], warn: [];
    RefusesSharedChanges = "refuses-shared-changes": "plan changes of a resource attached to several apps get 422",
        fail: ["ATT-07"], warn: [];
    InvalidRecommendedPrefix = "invalid-recommended-prefix": "the provision answer recommends the prefix `conformance-ref`, not a valid attachment name",
        fail: [], warn: ["ATT-08"];
    RotationNoPatch = "rotation-no-patch": "a rotation changes the credentials but never PATCHes the config",
        fail: ["ROTATE-04"], warn: [];
    RotationAttachmentNames = "rotation-attachment-names": "a rotation PATCHes the config under an attachment's name instead of the manifest's",
        fail: ["ROTATE-04"], warn: [];
    RotationAppInfo = "rotation-app-info": "a rotation updates the config through the legacy App Info API (PUT /vendor/apps/{id}), past its end of life",
        fail: [], warn: ["ROTATE-04"];
    RotationSameValues = "rotation-same-values": "a rotation PATCHes the old values again",
        fail: ["ROTATE-05"], warn: [];
    RotationInvalidatesOld = "rotation-invalidates-old": "a rotation invalidates the old credentials at once",
        fail: [], warn: ["ROTATE-02"];
    SsoKeysOnApp = "sso-keys-on-app": "SSO opens the dashboard of the app's first install, whichever install the login names",
        fail: [], warn: ["SSO-10.install"];
    SsoRejectsContextApp = "sso-rejects-context-app": "SSO refuses logins whose context_app is not the owning app",
        fail: [], warn: ["SSO-10.attached"];
    VariantRecommendedPrefix = "variant-recommended-prefix": "conformant variant: the provision answer recommends the attachment name REF_DB_2 (digits and underscores)",
        fail: [], warn: [];
    VariantAsyncAll = "variant-async-all": "conformant variant: every plan is provisioned asynchronously",
        fail: [], warn: [];
    VariantProvision201 = "variant-provision-201": "conformant variant: provision answers 201",
        fail: [], warn: [];
    VariantDeprovision200 = "variant-deprovision-200": "conformant variant: deprovision answers 200 with {}",
        fail: [], warn: [];
    VariantSyncDeprovision = "variant-sync-deprovision": "conformant variant: not enrolled in asynchronous deprovisioning; every DELETE removes at once",
        fail: [], warn: [];
    VariantAsyncDeprovisionAll = "variant-async-deprovision-all": "conformant variant: every DELETE answers 202 (enrolled in asynchronous deprovisioning) and actions/deprovision follows",
        fail: [], warn: [];
    VariantDeprovisionActionFirst = "variant-deprovision-action-first": "conformant variant: every DELETE answers 202, and actions/deprovision is sent before the 202 goes out (a removal job that finishes at once)",
        fail: [], warn: [];
    VariantRepeatDeprovision204 = "variant-repeat-deprovision-204": "conformant variant: a repeated deprovision answers 204",
        fail: [], warn: [];
    VariantIntegerId = "variant-integer-id": "conformant variant: the provider id is an integer",
        fail: [], warn: [];
    VariantOwnIntegerId = "variant-own-integer-id": "conformant variant: the provider id is an integer and plan changes and removals name the resource by it; its config sets [provision] path_id = \"provider\"",
        fail: [], warn: [];
    VariantLegacySso = "variant-legacy-sso": "conformant variant: the manifest has no sso_url; logins use the legacy GET to base_url/{id}",
        fail: [], warn: [];
    SsoLegacyPairOnly = "sso-legacy-pair-only": "SSO verifies only the legacy id/token pair of Heroku's form (the id names the resource): accepted everywhere, but the user is taken on trust",
        fail: [], warn: ["SSO-15"];
    VariantSsoContextPath = "variant-sso-context-path": "conformant variant: SSO lands on a path naming the app the user came from (/heroku/dashboard/{uuid}/from/{context_app})",
        fail: [], warn: [];
    VariantSsoSessionDashboard = "variant-sso-session-dashboard": "conformant variant: SSO lands on a fixed /heroku/dashboard that shows the session's resource",
        fail: [], warn: [];
    VariantSso303 = "variant-sso-303": "conformant variant: SSO redirects with 303 and the dashboard refuses strangers with a redirect",
        fail: [], warn: [];
    VariantLogBatched = "variant-log-batched": "conformant variant: a log write carries three octet-counted frames in one POST, as a batching logger sends them",
        fail: [], warn: [];
    VariantLogOnDemand = "variant-log-on-demand": "conformant variant: writes to the app's log only when asked ([hooks] write_log), not after provisioning",
        fail: [], warn: [];
    VariantVendorJson = "variant-vendor-json": "conformant variant: JSON labelled application/vnd.heroku-addons+json",
        fail: [], warn: [];
}
