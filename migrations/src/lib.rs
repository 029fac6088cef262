//! The estate's database: where it lives (an embedded SQLite file, or PostgreSQL), how to open
//! it, and the versioned SQL that shapes it, embedded in the binary.
//!
//! Both stores are one [`Database`] value chosen once at start-up. Code that works on either
//! writes its SQL once where the dialects agree and uses [`with_pool!`] / [`with_tx!`] so the
//! same statements compile for both drivers.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

static POSTGRES: Migrator = sqlx::migrate!("./postgres");
static SQLITE: Migrator = sqlx::migrate!("./sqlite");

/// Where the estate's data is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Postgres {
        url: String,
    },
    /// An SQLite file, created with its folder on first use.
    Sqlite {
        file: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    Postgres,
    Sqlite,
}

impl StoreKind {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Sqlite => "sqlite",
        }
    }
}

/// An open database. Cloning shares the pools.
#[derive(Clone, Debug)]
pub enum Database {
    Postgres(PgPool),
    /// SQLite lets one writer in at a time; writers queue on a one-connection pool in this
    /// process (fair and asynchronous) instead of spinning on SQLite's busy handler, and the
    /// busy timeout covers writers in other processes.
    Sqlite {
        readers: SqlitePool,
        writer: SqlitePool,
    },
}

/// A write transaction on either store.
#[derive(Debug)]
pub enum Tx {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

/// Runs `$body` with `$pool` bound to the store's (reading) pool; the body must compile for both
/// drivers.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Database::Postgres($pool) => $body,
            $crate::Database::Sqlite { readers: $pool, .. } => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection; the body must compile for
/// both drivers.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create the data folder {folder}: {source}")]
    Folder { folder: PathBuf, source: std::io::Error },
    #[error("cannot open the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] MigrateError),
}

/// How long a writer waits for another process's write to finish before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Database {
    /// Opens the store and brings its schema up to date.
    pub async fn open(location: &Location, max_connections: u32) -> Result<Self, OpenError> {
        let database = Self::connect(location, max_connections).await?;
        database.migrate().await?;
        Ok(database)
    }

    /// Opens the store without touching its schema.
    pub async fn connect(location: &Location, max_connections: u32) -> Result<Self, OpenError> {
        match location {
            Location::Postgres { url } => {
                // Our queries are short and indexed; PostgreSQL's JIT would spend tens to hundreds
                // of milliseconds compiling any whose estimated cost crosses its threshold.
                let options = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Ok(Self::Postgres(pool))
            }
            Location::Sqlite { file } => {
                if let Some(folder) = file.parent().filter(|f| !f.as_os_str().is_empty()) {
                    std::fs::create_dir_all(folder)
                        .map_err(|source| OpenError::Folder { folder: folder.to_owned(), source })?;
                }
                // Full synchronous mode: a committed command survives power loss. Never weakened
                // for speed.
                let options = SqliteConnectOptions::new()
                    .filename(file)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT);
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options.clone())
                    .await?;
                let readers = SqlitePoolOptions::new()
                    .max_connections(max_connections.max(2))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Ok(Self::Sqlite { readers, writer })
            }
        }
    }

    /// Applies the migrations this binary carries that the database does not have yet.
    pub async fn migrate(&self) -> Result<(), MigrateError> {
        match self {
            Self::Postgres(pool) => POSTGRES.run(pool).await,
            Self::Sqlite { writer, .. } => SQLITE.run(writer).await,
        }
    }

    pub fn kind(&self) -> StoreKind {
        match self {
            Self::Postgres(_) => StoreKind::Postgres,
            Self::Sqlite { .. } => StoreKind::Sqlite,
        }
    }

    /// The statement for this store, where the two dialects differ.
    pub fn pick(&self, postgres: &'static str, sqlite: &'static str) -> &'static str {
        match self {
            Self::Postgres(_) => postgres,
            Self::Sqlite { .. } => sqlite,
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (BEGIN IMMEDIATE),
    /// so a transaction that read something can never be refused its write later.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self {
            Self::Postgres(pool) => Ok(Tx::Postgres(pool.begin().await?)),
            Self::Sqlite { writer, .. } => Ok(Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?)),
        }
    }

    pub async fn close(&self) {
        match self {
            Self::Postgres(pool) => pool.close().await,
            Self::Sqlite { readers, writer } => {
                readers.close().await;
                writer.close().await;
            }
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Postgres(tx) => tx.commit().await,
            Self::Sqlite(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Postgres(tx) => tx.rollback().await,
            Self::Sqlite(tx) => tx.rollback().await,
        }
    }

    pub fn kind(&self) -> StoreKind {
        match self {
            Self::Postgres(_) => StoreKind::Postgres,
            Self::Sqlite(_) => StoreKind::Sqlite,
        }
    }

    /// The statement for this store, where the two dialects differ.
    pub fn pick(&self, postgres: &'static str, sqlite: &'static str) -> &'static str {
        match self {
            Self::Postgres(_) => postgres,
            Self::Sqlite(_) => sqlite,
        }
    }
}

/// Whether an error is a unique-constraint violation, and on which constraint or index.
pub fn unique_violation(error: &sqlx::Error) -> Option<String> {
    let sqlx::Error::Database(db) = error else {
        return None;
    };
    if !db.is_unique_violation() {
        return None;
    }
    // PostgreSQL names the constraint; SQLite names the columns in its message.
    Some(db.constraint().map_or_else(|| db.message().to_owned(), str::to_owned))
}

/// Whether an error says the transaction lost a race with another and may simply be run again:
/// a deadlock or serialization failure on PostgreSQL, a busy or locked database on SQLite.
pub fn lost_race(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = error else {
        return false;
    };
    let code = db.code().unwrap_or_default();
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6), and their extended codes (same low byte).
        return code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
    }
    // serialization_failure, deadlock_detected
    matches!(code.as_ref(), "40001" | "40P01")
}

/// Whether an error is a violated constraint (unique, check, foreign key, not null).
pub fn constraint_violation(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = error else {
        return false;
    };
    !matches!(db.kind(), sqlx::error::ErrorKind::Other)
}

/// Whether an error means the database cannot be reached now (down, restarting, the connection
/// cut, no connection free in time) rather than that the statement is wrong: callers should be
/// told to try again shortly, not that something broke.
pub fn unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        // A connection that ends in the middle of a message.
        sqlx::Error::Protocol(message) => message.contains("EOF"),
        sqlx::Error::Database(db) => db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some_and(|pg| {
            // Class 08 is "connection exception"; 57P01–57P03 are the server shutting down (fast
            // or immediate stop), recovering from a crash, or still starting.
            pg.code().starts_with("08") || matches!(pg.code(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::unavailable;

    #[test]
    fn a_cut_connection_or_an_exhausted_pool_is_unavailable_and_a_missing_row_is_not() {
        let cases = [
            (sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into()), true),
            (sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "expected to read 5 bytes")), true),
            (sqlx::Error::PoolTimedOut, true),
            (sqlx::Error::PoolClosed, true),
            (sqlx::Error::WorkerCrashed, true),
            (sqlx::Error::Protocol("expected to read 5 bytes, got 0 bytes at EOF".into()), true),
            (sqlx::Error::Protocol("execute: unexpected message".into()), false),
            (sqlx::Error::RowNotFound, false),
            (sqlx::Error::ColumnNotFound("ticket".into()), false),
        ];
        for (error, expected) in cases {
            assert_eq!(unavailable(&error), expected, "{error}");
        }
    }
}
