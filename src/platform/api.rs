//! The Platform API for Partners: Bearer tokens scoped to one resource, the v3 Accept header,
//! add-on info, config, actions, attachments, apps and collaborators.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::Shared;
use super::deprovision::DeprovisionError;
use super::http::{Answer, Call};
use super::state::{AddonRecord, AddonState, AppRecord, Attachment, ConfigError, Model};
use crate::record::InboundKind;

const VERSION_HINT: &str = "send Accept: application/vnd.heroku+json; version=3";

fn accept_ok(call: &Call) -> bool {
    call.headers
        .get_all("accept")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|part| {
                let mut it = part.split(';').map(str::trim);
                it.next() == Some("application/vnd.heroku+json")
                    && it.any(|p| p.replace(' ', "") == "version=3")
            })
        })
}

fn bearer(call: &Call) -> Option<&str> {
    call.headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        // The auth scheme is case-insensitive (RFC 9110).
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .map(str::trim)
}

fn kind_of(method: &Method, seg: &[&str]) -> InboundKind {
    match (method, seg) {
        (&Method::GET, ["addons", _]) => InboundKind::AddonInfo,
        (&Method::GET, ["addons", _, "config"]) => InboundKind::ConfigRead,
        (&Method::PATCH, ["addons", _, "config"]) => InboundKind::ConfigUpdate,
        (&Method::POST, ["addons", _, "actions", "provision"]) => InboundKind::ProvisionAction,
        (&Method::POST, ["addons", _, "actions", "deprovision"]) => InboundKind::DeprovisionAction,
        (&Method::GET, ["addons", _, "addon-attachments"]) => InboundKind::AttachmentList,
        (&Method::GET, ["apps", _]) => InboundKind::AppInfo,
        (&Method::GET, ["apps", _, "addon-attachments"]) => InboundKind::AppAttachmentList,
        (&Method::GET, ["apps", _, "collaborators"]) => InboundKind::CollaboratorList,
        _ => InboundKind::UnknownEndpoint,
    }
}

pub(crate) fn handle(shared: &Shared, call: &Call, seg: &[&str]) -> Answer {
    let kind = kind_of(&call.method, seg);
    let mut model = shared.model();
    // The resource the path names (an add-on id or name), when it is one.
    let target = match seg {
        ["addons", key, ..] => model
            .addon_by_id_or_name(key)
            .map(|a| a.uuid.clone())
            .or(Some(key.to_string())),
        _ => None,
    };
    let scope = bearer(call).and_then(|t| model.token_scope(t));
    let about = |a: Answer| a.about(target.clone()).scoped(scope.clone());
    let Some(scope_id) = scope.clone() else {
        let message = if bearer(call).is_some() {
            "the access token is unknown or expired; refresh it"
        } else {
            "send Authorization: Bearer <access token>"
        };
        return about(Answer::error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            message,
            kind,
        ));
    };
    if !accept_ok(call) {
        return about(Answer::error(
            StatusCode::BAD_REQUEST,
            "missing_version",
            VERSION_HINT,
            kind,
        ));
    }
    let forbidden = || {
        Answer::error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this token is scoped to another resource",
            kind,
        )
    };
    let answer = match seg {
        ["addons", _, ..] if target.as_deref() != Some(scope_id.as_str()) => forbidden(),
        ["apps", app, ..] => match model.app_by_id_or_name(app).map(|a| a.id.clone()) {
            Some(app_id)
                if model
                    .attachments_of(&scope_id)
                    .iter()
                    .any(|a| a.app_id == app_id) =>
            {
                apps(&model, &call.method, seg, &app_id, kind, &shared.origin)
            }
            _ => forbidden(),
        },
        ["addons", _, rest @ ..] => addons(
            shared,
            &mut model,
            &call.method,
            rest,
            call,
            &scope_id,
            kind,
        ),
        _ => Answer::error(StatusCode::NOT_FOUND, "not_found", "no such endpoint", kind),
    };
    about(answer)
}

fn addons(
    shared: &Shared,
    model: &mut Model,
    method: &Method,
    rest: &[&str],
    call: &Call,
    uuid: &str,
    kind: InboundKind,
) -> Answer {
    let not_found = || Answer::error(StatusCode::NOT_FOUND, "not_found", "no such add-on", kind);
    match (method, rest) {
        (&Method::GET, []) => model.addons.get(uuid).map_or_else(not_found, |a| {
            Answer::ok(kind, addon_json(model, a, &shared.origin))
        }),
        (&Method::GET, ["config"]) => model
            .addons
            .get(uuid)
            .map_or_else(not_found, |a| Answer::ok(kind, config_json(&a.config))),
        (&Method::PATCH, ["config"]) => match parse_config(&call.body) {
            Err(message) => Answer::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_params",
                &message,
                kind,
            ),
            Ok(entries) => {
                for (_, v) in &entries {
                    if let Some(v) = v {
                        shared.redactor.add("config", v);
                    }
                }
                match model.set_config(uuid, &entries) {
                    Ok(config) => Answer::ok(kind, config_json(&config.into_iter().collect())),
                    Err(ConfigError::NoSuchAddon) => not_found(),
                    Err(ConfigError::UndeclaredName(n)) => Answer::error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_params",
                        &format!("{n} is not one of the config vars the manifest declares"),
                        kind,
                    ),
                }
            }
        },
        (&Method::POST, ["actions", "provision"]) => {
            if model.mark_provisioned(uuid) {
                model.addons.get(uuid).map_or_else(not_found, |a| {
                    Answer::ok(kind, addon_json(model, a, &shared.origin))
                })
            } else {
                not_found()
            }
        }
        (&Method::POST, ["actions", "deprovision"]) => match model.complete_deprovision(uuid) {
            Ok(()) => model.addons.get(uuid).map_or_else(not_found, |a| {
                Answer::ok(kind, addon_json(model, a, &shared.origin))
            }),
            Err(DeprovisionError::NoSuchAddon) => not_found(),
            Err(DeprovisionError::NotPending(_)) => Answer::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_state",
                "no deprovisioning is pending for this add-on: the action completes an asynchronous deprovisioning after a DELETE answered 202",
                kind,
            ),
        },
        (&Method::GET, ["addon-attachments"]) => {
            let list: Vec<Value> = model
                .attachments_of(uuid)
                .iter()
                .map(|a| attachment_json(model, a, &shared.origin))
                .collect();
            Answer::ok(kind, json!(list))
        }
        _ => Answer::error(StatusCode::NOT_FOUND, "not_found", "no such endpoint", kind),
    }
}

fn apps(
    model: &Model,
    method: &Method,
    seg: &[&str],
    app_id: &str,
    kind: InboundKind,
    origin: &str,
) -> Answer {
    let Some(app) = model.apps.get(app_id) else {
        return Answer::error(StatusCode::NOT_FOUND, "not_found", "no such app", kind);
    };
    match (method, seg) {
        (&Method::GET, [_, _]) => Answer::ok(kind, app_json(app)),
        (&Method::GET, [_, _, "addon-attachments"]) => {
            let list: Vec<Value> = model
                .attachments
                .iter()
                .filter(|a| a.app_id == app_id)
                .map(|a| attachment_json(model, a, origin))
                .collect();
            Answer::ok(kind, json!(list))
        }
        (&Method::GET, [_, _, "collaborators"]) => {
            let list: Vec<Value> = model
                .collaborators(app_id)
                .iter()
                .map(|c| c.to_json())
                .collect();
            Answer::ok(kind, json!(list))
        }
        _ => Answer::error(StatusCode::NOT_FOUND, "not_found", "no such endpoint", kind),
    }
}

/// `{"config": [{"name": …, "value": string or null}]}`.
fn parse_config(body: &[u8]) -> Result<Vec<(String, Option<String>)>, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let items = v
        .get("config")
        .and_then(Value::as_array)
        .ok_or("expected {\"config\": [{\"name\", \"value\"}]}")?;
    items
        .iter()
        .map(|i| {
            let name = i
                .get("name")
                .and_then(Value::as_str)
                .ok_or("every entry needs a string name")?;
            match i.get("value") {
                Some(Value::String(s)) => Ok((name.to_owned(), Some(s.clone()))),
                Some(Value::Null) | None => Ok((name.to_owned(), None)),
                Some(_) => Err(format!("the value of {name} must be a string or null")),
            }
        })
        .collect()
}

fn config_json(config: &std::collections::BTreeMap<String, String>) -> Value {
    json!(
        config
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect::<Vec<_>>()
    )
}

fn app_ref(model: &Model, app_id: &str) -> Value {
    let name = model
        .apps
        .get(app_id)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    json!({"id": app_id, "name": name})
}

/// The Platform API's schema knows `provisioning`, `provisioned` and `deprovisioned` only: a
/// pending async deprovisioning shows as `provisioned` (still attached and working) there; the
/// model (`Platform::addon_state`) says `deprovisioning`.
fn api_state(state: AddonState) -> AddonState {
    match state {
        AddonState::Deprovisioning => AddonState::Provisioned,
        other => other,
    }
}

fn addon_json(model: &Model, a: &AddonRecord, origin: &str) -> Value {
    json!({
        "actions": [],
        "addon_service": {"id": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, model.service.as_bytes()).to_string(), "name": model.service},
        "app": app_ref(model, &a.app_id),
        "billed_price": {"cents": 0, "contract": false, "unit": "month"},
        "config_vars": a.config.keys().collect::<Vec<_>>(),
        "id": a.uuid,
        "name": a.name,
        "plan": {"id": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, a.plan.as_bytes()).to_string(), "name": format!("{}:{}", model.service, a.plan)},
        "provider_id": a.provider_id,
        "state": api_state(a.state),
        "web_url": format!("{origin}/apps/{}/addons/{}", a.app_id, a.uuid),
    })
}

fn attachment_json(model: &Model, a: &Attachment, origin: &str) -> Value {
    let addon = model.addons.get(&a.addon);
    let log_input_url = if model.log_input {
        json!(super::logs::input_url(origin, &a.addon))
    } else {
        Value::Null
    };
    json!({
        "id": a.id,
        "name": a.name,
        "app": app_ref(model, &a.app_id),
        "addon": {"id": a.addon, "name": addon.map(|x| x.name.clone()), "app": addon.map(|x| app_ref(model, &x.app_id))},
        "log_input_url": log_input_url,
        "namespace": Value::Null,
    })
}

fn app_json(app: &AppRecord) -> Value {
    json!({"id": app.id, "name": app.name, "owner": {"id": app.owner.id, "email": app.owner.email}, "region": {"name": "us"}})
}
