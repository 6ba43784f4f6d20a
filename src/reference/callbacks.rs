//! The reference partner's side of the callbacks: it derives Heroku's Identity and API origin
//! from `callback_url` (or, in the hardcoded-hosts mode, calls `https://id.heroku.com` and
//! `https://api.heroku.com` as real add-ons do), exchanges the grant, refreshes short-lived tokens, and, for asynchronous
//! provisions, sets config through the Platform API and marks the add-on provisioned.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::State;
use super::behaviour::{ClientSecret, HerokuHosts};

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

/// Writes `line` to the app's log through `url` (the provision's `log_input_url`: loopback, or
/// with hardcoded hosts Heroku's Platform API host, reached through the interception proxy
/// only), as one octet-counted RFC 5424 frame.
pub(crate) async fn write_log(state: Arc<State>, url: String, line: String) {
    let hardcoded = state.behaviour.callbacks.hosts == HerokuHosts::Hardcoded;
    let reachable = url::Url::parse(&url).is_ok_and(|u| match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => {
            d == "localhost" || (hardcoded && u.scheme() == "https" && d == "api.heroku.com")
        }
        None => false,
    });
    if !reachable {
        return;
    }
    let l = state.behaviour.logs;
    let now = crate::heroku::rfc3339_millis(std::time::SystemTime::now());
    let frame: String = (1..=l.frames)
        .map(|i| {
            let part = if l.frames > 1 {
                format!(" ({i}/{})", l.frames)
            } else {
                String::new()
            };
            let message = format!("<190>1 {now} host {} - - - {line}{part}", super::ADDON_ID);
            format!("{} {message}", message.len() + l.count_error)
        })
        .collect();
    let _ = state
        .http
        .post(url)
        .header("Content-Type", l.content_type)
        .header("User-Agent", format!("{}/1.0", super::ADDON_ID))
        .body(frame)
        .send()
        .await;
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

/// The platform's origin, if `callback_url` is a loopback Platform API URL for this resource:
/// the reference partner only ever calls a platform on this machine.
fn loopback_origin(job: &Job) -> Option<&str> {
    let origin = job
        .callback_url
        .strip_suffix(&format!("/addons/{}", job.uuid))?;
    let loopback = url::Url::parse(origin).is_ok_and(|u| match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    });
    loopback.then_some(origin)
}

/// Heroku's origins as the add-on addresses them: (Identity, Platform API).
pub(crate) const IDENTITY: &str = "https://id.heroku.com";
pub(crate) const API: &str = "https://api.heroku.com";

/// Where the token endpoint and the Platform API are, for this job.
fn origins(state: &State, job: &Job) -> Option<(String, String)> {
    match state.behaviour.callbacks.hosts {
        HerokuHosts::Hardcoded => Some((IDENTITY.to_owned(), API.to_owned())),
        HerokuHosts::FromCallbackUrl => {
            let origin = loopback_origin(job)?;
            Some((origin.to_owned(), origin.to_owned()))
        }
    }
}

async fn complete(state: &State, job: &Job) -> Result<(), reqwest::Error> {
    let c = &state.behaviour.callbacks;
    let Some((identity, origin)) = origins(state, job).filter(|_| !c.calls_heroku_directly) else {
        return Ok(());
    };
    let origin = origin.as_str();
    if (!job.asynchronous && !c.sync_exchange) || state.options.never_exchange {
        return Ok(());
    }
    if !c.exchange_delay.is_zero() {
        tokio::time::sleep(c.exchange_delay).await;
    }
    let Some(access) = authorize(state, (&identity, origin), job).await? else {
        return Ok(());
    };
    if job.asynchronous {
        finish(state, origin, job, &access).await?;
    }
    Ok(())
}

fn client_secret(state: &State) -> &str {
    match state.behaviour.callbacks.client_secret {
        ClientSecret::Issued => state.client_secret.as_str(),
        ClientSecret::Wrong => "not-the-secret",
    }
}

async fn token_call(
    state: &State,
    origin: &str,
    form: &[(&str, &str)],
) -> Result<Value, reqwest::Error> {
    let token: Value = state
        .http
        .post(format!("{origin}/oauth/token"))
        .form(form)
        .send()
        .await?
        .json()
        .await?;
    remember_tokens(state, &token);
    Ok(token)
}

/// Exchanges the grant (refreshing a short-lived token), keeps the authorization for later
/// calls, and returns the access token.
async fn authorize(
    state: &State,
    (identity, origin): (&str, &str),
    job: &Job,
) -> Result<Option<String>, reqwest::Error> {
    let secret = client_secret(state);
    let token = token_call(
        state,
        identity,
        &[
            ("grant_type", "authorization_code"),
            ("code", &job.code),
            ("client_secret", secret),
        ],
    )
    .await?;
    let field = |k: &str| token.get(k).and_then(Value::as_str).map(str::to_owned);
    let Some(mut access) = field("access_token") else {
        return Ok(None);
    };
    let refresh = field("refresh_token").unwrap_or_default();
    let expires_in = token
        .get("expires_in")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    if expires_in <= REFRESH_MARGIN_SECS && state.behaviour.callbacks.refresh {
        let renewed = token_call(
            state,
            identity,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
                ("client_secret", secret),
            ],
        )
        .await?;
        if let Some(a) = renewed.get("access_token").and_then(Value::as_str) {
            access = a.to_owned();
        }
    }
    state.installs.keep_token(
        &job.uuid,
        super::sharing::Authorization {
            identity: identity.to_owned(),
            origin: origin.to_owned(),
            access: access.clone(),
            refresh,
            expires: std::time::Instant::now() + Duration::from_secs(expires_in.min(86_400)),
        },
    );
    Ok(Some(access))
}

/// Completes an asynchronous provision: config through the Platform API, then the provision
/// action.
async fn finish(
    state: &State,
    origin: &str,
    job: &Job,
    access: &str,
) -> Result<(), reqwest::Error> {
    let c = &state.behaviour.callbacks;
    let api = |method: reqwest::Method, path: String| {
        let mut b = state.http.request(method, format!("{origin}{path}"));
        if c.bearer {
            b = b.bearer_auth(access);
        }
        if c.accept_header {
            b = b.header("Accept", "application/vnd.heroku+json; version=3");
        }
        b
    };
    if c.touches_other_resource {
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
    if c.undeclared_config {
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
    if c.marks_provisioned {
        api(
            reqwest::Method::POST,
            format!("/addons/{}/actions/provision", job.uuid),
        )
        .send()
        .await?;
    }
    Ok(())
}
