//! Start options of the reference partner that are not faults: how fast it answers (a staging
//! add-on over the internet: hundreds of ms per call, seconds per provision) and whether it
//! exchanges its grants at all. The bench measures the harness against these.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State as AxState};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use super::State;

/// How the reference partner is started, besides its faults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReferenceOptions {
    /// Added to every Partner API and SSO call before it is handled.
    pub call_latency: Duration,
    /// Added to every provision, on top of `call_latency`.
    pub provision_latency: Duration,
    /// The partner never exchanges its grants (so it never completes an async provision).
    pub never_exchange: bool,
}

/// Waits the configured latency before handing the call on.
pub(crate) async fn layer(
    AxState(state): AxState<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let o = state.options;
    let mut wait = o.call_latency;
    if req.method() == Method::POST && req.uri().path() == "/heroku/resources" {
        wait += o.provision_latency;
    }
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    next.run(req).await
}
