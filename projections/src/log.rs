//! Following the global event log: "every event after this point, in an order that never skips
//! one whose transaction committed late".
//!
//! On PostgreSQL a position is taken when a row is inserted, not when its transaction commits, so
//! a reader that just asked for "position > P" could pass over an event whose transaction was
//! still open and commit it later. Readers therefore order by (transaction id, position) and only
//! read events whose transaction is older than every transaction still running
//! (`pg_snapshot_xmin`): those can never be joined by a late one. On SQLite one writer commits at
//! a time, so position order is commit order.

use chrono::{DateTime, Utc};
use khaki_migrations::{with_pool, Database};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// Where a reader is in the log. Compare cursors, not positions: on PostgreSQL commit order is
/// (transaction, position).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Cursor {
    pub transaction: i64,
    pub position: i64,
}

/// One event as stored, with its place in the global log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct RecordedEvent {
    #[sqlx(rename = "tx")]
    pub transaction: i64,
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
    pub recorded_at: DateTime<Utc>,
}

impl RecordedEvent {
    pub fn cursor(&self) -> Cursor {
        Cursor { transaction: self.transaction, position: self.position }
    }
}

/// Up to `limit` committed events after `cursor`, oldest first. An empty answer means the reader
/// is caught up with everything that can no longer be joined by a late commit.
pub async fn read_after(db: &Database, cursor: Cursor, limit: i64) -> Result<Vec<RecordedEvent>, sqlx::Error> {
    rows_after(
        db,
        "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at",
        cursor,
        limit,
    )
    .await
}

/// The given columns (with the transaction as `tx`) of up to `limit` committed events after
/// `cursor`, in commit-safe order: on PostgreSQL only transactions older than every one still
/// running, so no late commit can appear behind the reader. Every reader of the log goes through
/// here.
pub(crate) async fn rows_after<T>(
    db: &Database,
    columns: &str,
    cursor: Cursor,
    limit: i64,
) -> Result<Vec<T>, sqlx::Error>
where
    T: Send + Unpin + for<'r> sqlx::FromRow<'r, PgRow> + for<'r> sqlx::FromRow<'r, SqliteRow>,
{
    let sql = match db {
        Database::Postgres(_) => format!(
            "SELECT transaction_id::text::bigint AS tx, {columns} FROM events
             WHERE (transaction_id, position) > ($1::text::xid8, $2) AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY transaction_id, position LIMIT $3"
        ),
        _ => format!("SELECT 0 AS tx, {columns} FROM events WHERE position > $2 AND $1 = $1 ORDER BY position LIMIT $3"),
    };
    with_pool!(db, |pool| sqlx::query_as(&sql)
        .bind(cursor.transaction.to_string())
        .bind(cursor.position)
        .bind(limit)
        .fetch_all(pool)
        .await)
}
