//! The log as an auditor reads it: every stored field, including each event's link.

use chrono::{DateTime, Utc};
use khaki_domain::chain::{self, Hash};
use khaki_migrations::{with_pool, Database};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::history::AsOf;
use crate::log::{rows_after, Cursor};

/// One stored event with every field, its JSON as `Json`: parsed values for readers, or the
/// store's text for verification ([`StoredEvent`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AuditedEvent<Json = Value> {
    #[sqlx(rename = "tx")]
    pub transaction: i64,
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Json,
    pub metadata: Json,
    pub recorded_at: DateTime<Utc>,
    #[serde(with = "hex::serde")]
    pub hash: Vec<u8>,
}

/// An event with its payload and metadata left as the store's JSON text: verification reads
/// these on one task and parses the JSON on every core.
pub type StoredEvent = AuditedEvent<String>;

impl<Json> AuditedEvent<Json> {
    pub fn cursor(&self) -> Cursor {
        Cursor { transaction: self.transaction, position: self.position }
    }

    /// The stored link, if it is a well-formed hash.
    pub fn link(&self) -> Option<Hash> {
        Hash::try_from(self.hash.as_slice()).ok()
    }

    fn link_over(&self, previous: &Hash, payload: &Value, metadata: &Value) -> Hash {
        chain::link(
            previous,
            &chain::Recorded {
                aggregate_type: &self.aggregate_type,
                aggregate_id: &self.aggregate_id,
                sequence: self.sequence,
                event_type: &self.event_type,
                event_version: &self.event_version,
                payload,
                metadata,
                recorded_at: self.recorded_at,
            },
        )
    }
}

impl AuditedEvent {
    /// The link this event should have after `previous`.
    pub fn expected_link(&self, previous: &Hash) -> Hash {
        self.link_over(previous, &self.payload, &self.metadata)
    }
}

impl StoredEvent {
    /// The link this event should have after `previous`, or why none can be computed (JSON that
    /// does not parse can only have been written around the application).
    pub fn expected_link(&self, previous: &Hash) -> Result<Hash, String> {
        let parse = |what: &str, text: &str| {
            serde_json::from_str::<Value>(text).map_err(|e| format!("its {what} is not valid JSON: {e}"))
        };
        let (payload, metadata) = (parse("payload", &self.payload)?, parse("metadata", &self.metadata)?);
        Ok(self.link_over(previous, &payload, &metadata))
    }
}

const COLUMNS: &str =
    "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, hash";

/// Up to `limit` committed events after `cursor` in commit-safe order (see [`crate::log`]).
pub async fn events_after(db: &Database, cursor: Cursor, limit: i64) -> Result<Vec<AuditedEvent>, sqlx::Error> {
    rows_after(db, COLUMNS, cursor, limit).await
}

/// Like [`events_after`], with payload and metadata as text (see [`StoredEvent`]).
pub async fn stored_after(db: &Database, cursor: Cursor, limit: i64) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let columns = db.pick(
        "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload::text AS payload, metadata::text AS metadata, recorded_at, hash",
        COLUMNS,
    );
    rows_after(db, columns, cursor, limit).await
}

/// An event's place in the log and its stored link: all a sealer needs of it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Link {
    #[sqlx(rename = "tx")]
    pub transaction: i64,
    pub position: i64,
    pub hash: Vec<u8>,
}

impl Link {
    pub fn cursor(&self) -> Cursor {
        Cursor { transaction: self.transaction, position: self.position }
    }
}

/// Like [`events_after`], reading only each event's place and link, so sealing a large log
/// never carries payloads through memory.
pub async fn links_after(db: &Database, cursor: Cursor, limit: i64) -> Result<Vec<Link>, sqlx::Error> {
    rows_after(db, "position, hash", cursor, limit).await
}

/// One stream's events in sequence order.
pub async fn stream(db: &Database, aggregate_type: &str, aggregate_id: &str) -> Result<Vec<AuditedEvent>, sqlx::Error> {
    stream_until(db, aggregate_type, aggregate_id, None).await
}

/// One stream's events in sequence order, up to a moment when one is given; the bound is applied
/// in the query, so a long stream is never read past it.
pub async fn stream_until(
    db: &Database,
    aggregate_type: &str,
    aggregate_id: &str,
    until: Option<AsOf>,
) -> Result<Vec<AuditedEvent>, sqlx::Error> {
    let tx = db.pick("transaction_id::text::bigint", "0");
    let bound = match until {
        None => "",
        Some(AsOf::Time(_)) => "AND recorded_at <= $3",
        Some(AsOf::Position(_)) => "AND position <= $3",
    };
    let sql = format!(
        "SELECT {tx} AS tx, {COLUMNS} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 {bound} ORDER BY sequence"
    );
    with_pool!(db, |pool| {
        let query = sqlx::query_as(&sql).bind(aggregate_type).bind(aggregate_id);
        let query = match until {
            None => query,
            Some(AsOf::Time(at)) => query.bind(at),
            Some(AsOf::Position(position)) => query.bind(position),
        };
        query.fetch_all(pool).await
    })
}
