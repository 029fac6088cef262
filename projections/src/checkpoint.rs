//! Each projection's place in the log, saved in the same transaction as the rows of the batch
//! that moved it, and its last failure.

use chrono::{DateTime, Utc};
use khaki_migrations::{with_pool, with_tx, Database, Tx};
use serde::Serialize;

use crate::log::Cursor;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub cursor: Cursor,
    /// When a batch was last applied.
    pub updated_at: Option<DateTime<Utc>>,
    /// The last failure, until a batch succeeds again.
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    /// How many batches have failed, ever (a counter for metrics).
    pub failures: i64,
}

#[derive(sqlx::FromRow)]
struct CheckpointRow {
    cursor_transaction: i64,
    cursor_position: i64,
    updated_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    last_error_at: Option<DateTime<Utc>>,
    failures: i64,
}

impl From<CheckpointRow> for Checkpoint {
    fn from(row: CheckpointRow) -> Self {
        Self {
            cursor: Cursor { transaction: row.cursor_transaction, position: row.cursor_position },
            updated_at: row.updated_at,
            last_error: row.last_error,
            last_error_at: row.last_error_at,
            failures: row.failures,
        }
    }
}

const SELECT: &str =
    "SELECT cursor_transaction, cursor_position, updated_at, last_error, last_error_at, failures FROM projection_checkpoints";

/// The projection's checkpoint; the start of the log if it has none yet.
pub async fn read(db: &Database, name: &str) -> Result<Checkpoint, sqlx::Error> {
    let sql = format!("{SELECT} WHERE name = $1");
    let row: Option<CheckpointRow> = with_pool!(db, |pool| sqlx::query_as(&sql).bind(name).fetch_optional(pool).await)?;
    Ok(row.map(Checkpoint::from).unwrap_or_default())
}

/// Every projection's cursor, in name order: one small read that changes whenever any read model
/// does, so an answer computed from the read models stays right while it is unchanged.
pub async fn all_cursors(db: &Database) -> Result<Vec<Cursor>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = with_pool!(db, |pool| {
        sqlx::query_as("SELECT cursor_transaction, cursor_position FROM projection_checkpoints ORDER BY name")
            .fetch_all(pool)
            .await
    })?;
    Ok(rows.into_iter().map(|(transaction, position)| Cursor { transaction, position }).collect())
}

/// Locks the checkpoint row for the rest of `tx` and says whether it still is `expected`. Another
/// runner (or a rebuild's swap) that moved it first makes this batch stale: the caller rolls back.
/// On SQLite the transaction already holds the database's write lock.
pub(crate) async fn claim(tx: &mut Tx, name: &str, expected: Cursor) -> Result<bool, sqlx::Error> {
    let sql = format!("{SELECT} WHERE name = $1{}", tx.pick(" FOR UPDATE", ""));
    let row: Option<CheckpointRow> = with_tx!(tx, |conn| sqlx::query_as(&sql).bind(name).fetch_optional(conn).await)?;
    Ok(row.map(Checkpoint::from).unwrap_or_default().cursor == expected)
}

/// Moves the checkpoint (and clears a recorded failure) inside the batch's transaction.
pub(crate) async fn save(tx: &mut Tx, name: &str, cursor: Cursor, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    with_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO projection_checkpoints (name, cursor_transaction, cursor_position, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO UPDATE SET cursor_transaction = excluded.cursor_transaction,
                 cursor_position = excluded.cursor_position, updated_at = excluded.updated_at,
                 last_error = NULL, last_error_at = NULL",
        )
        .bind(name)
        .bind(cursor.transaction)
        .bind(cursor.position)
        .bind(at)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

/// Records a failure where status, health and metrics of every process can see it.
pub(crate) async fn record_error(db: &Database, name: &str, message: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, |conn| {
        sqlx::query(
            "INSERT INTO projection_checkpoints (name, last_error, last_error_at, failures) VALUES ($1, $2, $3, 1)
             ON CONFLICT (name) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at,
                 failures = projection_checkpoints.failures + 1",
        )
        .bind(name)
        .bind(message)
        .bind(Utc::now())
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    tx.commit().await
}
