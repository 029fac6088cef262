//! How far each projection is behind the log (for `khaki projections status`, `/health` and
//! metrics), and waiting until a projection has applied a given event (read your own writes).

use std::time::Duration;

use chrono::{DateTime, Utc};
use khaki_migrations::{with_pool, Database};
use serde::Serialize;

use crate::checkpoint;
use crate::log::Cursor;
use crate::projection::Projection;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProjectionStatus {
    pub name: &'static str,
    pub checkpoint: Cursor,
    /// When a batch was last applied.
    pub updated_at: Option<DateTime<Utc>>,
    /// The highest position in the log (0 when empty).
    pub log_head_position: i64,
    /// Committed events the projection has not applied yet, counted up to [`LAG_COUNTED`].
    pub lag_events: i64,
    /// The last failure, until a batch succeeds again (from whichever process runs it).
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    /// Failed batches, ever.
    pub failures: i64,
}

/// Lag is counted event by event along the log's index up to this many, so a health check stays
/// cheap however far behind a projection is.
pub const LAG_COUNTED: i64 = 100_000;

/// The highest position in the log, 0 while the log is empty.
pub async fn log_head(db: &Database) -> Result<i64, sqlx::Error> {
    with_pool!(db, |pool| sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(pool).await)
}

pub async fn status(db: &Database) -> Result<Vec<ProjectionStatus>, sqlx::Error> {
    let head = log_head(db).await?;
    // Ordered and limited, so the planner walks the commit-order index rather than the table.
    let lag_sql = db.pick(
        "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)
         ORDER BY transaction_id, position LIMIT $3) AS behind",
        "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE position > $2 AND $1 = $1 ORDER BY position LIMIT $3) AS behind",
    );
    let mut statuses = Vec::new();
    for projection in Projection::ALL {
        let checkpoint = checkpoint::read(db, projection.name()).await?;
        let cursor = checkpoint.cursor;
        let lag: i64 = with_pool!(db, |pool| {
            sqlx::query_scalar(lag_sql)
                .bind(cursor.transaction.to_string())
                .bind(cursor.position)
                .bind(LAG_COUNTED)
                .fetch_one(pool)
                .await
        })?;
        statuses.push(ProjectionStatus {
            name: projection.name(),
            checkpoint: cursor,
            updated_at: checkpoint.updated_at,
            log_head_position: head,
            lag_events: lag,
            last_error: checkpoint.last_error,
            last_error_at: checkpoint.last_error_at,
            failures: checkpoint.failures,
        });
    }
    Ok(statuses)
}

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("the {projection} read model has not reached position {position} yet; try again shortly")]
    NotYetCaughtUp { projection: &'static str, position: i64 },
    #[error("there is no event at position {0}")]
    NoSuchPosition(i64),
    #[error("the store failed: {0}")]
    Store(#[from] sqlx::Error),
}

/// Whether the projection has applied the event at `position`. On PostgreSQL positions are not in
/// commit order, so the event's (transaction, position) is compared with the checkpoint.
pub async fn applied(db: &Database, projection: Projection, position: i64) -> Result<bool, WaitError> {
    let Some(event) = cursor_of(db, position).await? else {
        return if position <= 0 { Ok(true) } else { Err(WaitError::NoSuchPosition(position)) };
    };
    Ok(checkpoint::read(db, projection.name()).await?.cursor >= event)
}

/// Waits up to `timeout` until the projection has applied the event at `position` (a command's
/// answer carries the position it reached); polls the checkpoint, which any process may move.
pub async fn wait_for(
    db: &Database,
    projection: Projection,
    position: i64,
    timeout: Duration,
) -> Result<(), WaitError> {
    let Some(event) = cursor_of(db, position).await? else {
        return if position <= 0 { Ok(()) } else { Err(WaitError::NoSuchPosition(position)) };
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let mut pause = Duration::from_millis(5);
    loop {
        if checkpoint::read(db, projection.name()).await?.cursor >= event {
            return Ok(());
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(WaitError::NotYetCaughtUp { projection: projection.name(), position });
        }
        tokio::time::sleep(pause.min(deadline - now)).await;
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// The event's place in commit-safe order.
async fn cursor_of(db: &Database, position: i64) -> Result<Option<Cursor>, sqlx::Error> {
    let sql = db.pick(
        "SELECT transaction_id::text::bigint FROM events WHERE position = $1",
        "SELECT 0 FROM events WHERE position = $1",
    );
    let transaction: Option<i64> =
        with_pool!(db, |pool| sqlx::query_scalar(sql).bind(position).fetch_optional(pool).await)?;
    Ok(transaction.map(|transaction| Cursor { transaction, position }))
}
