//! Read your own writes: a command's answer carries the log position it reached; a read may ask
//! (`min_position`) to see at least that position, and then waits briefly for the read model to
//! catch up, or answers 503 with a retry hint.

use std::time::Duration;

use khaki_migrations::Database;
use khaki_projections::QueryError;
use khaki_projections::{wait_for, Projection, WaitError};

use crate::http::error::ApiError;

/// The one query parameter of a read that takes no other: `min_position`, from a command's answer.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct Freshness {
    /// Wait until the read model has applied this log position (from a command's answer).
    min_position: Option<i64>,
}

/// How long a read waits for a read model to reach the position asked for.
const PATIENCE: Duration = Duration::from_secs(2);

pub async fn at_least(db: &Database, projection: Projection, position: Option<i64>) -> Result<(), ApiError> {
    let Some(position) = position else { return Ok(()) };
    match wait_for(db, projection, position, PATIENCE).await {
        Ok(()) => Ok(()),
        Err(error @ WaitError::NotYetCaughtUp { .. }) => {
            let mut refused =
                ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "not_caught_up", error.to_string());
            refused.retry_after = Some(1);
            Err(refused)
        }
        Err(error @ WaitError::NoSuchPosition(_)) => Err(ApiError::invalid("min_position", error.to_string())),
        Err(WaitError::Store(error)) => Err(error.into()),
    }
}

impl From<QueryError> for ApiError {
    fn from(error: QueryError) -> Self {
        match error {
            QueryError::Invalid { field, message } => ApiError::invalid(field, message),
            QueryError::Store(error) => error.into(),
        }
    }
}
