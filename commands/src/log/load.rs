//! Reading one stream through postgres-es or sqlite-es, upcasting old event versions, and folding
//! it into the aggregate.

use cqrs_es::persist::{PersistedEventRepository, PersistenceError, SerializedEvent};
use cqrs_es::{Aggregate, EventEnvelope};
use khaki_migrations::Database;
use postgres_es::PostgresEventRepository;
use sqlite_es::SqliteEventRepository;

use crate::error::CommandError;

/// The crate that reads streams on each store.
pub enum Reader {
    Postgres(PostgresEventRepository),
    Sqlite(SqliteEventRepository),
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Postgres(_) => "Reader::Postgres",
            Self::Sqlite(_) => "Reader::Sqlite",
        })
    }
}

impl Reader {
    pub fn new(db: &Database) -> Self {
        match db {
            Database::Postgres(pool) => Self::Postgres(PostgresEventRepository::new(pool.clone())),
            Database::Sqlite { readers, .. } => Self::Sqlite(SqliteEventRepository::new(readers.clone())),
        }
    }

    /// The stream's events, oldest first, as stored.
    pub async fn stream<A: Aggregate>(&self, id: &str) -> Result<Vec<SerializedEvent>, CommandError> {
        let events = match self {
            Self::Postgres(repo) => repo.get_events::<A>(id).await,
            Self::Sqlite(repo) => repo.get_events::<A>(id).await,
        };
        // The store's own error is kept whole, so that an unreachable database reads as such (503
        // with a retry hint) and not as a fault in the log.
        events.map_err(|e| match e {
            PersistenceError::ConnectionError(cause) | PersistenceError::UnknownError(cause) => {
                match cause.downcast::<sqlx::Error>() {
                    Ok(store) => CommandError::Store(*store),
                    Err(other) => CommandError::Log(other.to_string()),
                }
            }
            other => CommandError::Log(other.to_string()),
        })
    }

    /// Folds the stream into the aggregate; returns it with its version (last sequence).
    pub async fn fold<A: Aggregate>(&self, id: &str) -> Result<(A, u64), CommandError> {
        let mut state = A::default();
        let mut version = 0;
        for envelope in envelopes::<A>(self.stream::<A>(id).await?)? {
            version = envelope.sequence as u64;
            state.apply(envelope.payload);
        }
        Ok((state, version))
    }
}

/// Deserialises stored events after passing each through the domain's upcasters.
pub fn envelopes<A: Aggregate>(events: Vec<SerializedEvent>) -> Result<Vec<EventEnvelope<A>>, CommandError> {
    events.into_iter().map(|event| khaki_domain::upcast::decode::<A>(event).map_err(CommandError::Log)).collect()
}
