//! The `sso` command's hand-off to a real browser (what `kensa sso` did): the signed login form
//! as an auto-submitting page, served once from a loopback-only server on a random path. The
//! browser, not the harness, then posts the form to the partner.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

use crate::config::Settings;
use crate::error::HarnessError;
use crate::heroku::sso::{Login, SsoUser, auto_submit_page, now};
use crate::manifest::Manifest;

/// Who logs in, and from which app.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    pub resource: String,
    /// The partner's own id for the resource, for the legacy `id`/`token` pair.
    pub provider_id: Option<String>,
    pub app: String,
    pub user: SsoUser,
}

/// The partner's SSO URL and the page that posts a freshly signed login to it.
pub fn login_page(
    manifest: &Manifest,
    settings: &Settings,
    req: &LoginRequest,
) -> Result<(String, String), HarnessError> {
    let Some(action) = settings.sso_url.as_ref().map(ToString::to_string) else {
        return Err(HarnessError::input(
            &manifest.source,
            "api.production.sso_url",
            "missing, and no override given",
            "set it in the manifest, or pass --sso-url (or [partner] sso_url in the config)",
        ));
    };
    let salt = manifest
        .sso_salt
        .clone()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            HarnessError::input(
                &manifest.source,
                "api.sso_salt",
                "missing or empty: logins cannot be signed",
                "put the salt in the manifest or set ADDON_SSO_SALT",
            )
        })?;
    if uuid::Uuid::parse_str(&req.resource).is_err() {
        return Err(HarnessError::usage(
            format!("--resource `{}` is not a uuid", req.resource),
            "pass the add-on's uuid (the `uuid` of its provision request)",
        ));
    }
    let form = Login {
        uuid: &req.resource,
        provider_id: req.provider_id.as_deref(),
        salt: &salt,
        timestamp: now(),
        user: &req.user,
        app: &req.app,
        context_app: &req.app,
    }
    .form();
    let page = auto_submit_page(&action, &form);
    Ok((action, page))
}

struct Shared {
    secret_path: String,
    page: Mutex<Option<String>>,
    served: Mutex<Option<oneshot::Sender<()>>>,
}

/// A loopback server that hands the page out once.
pub struct Handoff {
    /// The URL to open in a browser.
    pub url: String,
    served: oneshot::Receiver<()>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Handoff {
    pub async fn start(page: String) -> Result<Self, HarnessError> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|e| HarnessError::Internal(format!("cannot listen on loopback: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| HarnessError::Internal(format!("no local address: {e}")))?;
        let secret_path = uuid::Uuid::new_v4().simple().to_string();
        let (served_tx, served) = oneshot::channel();
        let shared = Arc::new(Shared {
            secret_path: secret_path.clone(),
            page: Mutex::new(Some(page)),
            served: Mutex::new(Some(served_tx)),
        });
        let app = Router::new()
            .route("/{path}", axum::routing::get(serve_page))
            .with_state(shared);
        let (tx, rx) = oneshot::channel::<()>();
        // Headers within 5 s; a connection still open when the wait ends is cut within 1 s.
        let limits = crate::serve::ServeLimits {
            header_read: Duration::from_secs(5),
            grace: Duration::from_secs(1),
        };
        let task = tokio::spawn(crate::serve::serve(listener, app, limits, async {
            let _ = rx.await;
        }));
        Ok(Self {
            url: format!("http://{addr}/{secret_path}"),
            served,
            shutdown: Some(tx),
            task,
        })
    }

    /// Waits until the page was fetched (true) or `limit` passed (false), then stops.
    pub async fn finish(mut self, limit: Duration) -> bool {
        let fetched = matches!(
            tokio::time::timeout(limit, &mut self.served).await,
            Ok(Ok(()))
        );
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
        fetched
    }
}

async fn serve_page(State(shared): State<Arc<Shared>>, Path(path): Path<String>) -> Response {
    if path != shared.secret_path {
        return StatusCode::NOT_FOUND.into_response();
    }
    let page = shared.page.lock().ok().and_then(|mut p| p.take());
    let Some(page) = page else {
        return (StatusCode::GONE, "this login page was already used").into_response();
    };
    if let Some(tx) = shared.served.lock().ok().and_then(|mut s| s.take()) {
        let _ = tx.send(());
    }
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        page,
    )
        .into_response()
}

/// Asks the desktop to open `url` in the default browser; false when no opener worked.
pub fn open_in_browser(url: &str) -> bool {
    let openers: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(target_os = "windows") {
        &["explorer"]
    } else {
        &["xdg-open"]
    };
    openers.iter().any(|opener| {
        std::process::Command::new(opener)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_the_page_once_on_its_secret_path_only() {
        crate::tls::install_provider();
        let h = Handoff::start("<p>page</p>".into()).await.unwrap();
        let url = h.url.clone();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let other = url.rsplit_once('/').unwrap().0.to_owned() + "/favicon.ico";
        assert_eq!(client.get(&other).send().await.unwrap().status(), 404);
        let first = client.get(&url).send().await.unwrap();
        assert_eq!(first.status(), 200);
        assert_eq!(first.text().await.unwrap(), "<p>page</p>");
        assert_eq!(client.get(&url).send().await.unwrap().status(), 410);
        assert!(h.finish(Duration::from_secs(1)).await);
    }

    #[tokio::test]
    async fn finish_reports_an_unopened_page() {
        let h = Handoff::start("x".into()).await.unwrap();
        assert!(!h.finish(Duration::from_millis(10)).await);
    }
}
