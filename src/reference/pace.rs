//! Start options of the reference partner that are not faults: how fast it answers (a staging
//! add-on over the internet: hundreds of ms per call, seconds per provision) and whether it
//! exchanges its grants at all. The bench measures the harness against these.

use std::sync::Arc;

use axum::extract::{Request, State as AxState};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use super::State;

/// Waits the configured latency before handing the call on.
pub(crate) async fn layer(
    AxState(state): AxState<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let o = &state.options;
    let mut wait = o.call_latency;
    if req.method() == Method::POST && req.uri().path() == "/heroku/resources" {
        wait += o.provision_latency;
    }
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    next.run(req).await
}
