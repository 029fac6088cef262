//! The HTTP service: one router for `main` and for the tests.

mod health;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use khaki_commands::EventLog;
use tokio::net::TcpListener;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub log: Arc<EventLog>,
}

impl AppState {
    pub fn new(log: EventLog) -> Self {
        Self { log: Arc::new(log) }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new().merge(health::router()).with_state(state)
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
