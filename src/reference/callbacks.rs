//! The reference partner's side of the callbacks: it derives Heroku's Identity and API origin
//! from `callback_url`, exchanges the grant, refreshes short-lived tokens, and, for asynchronous
//! provisions, sets config through the Platform API and marks the add-on provisioned.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::State;
use super::faults::Fault as F;

/// Tokens expiring within this many seconds are refreshed before use (as Heroku's sample does).
const REFRESH_MARGIN_SECS: u64 = 90;

pub(crate) struct Job {
    pub uuid: String,
    pub callback_url: String,
    pub code: String,
    pub asynchronous: bool,
    pub config: Map<String, Value>,
}

/// Runs the callbacks; failures end the job quietly (the harness sees what arrived).
pub(crate) async fn run(state: Arc<State>, job: Job) {
    let _ = complete(&state, &job).await;
}

/// Keeps the tokens the platform issued, so leak scans look for them too.
fn remember_tokens(state: &State, token: &Value) {
    if let Ok(mut seen) = state.received_secrets.lock() {
        for key in ["access_token", "refresh_token"] {
            if let Some(t) = token.get(key).and_then(Value::as_str) {
                seen.push(t.to_owned());
            }
        }
    }
}

async fn complete(state: &State, job: &Job) -> Result<(), reqwest::Error> {
    let f = &state.faults;
    let Some(origin) = job
        .callback_url
        .strip_suffix(&format!("/addons/{}", job.uuid))
    else {
        return Ok(());
    };
    // The reference partner only ever calls a platform on this machine.
    let loopback = url::Url::parse(origin).is_ok_and(|u| match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    });
    if !loopback {
        return Ok(());
    }
    if !job.asynchronous && f.has(F::SyncNoExchange) {
        return Ok(());
    }
    if f.has(F::LateExchange) {
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    let secret = if f.has(F::WrongClientSecret) || f.has(F::SyncWrongClientSecret) {
        "not-the-secret"
    } else {
        state.client_secret.as_str()
    };
    let http = &state.http;
    let token: Value = http
        .post(format!("{origin}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &job.code),
            ("client_secret", secret),
        ])
        .send()
        .await?
        .json()
        .await?;
    remember_tokens(state, &token);
    let Some(mut access) = token
        .get("access_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return Ok(());
    };
    let expires_in = token
        .get("expires_in")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    if expires_in <= REFRESH_MARGIN_SECS && !f.has(F::NoRefresh) {
        let refresh = token
            .get("refresh_token")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let renewed: Value = http
            .post(format!("{origin}/oauth/token"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_secret", secret),
            ])
            .send()
            .await?
            .json()
            .await?;
        remember_tokens(state, &renewed);
        if let Some(a) = renewed.get("access_token").and_then(Value::as_str) {
            access = a.to_owned();
        }
    }
    state.installs.keep_token(
        &job.uuid,
        super::sharing::Authorization {
            origin: origin.to_owned(),
            access: access.clone(),
            refresh: token
                .get("refresh_token")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            expires: std::time::Instant::now() + Duration::from_secs(expires_in.min(86_400)),
        },
    );
    if !job.asynchronous {
        return Ok(());
    }
    let api = |method: reqwest::Method, path: String| {
        let mut b = http.request(method, format!("{origin}{path}"));
        if !f.has(F::AsyncNoToken) {
            b = b.bearer_auth(&access);
        }
        if !f.has(F::AsyncNoAcceptHeader) {
            b = b.header("Accept", "application/vnd.heroku+json; version=3");
        }
        b
    };
    if f.has(F::TouchesAnotherResource) {
        let other = uuid::Uuid::new_v4();
        api(reqwest::Method::GET, format!("/addons/{other}"))
            .send()
            .await?;
    }
    let mut entries: Vec<Value> = job
        .config
        .iter()
        .map(|(k, v)| json!({"name": k, "value": v}))
        .collect();
    if f.has(F::AsyncUndeclaredConfig) {
        entries.push(
            json!({"name": format!("{}_DATABASE_URL", super::PREFIX), "value": "postgres://x"}),
        );
    }
    api(
        reqwest::Method::PATCH,
        format!("/addons/{}/config", job.uuid),
    )
    .json(&json!({ "config": entries }))
    .send()
    .await?;
    if !f.has(F::AsyncNeverCompletes) {
        api(
            reqwest::Method::POST,
            format!("/addons/{}/actions/provision", job.uuid),
        )
        .send()
        .await?;
    }
    Ok(())
}
