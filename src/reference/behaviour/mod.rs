//! How the reference partner behaves, decided once from its faults. The handlers read these
//! knobs and never look at a fault; this is the one place that maps faults to behaviour. With
//! no fault, every knob is conformant.

mod knobs;
mod knobs_pages;

use std::time::Duration;

use axum::http::StatusCode;

pub(crate) use knobs::*;
pub(crate) use knobs_pages::*;

use super::PREFIX;
use super::faults::{Fault as F, FaultSet};

/// Everything the reference partner does that a fault can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Behaviour {
    pub manifest: ManifestBehaviour,
    pub auth: AuthBehaviour,
    pub provision: ProvisionBehaviour,
    pub config: ConfigBehaviour,
    pub regions: RegionBehaviour,
    pub plans: PlanBehaviour,
    pub deprovision: DeprovisionBehaviour,
    pub callbacks: CallbackBehaviour,
    pub sso: SsoBehaviour,
    pub sharing: SharingBehaviour,
    pub rotation: RotationBehaviour,
    pub logs: LogBehaviour,
}

impl Behaviour {
    pub fn of(faults: &FaultSet) -> Self {
        let f = |fault| faults.has(fault);
        Self {
            manifest: manifest(&f),
            auth: AuthBehaviour {
                credentials: if f(F::IgnoresUsername) {
                    CredentialCheck::PasswordOnly
                } else {
                    CredentialCheck::UserAndPassword
                },
                refusal: if f(F::Auth403) {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::UNAUTHORIZED
                },
                unquoted_body: f(F::ErrorUnquotedKeys),
            },
            provision: provision(&f),
            config: ConfigBehaviour {
                url: if f(F::ConfigUrlRelative) {
                    UrlForm::Relative
                } else {
                    UrlForm::Absolute
                },
                api_key: value_form(f(F::ConfigNonStringValue)),
                undeclared_var: f(F::ConfigUndeclaredVar),
            },
            regions: regions(&f),
            plans: plans(&f),
            deprovision: deprovision(&f),
            callbacks: callbacks(&f),
            sso: sso(&f),
            sharing: sharing(&f),
            logs: LogBehaviour {
                content_type: if f(F::LogWrongContentType) {
                    "text/plain"
                } else {
                    "application/logplex-1"
                },
                count_error: usize::from(f(F::LogBadOctetCount)),
                after_provision: !f(F::VariantLogOnDemand),
                frames: if f(F::VariantLogBatched) { 3 } else { 1 },
            },
            rotation: RotationBehaviour {
                new_values: !f(F::RotationSameValues),
                grace: !f(F::RotationInvalidatesOld),
                patch: if f(F::RotationNoPatch) {
                    RotationPatch::None
                } else if f(F::RotationAttachmentNames) {
                    RotationPatch::AttachmentNames
                } else if f(F::RotationAppInfo) {
                    RotationPatch::AppInfo
                } else {
                    RotationPatch::ManifestNames
                },
            },
        }
    }
}

fn guard(open: bool) -> Guard {
    if open { Guard::Open } else { Guard::Basic }
}

fn strictness(refuse: bool) -> Strictness {
    if refuse {
        Strictness::Refuse
    } else {
        Strictness::Tolerate
    }
}

fn value_form(number: bool) -> ValueForm {
    if number {
        ValueForm::Number
    } else {
        ValueForm::String
    }
}

const SERVER_ERROR: Answer = Answer::Message(StatusCode::INTERNAL_SERVER_ERROR, "internal error");

fn manifest(f: &impl Fn(F) -> bool) -> ManifestBehaviour {
    let mut extra_config_vars = Vec::new();
    if f(F::ManifestBadConfigVarName) {
        extra_config_vars.push(format!("{PREFIX}_lower"));
    }
    if f(F::ManifestUnprefixedConfigVar) {
        extra_config_vars.push("DATABASE_URL".to_owned());
    }
    ManifestBehaviour {
        id: !f(F::ManifestMissingId),
        password: !f(F::ManifestEmptyPassword),
        sso_salt: !f(F::ManifestNoSsoSalt),
        regions: if f(F::ManifestUnknownRegion) {
            &["us", "us-east-1"]
        } else {
            &["us", "eu"]
        },
        base_url_scheme: if f(F::ManifestHttpBaseUrl) {
            "http"
        } else {
            "https"
        },
        extra_config_vars,
        version: if f(F::ManifestVersion1) { "1" } else { "3" },
        username: f(F::ManifestUsername),
        many_per_app: !f(F::VariantUniqueHerokuId),
    }
}

fn provision(f: &impl Fn(F) -> bool) -> ProvisionBehaviour {
    ProvisionBehaviour {
        guard: guard(f(F::NoAuthOnProvision)),
        malformed_body: if f(F::MalformedBody500) {
            Answer::PlainText(StatusCode::INTERNAL_SERVER_ERROR, "parse error")
        } else {
            Answer::Message(StatusCode::BAD_REQUEST, "the body is not a JSON object")
        },
        malformed_creates: f(F::RefusedButCreated),
        unknown_fields: strictness(f(F::RejectsUnknownFields)),
        unknown_options: strictness(f(F::RejectsUnknownOptions)),
        status_override: f(F::Provision500).then_some(SERVER_ERROR),
        answer: provision_answer(f),
        id_scheme: if f(F::IdFromHerokuId) {
            IdScheme::FromHerokuId
        } else if f(F::VariantIntegerId) || f(F::VariantOwnIntegerId) {
            IdScheme::Counter
        } else if f(F::ConstantId) {
            IdScheme::Constant
        } else if f(F::ReusedId) {
            IdScheme::LiveCount
        } else {
            IdScheme::Uuid
        },
        keyed_by_own_id: f(F::VariantOwnIntegerId),
        repeat: if f(F::DuplicateOnRepeat) {
            Repeat::NewResource
        } else if f(F::DuplicateRows) {
            Repeat::ExtraRow
        } else {
            Repeat::SameResource
        },
        after_removal: if f(F::RemovedProvisionRecreated) {
            Repeat::NewResource
        } else {
            Repeat::Gone
        },
        insert: if f(F::ConcurrentRace) {
            Insert::Racy
        } else {
            Insert::Atomic
        },
        first_delay: if f(F::SlowProvision) {
            Duration::from_millis(1500)
        } else if f(F::SluggishProvision) {
            Duration::from_millis(700)
        } else {
            Duration::ZERO
        },
        asynchrony: if f(F::VariantAsyncAll) {
            Asynchrony::AllPlans
        } else if f(F::VariantSyncOnly) || f(F::SyncWrongClientSecret) {
            Asynchrony::None
        } else {
            Asynchrony::AsyncPlans
        },
    }
}

fn provision_answer(f: &impl Fn(F) -> bool) -> ProvisionAnswer {
    ProvisionAnswer {
        content_type: if f(F::ProvisionHtmlContentType) {
            "text/html"
        } else if f(F::VariantVendorJson) {
            "application/vnd.heroku-addons+json; version=3"
        } else {
            "application/json"
        },
        body: if f(F::ProvisionInvalidJson) {
            BodyFormat::PlainText
        } else {
            BodyFormat::Json
        },
        sync_status: if f(F::VariantProvision201) {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        async_answer_id: !f(F::Async202NoId),
        log_drain_url: !f(F::NoLogDrainUrl),
        sync_config: !f(F::SyncNoConfig),
    }
}

fn regions(f: &impl Fn(F) -> bool) -> RegionBehaviour {
    RegionBehaviour {
        unknown: if f(F::UnknownRegion500) {
            UnknownRegion::ServerError
        } else {
            UnknownRegion::Refuse
        },
        private_space_plans: if f(F::PrivateSpaceRejectsAll) {
            PrivateSpacePlans::None
        } else if f(F::PrivateSpacePlanProvisioned) {
            PrivateSpacePlans::All
        } else {
            PrivateSpacePlans::AsListed
        },
        refusal_stores_resource: f(F::PrivateSpaceRefusalLeaves),
        refusal_exchanges_grant: f(F::PrivateSpaceRefusalCallsBack),
        refusal_body: if f(F::Error422NoMessage) {
            RefusalBody::Empty
        } else if f(F::Error422PlainText) {
            RefusalBody::PlainText
        } else {
            RefusalBody::Message
        },
    }
}

fn plans(f: &impl Fn(F) -> bool) -> PlanBehaviour {
    PlanBehaviour {
        guard: guard(f(F::NoAuthOnPlanChange)),
        unknown_resource: if f(F::UnknownPlanChange200) {
            Answer::Message(StatusCode::OK, "changed")
        } else {
            Answer::Message(StatusCode::NOT_FOUND, "no such resource")
        },
        removed_resource: strictness(!f(F::RemovedPlanChange200)),
        unknown_plan: strictness(!f(F::UnknownPlanAccepted)),
        status_override: f(F::PlanChange500).then_some(SERVER_ERROR),
        same_plan: strictness(f(F::SamePlan422)),
        forbidden_transitions: strictness(!f(F::ForbiddenTransitionAllowed)),
        shared_resource: strictness(f(F::RefusesSharedChanges)),
        answer_api_key: value_form(f(F::PlanChangeBadConfig)),
        answer_text: f(F::PlanChangeTextOk),
    }
}

fn deprovision(f: &impl Fn(F) -> bool) -> DeprovisionBehaviour {
    DeprovisionBehaviour {
        guard: guard(f(F::NoAuthOnDeprovision)),
        unknown: if f(F::UnknownDeprovision204) {
            Answer::NoContent
        } else if f(F::UnknownDeprovision500) {
            SERVER_ERROR
        } else {
            Answer::Message(StatusCode::NOT_FOUND, "no such resource")
        },
        repeat: if f(F::RepeatDeprovision500) {
            SERVER_ERROR
        } else if f(F::VariantRepeatDeprovision204) {
            Answer::NoContent
        } else {
            Answer::Message(StatusCode::GONE, "already deprovisioned")
        },
        done: if f(F::Deprovision500) {
            SERVER_ERROR
        } else if f(F::VariantDeprovision200) {
            Answer::EmptyJson
        } else {
            Answer::NoContent
        },
        removal: if f(F::VariantSyncDeprovision) {
            Removal::Immediate
        } else if f(F::VariantAsyncDeprovisionAll)
            || f(F::Deprovision202Unenrolled)
            || f(F::VariantDeprovisionActionFirst)
        {
            Removal::Asynchronous
        } else {
            Removal::AsyncPlans
        },
        action: if f(F::AsyncDeprovisionNoAction) {
            DeprovisionAction::Never
        } else if f(F::VariantDeprovisionActionFirst) {
            DeprovisionAction::BeforeAnswer
        } else {
            DeprovisionAction::AfterAnswer
        },
        action_accept: !f(F::DeprovisionActionNoAccept),
        enrolled: !(f(F::VariantSyncDeprovision) || f(F::Deprovision202Unenrolled)),
    }
}

fn callbacks(f: &impl Fn(F) -> bool) -> CallbackBehaviour {
    CallbackBehaviour {
        sync_exchange: !f(F::SyncNoExchange),
        exchange_delay: if f(F::LateExchange) {
            Duration::from_millis(1500)
        } else {
            Duration::ZERO
        },
        client_secret: if f(F::WrongClientSecret) || f(F::SyncWrongClientSecret) {
            ClientSecret::Wrong
        } else {
            ClientSecret::Issued
        },
        refresh: !f(F::NoRefresh),
        bearer: !f(F::AsyncNoToken),
        accept_header: !f(F::AsyncNoAcceptHeader),
        touches_other_resource: f(F::TouchesAnotherResource),
        undeclared_config: f(F::AsyncUndeclaredConfig),
        marks_provisioned: !f(F::AsyncNeverCompletes),
        calls_heroku_directly: f(F::CallsHerokuDirectly),
        hosts: HerokuHosts::FromCallbackUrl,
    }
}

fn sso(f: &impl Fn(F) -> bool) -> SsoBehaviour {
    SsoBehaviour {
        flow: if f(F::VariantLegacySso) {
            SsoFlow::Legacy
        } else {
            SsoFlow::V3
        },
        guard: guard(!f(F::SsoBasicAuth)),
        missing_timestamp: if f(F::SsoMissingField500) {
            SERVER_ERROR
        } else {
            Answer::Message(StatusCode::BAD_REQUEST, "timestamp is required")
        },
        checks_timestamp: !f(F::SsoNoTimestampCheck),
        token_check: if f(F::SsoForgedToken) {
            TokenCheck::LengthOnly
        } else if f(F::SsoZeroToken) {
            TokenCheck::AcceptsZeros
        } else if f(F::SsoEmptyToken) {
            TokenCheck::SkipsEmpty
        } else if f(F::SsoTokenPrefix) {
            TokenCheck::Prefix
        } else if f(F::SsoTokenAnyTimestamp) {
            TokenCheck::AnyRecentTimestamp
        } else {
            TokenCheck::Exact
        },
        removed_resources: strictness(!f(F::SsoRemovedResource)),
        unknown_resource: if f(F::SsoUnknownResource500) {
            SERVER_ERROR
        } else {
            Answer::Message(StatusCode::NOT_FOUND, "no such resource")
        },
        token_kinds: if f(F::SsoLegacyPairOnly) {
            TokenKinds::LegacyPair
        } else if f(F::SsoRefusesUserScopedOnly) {
            TokenKinds::ResourceTokenOnly
        } else if f(F::SsoRefusesResourceTokenOnly) {
            TokenKinds::UserScopedOnly
        } else if f(F::SsoLegacyPair500) {
            TokenKinds::LegacyPairCrashes
        } else {
            TokenKinds::Best
        },
        token_scope: if f(F::SsoCrossResource) {
            TokenScope::AnyResource
        } else {
            TokenScope::Resource
        },
        foreign_context: strictness(f(F::SsoRejectsContextApp)),
        target: if f(F::SsoKeysOnApp) {
            LoginTarget::AppsFirstInstall
        } else {
            LoginTarget::Named
        },
        redirect: if f(F::VariantSso303) {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::FOUND
        },
        landing: if f(F::VariantSsoSessionDashboard) {
            Landing::Session
        } else if f(F::VariantSsoContextPath) {
            Landing::FromContextApp
        } else {
            Landing::Resource
        },
        session: !f(F::SsoNoSession),
        dashboard: if f(F::SsoNoSession) || f(F::SsoDashboardOpen) {
            Dashboard::Open
        } else {
            Dashboard::Session
        },
        stranger: if f(F::VariantSso303) {
            Stranger::RedirectToLogin
        } else {
            Stranger::Forbidden
        },
        users: if f(F::FirstUserOnly) {
            UserAccess::FirstUser
        } else {
            UserAccess::Everyone
        },
        attachments: if f(F::SsoRefusesDoubleAttachment) {
            AttachmentView::OnePerApp
        } else if f(F::SsoDetachIsRemoval) {
            AttachmentView::NeverFewer
        } else {
            AttachmentView::Ignored
        },
        user_token: if f(F::IgnoresUserScopedToken) {
            UserToken::Ignored
        } else {
            UserToken::Verified
        },
    }
}

fn sharing(f: &impl Fn(F) -> bool) -> SharingBehaviour {
    SharingBehaviour {
        second_install: strictness(f(F::DedupeHerokuId) || f(F::VariantUniqueHerokuId)),
        ids: if f(F::AppCounterRace) {
            InstallIds::RacyAppCounter
        } else {
            InstallIds::Resource
        },
        renames_second_install: f(F::RenamesSecondInstall),
        recommended_prefix: if f(F::InvalidRecommendedPrefix) {
            Some("conformance-ref")
        } else if f(F::VariantRecommendedPrefix) {
            Some("REF_DB_2")
        } else {
            Some("REFDB")
        },
        deprovision_scope: if f(F::DeprovisionByHerokuId) {
            DeprovisionScope::App
        } else {
            DeprovisionScope::Install
        },
    }
}

#[cfg(test)]
mod tests;
