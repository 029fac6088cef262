//! Rebuilding read models from the whole log at any time, without downtime for readers: the log
//! is replayed into fresh shadow tables beside the live ones (see [`shadow`]) while the runner
//! keeps the live ones current; when the shadows have caught up they are swapped in, in one
//! transaction that also sets the checkpoint to where the shadows are. Readers read the old tables
//! until that commits and the new ones after.
//!
//! The swap transaction first locks the projections' checkpoint rows, which the runner also locks
//! before touching a table, so a batch in flight finishes first and the next one starts from the
//! new checkpoint on the new tables. On PostgreSQL a session advisory lock per projection lets
//! only one rebuild of it run at a time.

mod shadow;

use chrono::Utc;
use futures::future::try_join_all;
use khaki_migrations::{with_pool, Database};
use sqlx::Connection;

use crate::checkpoint;
use crate::error::ProjectionError;
use crate::facts::Fact;
use crate::log::{read_after, Cursor, RecordedEvent};
use crate::projection::{rebuild_lock_key, Projection, LOCK_SPACE};
use crate::target::{Calendar, Target};

/// Events read and applied per transaction while replaying: large batches fold many events of
/// one request into one row write (some hundreds of megabytes at the peak).
const BATCH: i64 = 50_000;

/// What a rebuild did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rebuilt {
    pub projections: Vec<&'static str>,
    pub events: u64,
    pub cursor: Cursor,
}

/// Rebuilds the named projections (all when `names` is empty) from the start of the log.
/// `progress(done, total)` is called after every batch; `total` is the log's size when the
/// rebuild began (or `done`, if more arrived meanwhile).
pub async fn rebuild(
    db: &Database,
    calendar: &Calendar,
    names: &[&str],
    mut progress: impl FnMut(u64, u64),
) -> Result<Rebuilt, ProjectionError> {
    let projections = Projection::all_or_named(names)?;
    let guard = RebuildLocks::take(db, &projections).await?;
    let mut shadows = Vec::new();
    for projection in &projections {
        shadows.push(shadow::create(db, *projection).await?);
    }
    let total: i64 = with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(pool).await)?;
    let total = u64::try_from(total).unwrap_or(0);
    let mut replay = Replay { cursor: Cursor::default(), done: 0 };
    replay.catch_up(db, calendar, &projections, &mut |done| progress(done, total.max(done))).await?;
    shadow::finish(db, &shadows.iter().flatten().collect::<Vec<_>>()).await?;
    // Events that arrived while the shadows were indexed.
    replay.catch_up(db, calendar, &projections, &mut |done| progress(done, total.max(done))).await?;

    let mut tx = db.begin().await?;
    for projection in &projections {
        checkpoint::claim(&mut tx, projection.name(), Cursor::default()).await?;
    }
    loop {
        let events = read_after(db, replay.cursor, BATCH).await?;
        let Some(last) = events.last().map(RecordedEvent::cursor) else { break };
        let facts = Fact::decode_all(&events)?;
        for projection in &projections {
            projection.apply(&mut tx, &Target::SHADOW, calendar, &facts).await?;
        }
        replay.cursor = last;
        replay.done += events.len() as u64;
    }
    for tables in &shadows {
        shadow::swap(&mut tx, tables).await?;
    }
    for projection in &projections {
        checkpoint::save(&mut tx, projection.name(), replay.cursor, Utc::now()).await?;
    }
    tx.commit().await?;
    progress(replay.done, total.max(replay.done));
    guard.release().await;
    tracing::info!(projections = ?names, events = replay.done, "read models rebuilt and swapped in");
    Ok(Rebuilt {
        projections: projections.iter().map(|p| p.name()).collect(),
        events: replay.done,
        cursor: replay.cursor,
    })
}

struct Replay {
    cursor: Cursor,
    done: u64,
}

impl Replay {
    /// Applies batches to the shadows until the log has nothing more. Each projection applies a
    /// batch in a transaction of its own, all at once, while the next batch is read: nobody reads
    /// the shadows yet, and the swap sets every checkpoint to where they all are.
    async fn catch_up(
        &mut self,
        db: &Database,
        calendar: &Calendar,
        projections: &[Projection],
        progress: &mut impl FnMut(u64),
    ) -> Result<(), ProjectionError> {
        let mut events = read_after(db, self.cursor, BATCH).await?;
        while let Some(last) = events.last().map(RecordedEvent::cursor) {
            let facts = Fact::decode_all(&events)?;
            let applying = projections.iter().map(|projection| apply_alone(db, *projection, calendar, &facts));
            let (next, applied) = tokio::join!(read_after(db, last, BATCH), try_join_all(applying));
            applied?;
            self.cursor = last;
            self.done += events.len() as u64;
            progress(self.done);
            events = next?;
        }
        Ok(())
    }
}

async fn apply_alone(
    db: &Database,
    projection: Projection,
    calendar: &Calendar,
    facts: &[Fact],
) -> Result<(), ProjectionError> {
    let mut tx = db.begin().await?;
    projection.apply(&mut tx, &Target::SHADOW, calendar, facts).await?;
    tx.commit().await?;
    Ok(())
}

/// PostgreSQL session locks saying "a rebuild of this projection is running", on a connection of
/// their own; nothing on SQLite, whose single writer already serialises the work.
struct RebuildLocks {
    connection: Option<sqlx::PgConnection>,
}

impl RebuildLocks {
    async fn take(db: &Database, projections: &[Projection]) -> Result<Self, ProjectionError> {
        let Database::Postgres(pool) = db else { return Ok(Self { connection: None }) };
        let mut connection = sqlx::PgConnection::connect_with(&pool.connect_options()).await?;
        for projection in projections {
            let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
                .bind(LOCK_SPACE)
                .bind(rebuild_lock_key(*projection))
                .fetch_one(&mut connection)
                .await?;
            if !taken {
                let _ = connection.close().await;
                return Err(ProjectionError::Rebuild(format!("a rebuild of {} is already running", projection.name())));
            }
        }
        Ok(Self { connection: Some(connection) })
    }

    /// Closing the session releases its locks.
    async fn release(self) {
        if let Some(connection) = self.connection {
            if let Err(error) = connection.close().await {
                tracing::warn!(%error, "closing the rebuild's lock connection");
            }
        }
    }
}
