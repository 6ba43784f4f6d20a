//! The legacy App Info API (end of life July 2023, still named by Heroku's credential-rotation
//! page for v1 integrations): `GET /vendor/apps`, `GET /vendor/apps/{id}` and
//! `PUT /vendor/apps/{id}` with `{"config": {...}}`, authenticated with the manifest's id and
//! password (Basic). `{id}` is the `heroku_id` the provision body carried (the 2014 reference)
//! or the resource uuid (the later reference's `callback_url`); both are accepted. 401 on bad
//! auth; 404 for an unknown or deprovisioned resource, and for a GET while it is still
//! provisioning (a PUT then sets its config without a release, like the v3 PATCH); 409 for a
//! heroku_id that several live installations share (address those by uuid).

use axum::http::{Method, StatusCode};
use base64::Engine;
use serde_json::{Map, Value, json};

use super::Shared;
use super::http::{Answer, Call};
use super::state::{AddonRecord, AddonState, ConfigError, Model};
use crate::record::InboundKind;

fn kind_of(method: &Method, rest: &[&str]) -> InboundKind {
    match (method, rest) {
        (&Method::GET, []) => InboundKind::AppInfoList,
        (&Method::GET, [_]) => InboundKind::AppInfoRead,
        (&Method::PUT, [_]) => InboundKind::AppInfoUpdate,
        _ => InboundKind::UnknownEndpoint,
    }
}

/// Whether the call carries `Basic base64(slug:password)`.
fn authorized(shared: &Shared, call: &Call, slug: &str) -> bool {
    let Some(password) = &shared.password else {
        return false;
    };
    call.headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, b64)| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok())
        .is_some_and(|pair| pair.split_once(':') == Some((slug, password.as_str())))
}

/// `%40` and friends in a path segment (`app123%40heroku.com`).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The one resource `{id}` names (a uuid, or the heroku_id of the app it is on), whatever its
/// state.
fn named(model: &Model, id: &str) -> Option<String> {
    if model.addons.contains_key(id) {
        return Some(id.to_owned());
    }
    let apps = apps_with_heroku_id(model, id);
    let mut on_apps = model
        .addons
        .values()
        .filter(|a| apps.contains(&a.app_id.as_str()));
    match (on_apps.next(), on_apps.next()) {
        (Some(one), None) => Some(one.uuid.clone()),
        _ => None,
    }
}

/// The ids of the apps whose `heroku_id` is `id`.
fn apps_with_heroku_id<'m>(model: &'m Model, id: &str) -> Vec<&'m str> {
    model
        .apps
        .values()
        .filter(|a| a.heroku_id.as_deref() == Some(id))
        .map(|a| a.id.as_str())
        .collect()
}

enum Lookup {
    Found(String),
    NotFound,
    Ambiguous,
}

/// The live resource `{id}` names: a uuid, or the heroku_id of the app it is installed on.
/// `provisioning` also finds a resource still provisioning (when no live one has that
/// heroku_id): the v1 way to finish an asynchronous provision was to PUT its config, while a
/// GET answered 404 until then.
fn lookup(model: &Model, id: &str, provisioning: bool) -> Lookup {
    let pending = |a: &AddonRecord| provisioning && a.state == AddonState::Provisioning;
    if let Some(a) = model.addons.get(id) {
        return if a.state.is_live() || pending(a) {
            Lookup::Found(a.uuid.clone())
        } else {
            Lookup::NotFound
        };
    }
    let apps = apps_with_heroku_id(model, id);
    let on_app = |keep: &dyn Fn(&AddonRecord) -> bool| -> Vec<String> {
        model
            .addons
            .values()
            .filter(|a| keep(a) && apps.contains(&a.app_id.as_str()))
            .map(|a| a.uuid.clone())
            .collect()
    };
    let mut found = on_app(&|a| a.state.is_live());
    if found.is_empty() {
        found = on_app(&pending);
    }
    match found.as_slice() {
        [one] => Lookup::Found(one.clone()),
        [] => Lookup::NotFound,
        _ => Lookup::Ambiguous,
    }
}

pub(crate) fn handle(shared: &Shared, call: &Call, rest: &[&str]) -> Answer {
    let kind = kind_of(&call.method, rest);
    let mut model = shared.model();
    // A refused call is journaled with the resource it names, so the checks about that
    // resource cite it.
    let named = match rest {
        [id] => named(&model, &percent_decode(id)),
        _ => None,
    };
    if !authorized(shared, call, &model.service) {
        let message = if shared.password.is_none() {
            "the platform was started without the manifest, so it knows no password for the App Info API"
        } else {
            "send Basic auth with the manifest's id and api.password"
        };
        return Answer::error(StatusCode::UNAUTHORIZED, "unauthorized", message, kind).about(named);
    }
    let id = match rest {
        [] if call.method == Method::GET => return list(&model, &shared.origin),
        [id] => percent_decode(id),
        _ => {
            return Answer::error(StatusCode::NOT_FOUND, "not_found", "no such endpoint", kind);
        }
    };
    let uuid = match lookup(&model, &id, call.method == Method::PUT) {
        Lookup::Found(uuid) => uuid,
        Lookup::NotFound => {
            return Answer::error(
                StatusCode::NOT_FOUND,
                "not_found",
                "no provisioned installation of this add-on has that id",
                kind,
            )
            .about(named);
        }
        Lookup::Ambiguous => {
            return Answer::error(
                StatusCode::CONFLICT,
                "ambiguous",
                "several installations of this add-on share that heroku_id; use the resource uuid",
                kind,
            );
        }
    };
    let answer = match call.method {
        Method::GET => Answer::ok(kind, info(&model, &uuid, &shared.origin)),
        Method::PUT => update(shared, &mut model, call, &uuid, kind),
        _ => Answer::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "the App Info API takes GET and PUT",
            kind,
        ),
    };
    answer.about(Some(uuid))
}

fn update(
    shared: &Shared,
    model: &mut Model,
    call: &Call,
    uuid: &str,
    kind: InboundKind,
) -> Answer {
    let invalid = |message: &str| {
        Answer::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_params",
            message,
            kind,
        )
    };
    let entries = match parse(&call.body) {
        Ok(entries) => entries,
        Err(message) => return invalid(&message),
    };
    for value in entries.iter().filter_map(|(_, v)| v.as_deref()) {
        shared.redactor.add("config", value);
    }
    match model.set_config(uuid, &entries) {
        Ok(_) => Answer::ok(kind, info(model, uuid, &shared.origin)),
        Err(ConfigError::UndeclaredName(n)) => invalid(&format!(
            "{n} is not one of the config vars the manifest declares"
        )),
        Err(ConfigError::NoSuchAddon) => {
            Answer::error(StatusCode::NOT_FOUND, "not_found", "no such add-on", kind)
        }
    }
}

/// `{"config": {"NAME": "value" or null}}`.
fn parse(body: &[u8]) -> Result<Vec<(String, Option<String>)>, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let config = v
        .get("config")
        .and_then(Value::as_object)
        .ok_or("expected {\"config\": {\"NAME\": \"value\"}}")?;
    config
        .iter()
        .map(|(name, value)| match value {
            Value::String(s) => Ok((name.clone(), Some(s.clone()))),
            Value::Null => Ok((name.clone(), None)),
            _ => Err(format!("the value of {name} must be a string or null")),
        })
        .collect()
}

fn callback_url(origin: &str, uuid: &str) -> String {
    format!("{origin}/vendor/apps/{uuid}")
}

/// The App Info object of resource `uuid` (the partner's config, under manifest names).
fn info(model: &Model, uuid: &str, origin: &str) -> Value {
    let Some(addon) = model.addons.get(uuid) else {
        return Value::Null;
    };
    let app = model.apps.get(&addon.app_id);
    let config: Map<String, Value> = addon
        .config
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let mut body = json!({
        "id": app.and_then(|a| a.heroku_id.clone()).unwrap_or_else(|| uuid.to_owned()),
        "name": app.map(|a| a.name.clone()),
        "config": config,
        "callback_url": callback_url(origin, uuid),
        "owner_email": app.map(|a| a.owner.email.clone()),
        "region": addon.region,
        "domains": [],
        "plan": addon.plan,
        "provider_id": addon.provider_id,
        "resource": {"uuid": addon.uuid, "name": addon.name},
    });
    if model.log_input {
        body["log_input_url"] = json!(super::logs::input_url(origin, uuid));
    }
    body
}

fn list(model: &Model, origin: &str) -> Answer {
    let items: Vec<Value> = model
        .addons
        .values()
        .filter(|a| a.state.is_live())
        .map(|a| {
            json!({
                "callback_url": callback_url(origin, &a.uuid),
                "heroku_id": model.apps.get(&a.app_id).and_then(|x| x.heroku_id.clone()),
                "plan": a.plan,
                "provider_id": a.provider_id,
                "resource": {"uuid": a.uuid, "name": a.name},
            })
        })
        .collect();
    Answer::ok(InboundKind::AppInfoList, json!(items))
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn heroku_ids_in_paths_are_decoded() {
        assert_eq!(percent_decode("app123%40heroku.com"), "app123@heroku.com");
        assert_eq!(percent_decode("a%4"), "a%4");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
