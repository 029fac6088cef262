//! Appending events to the log inside the caller's transaction.

use cqrs_es::DomainEvent;
use khaki_domain::EventMetadata;
use khaki_migrations::{unique_violation, with_tx, Tx};

use crate::error::CommandError;
use crate::ledger::Recorded;

pub struct Appended {
    pub version: u64,
    pub position: i64,
}

const INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING position";

/// Appends `events` after `version`. A unique violation on the stream's sequence means another
/// command got there first: [`CommandError::Conflict`].
pub async fn append<A: Recorded>(
    tx: &mut Tx,
    id: &str,
    version: u64,
    events: &[A::Event],
    metadata: &EventMetadata,
) -> Result<Appended, CommandError> {
    let stored_metadata = serde_json::to_value(metadata.to_map()).map_err(|e| CommandError::Log(e.to_string()))?;
    let mut appended = Appended { version, position: 0 };
    for event in events {
        appended.version += 1;
        let payload = serde_json::to_value(event).map_err(|e| CommandError::Log(e.to_string()))?;
        let sequence = i64::try_from(appended.version).map_err(|e| CommandError::Log(e.to_string()))?;
        let inserted: Result<i64, sqlx::Error> = with_tx!(tx, |conn| {
            sqlx::query_scalar(INSERT)
                .bind(A::TYPE)
                .bind(id)
                .bind(sequence)
                .bind(event.event_type())
                .bind(event.event_version())
                .bind(&payload)
                .bind(&stored_metadata)
                .bind(metadata.recorded_at)
                .fetch_one(conn)
                .await
        });
        appended.position = inserted.map_err(|e| match unique_violation(&e) {
            Some(_) => CommandError::Conflict { what: A::NOUN },
            None => CommandError::Store(e),
        })?;
    }
    Ok(appended)
}
