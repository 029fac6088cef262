//! One step of a projection: the next batch of committed events, applied together with the new
//! checkpoint in one transaction. Whatever happens — a crash, kill -9, a lost connection — either
//! the rows and the checkpoint are both there, or neither is, so every event is applied exactly once.

use chrono::Utc;
use khaki_migrations::Database;

use crate::checkpoint;
use crate::error::ProjectionError;
use crate::facts::Fact;
use crate::log::{read_after, Cursor};
use crate::projection::Projection;
use crate::target::{Calendar, Target};

/// What one [`advance`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Advanced {
    /// A batch was applied; the checkpoint is now `cursor`.
    Applied { events: usize, cursor: Cursor },
    /// Nothing committed after the checkpoint yet.
    CaughtUp,
    /// Someone else (another runner, a rebuild's swap) moved the checkpoint meanwhile; nothing
    /// was applied.
    Stale,
}

/// Applies the next batch of at most `limit` events to the live tables.
pub async fn advance(
    db: &Database,
    projection: Projection,
    calendar: &Calendar,
    limit: i64,
) -> Result<Advanced, ProjectionError> {
    let name = projection.name();
    let from = checkpoint::read(db, name).await?.cursor;
    let recorded = read_after(db, from, limit).await?;
    let Some(last) = recorded.last().map(|e| e.cursor()) else { return Ok(Advanced::CaughtUp) };
    let facts = Fact::decode_all(&recorded)?;
    let mut tx = db.begin().await?;
    // The checkpoint row is locked before any read-model table is touched (a rebuild's swap
    // locks in the same order).
    if !checkpoint::claim(&mut tx, name, from).await? {
        tx.rollback().await?;
        return Ok(Advanced::Stale);
    }
    projection.apply(&mut tx, &Target::LIVE, calendar, &facts).await?;
    checkpoint::save(&mut tx, name, last, Utc::now()).await?;
    tx.commit().await?;
    Ok(Advanced::Applied { events: recorded.len(), cursor: last })
}

/// Advances until caught up; returns how many events it applied. For one-off catch-ups and tests.
pub async fn catch_up(
    db: &Database,
    projection: Projection,
    calendar: &Calendar,
    limit: i64,
) -> Result<usize, ProjectionError> {
    let mut applied = 0;
    loop {
        match advance(db, projection, calendar, limit).await? {
            Advanced::Applied { events, .. } => applied += events,
            Advanced::Stale => {}
            Advanced::CaughtUp => return Ok(applied),
        }
    }
}
