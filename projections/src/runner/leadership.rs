//! Which process advances a projection: on PostgreSQL the one holding its session advisory lock,
//! taken on a connection of its own so the lock lives exactly as long as that session. A process
//! that dies (or loses its connection) loses the lock, and a standby's next try takes it.
//!
//! The lock only keeps the others from wasting work: exactly-once rests on the checkpoint row,
//! which every batch locks and checks, so even two writers for a moment could not apply an event
//! twice. On SQLite every process may try; the single writer serialises them the same way.

use std::time::{Duration, Instant};

use khaki_migrations::Database;
use sqlx::{Connection, PgConnection};

use crate::projection::{Projection, LOCK_SPACE};

/// How often a held lock's session is checked to be alive.
const CHECK_EVERY: Duration = Duration::from_secs(1);

pub(crate) struct Leadership {
    db: Database,
    key: i32,
    connection: Option<PgConnection>,
    held: bool,
    checked: Instant,
}

impl Leadership {
    pub fn new(db: &Database, projection: Projection) -> Self {
        Self { db: db.clone(), key: projection.lock_key(), connection: None, held: false, checked: Instant::now() }
    }

    /// Whether this process may advance the projection now; tries to take the lock if not held.
    pub async fn hold(&mut self) -> Result<bool, sqlx::Error> {
        let Database::Postgres(pool) = &self.db else { return Ok(true) };
        let options = pool.connect_options();
        if self.held {
            if self.checked.elapsed() < CHECK_EVERY {
                return Ok(true);
            }
            self.checked = Instant::now();
            let alive = match &mut self.connection {
                Some(connection) => connection.ping().await.is_ok(),
                None => false,
            };
            if alive {
                return Ok(true);
            }
            tracing::warn!(lock = self.key, "lost the projection lock's connection; trying to take it again");
            self.forget();
        }
        let connection = match &mut self.connection {
            Some(connection) => connection,
            None => self.connection.insert(PgConnection::connect_with(&options).await?),
        };
        let taken = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(LOCK_SPACE)
            .bind(self.key)
            .fetch_one(&mut *connection)
            .await;
        match taken {
            Ok(taken) => {
                self.held = taken;
                self.checked = Instant::now();
                Ok(taken)
            }
            Err(error) => {
                self.forget();
                Err(error)
            }
        }
    }

    pub fn held(&self) -> bool {
        self.held
    }

    /// Lets go of the lock (closing its session) so another process takes over at once.
    pub async fn release(mut self) {
        if let Some(connection) = self.connection.take() {
            if let Err(error) = connection.close().await {
                tracing::warn!(%error, "closing a projection lock's connection");
            }
        }
        self.held = false;
    }

    fn forget(&mut self) {
        self.connection = None;
        self.held = false;
    }
}
