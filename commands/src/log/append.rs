//! Appending events to the log inside the caller's transaction, each linked to the one before it
//! in its stream (domain/src/chain.rs).

use cqrs_es::DomainEvent;
use khaki_domain::chain::{link, Hash, Recorded as RecordedEvent, GENESIS};
use khaki_domain::EventMetadata;
use khaki_migrations::{unique_violation, with_tx, Tx};

use crate::error::CommandError;
use crate::ledger::Recorded;

pub struct Appended {
    pub version: u64,
    pub position: i64,
}

const INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING position";

const PREVIOUS_LINK: &str = "SELECT hash FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3";

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
    let mut previous = previous_link::<A>(tx, id, version).await?;
    let mut appended = Appended { version, position: 0 };
    for event in events {
        appended.version += 1;
        let payload = serde_json::to_value(event).map_err(|e| CommandError::Log(e.to_string()))?;
        let sequence = i64::try_from(appended.version).map_err(|e| CommandError::Log(e.to_string()))?;
        let (event_type, event_version) = (event.event_type(), event.event_version());
        let hash = link(
            &previous,
            &RecordedEvent {
                aggregate_type: A::TYPE,
                aggregate_id: id,
                sequence,
                event_type: &event_type,
                event_version: &event_version,
                payload: &payload,
                metadata: &stored_metadata,
                recorded_at: metadata.recorded_at,
            },
        );
        let inserted: Result<i64, sqlx::Error> = with_tx!(tx, |conn| {
            sqlx::query_scalar(INSERT)
                .bind(A::TYPE)
                .bind(id)
                .bind(sequence)
                .bind(&event_type)
                .bind(&event_version)
                .bind(&payload)
                .bind(&stored_metadata)
                .bind(metadata.recorded_at)
                .bind(hash.as_slice())
                .fetch_one(conn)
                .await
        });
        appended.position = inserted.map_err(|e| match unique_violation(&e) {
            Some(_) => CommandError::Conflict { what: A::NOUN },
            None => CommandError::Store(e),
        })?;
        previous = hash;
    }
    Ok(appended)
}

/// The link of the stream's event at `version` (the genesis link for a new stream).
async fn previous_link<A: Recorded>(tx: &mut Tx, id: &str, version: u64) -> Result<Hash, CommandError> {
    if version == 0 {
        return Ok(GENESIS);
    }
    let sequence = i64::try_from(version).map_err(|e| CommandError::Log(e.to_string()))?;
    let stored: Option<Vec<u8>> = with_tx!(tx, |conn| {
        sqlx::query_scalar(PREVIOUS_LINK).bind(A::TYPE).bind(id).bind(sequence).fetch_optional(conn).await
    })?;
    // No row: the stream moved or vanished since it was read; the insert will say which.
    Ok(stored.and_then(|bytes| Hash::try_from(bytes.as_slice()).ok()).unwrap_or(GENESIS))
}
