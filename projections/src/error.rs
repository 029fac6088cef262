//! What can go wrong on the read side, for the runner's log and status and for the API's mapping.

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("the store failed: {0}")]
    Store(#[from] sqlx::Error),
    #[error("event at position {position} ({event_type}) cannot be read: {message}")]
    Undecodable { position: i64, event_type: String, message: String },
    #[error("no projection is called '{0}'")]
    UnknownProjection(String),
    #[error("{0}")]
    Rebuild(String),
}

/// A query was asked for something malformed (a cursor from another ordering, a bad page size).
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("the store failed: {0}")]
    Store(#[from] sqlx::Error),
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
}

impl QueryError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }
}
