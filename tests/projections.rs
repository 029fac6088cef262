//! Read models through the real stores: rebuilt equals live after random workloads, exactly once
//! across a runner killed mid-batch, no late commit skipped, one writer per projection among
//! several processes, analytics computed by hand, and the request list's filters, scopes and
//! pages. What the scenarios share is here.

mod analytics;
mod dashboards;
mod exactly_once;
mod list;
mod rebuild;
mod workload;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use khaki_commands::{EventLog, Rules};
use khaki_migrations::Database;
use khaki_projections::{catch_up, rebuild, status, Calendar, Projection};

use crate::support::app::TestDatabase;
use crate::support::Store;

/// A store with the command side on it and no server: the runners in these scenarios are the
/// only ones following its log.
pub struct Bench {
    pub log: EventLog,
    pub database: TestDatabase,
}

impl Bench {
    pub async fn new(store: Store) -> Self {
        let database = TestDatabase::create(store).await;
        let log = EventLog::new(database.open().await, Rules::default());
        Self { log, database }
    }

    pub fn db(&self) -> &Database {
        self.log.database()
    }

    pub async fn close(self) {
        self.log.database().close().await;
    }
}

pub fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0).single().expect("a valid time")
}

/// Applies everything committed so far to every projection. A transaction still open elsewhere on
/// the PostgreSQL server (another test's) holds readers back for a moment, never for long.
pub async fn settle(db: &Database) {
    for _ in 0..400 {
        for projection in Projection::ALL {
            catch_up(db, projection, &Calendar::default(), 500).await.expect("the projection applies the log");
        }
        let statuses = status(db).await.expect("status readable");
        if statuses.iter().all(|s| s.lag_events == 0) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the projections never caught up with the log");
}

/// Waits until the projections have applied everything, without applying anything itself (a
/// runner does).
pub async fn caught_up(db: &Database) {
    for _ in 0..400 {
        if status(db).await.expect("status readable").iter().all(|s| s.lag_events == 0) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the runner never caught up with the log");
}

/// Every row of every read-model table, as text, in order.
pub async fn snapshot(db: &Database) -> BTreeMap<String, Vec<String>> {
    let mut tables = BTreeMap::new();
    for projection in Projection::ALL {
        for table in projection.tables() {
            tables.insert((*table).to_owned(), rows_of(db, table).await);
        }
    }
    tables
}

async fn rows_of(db: &Database, table: &str) -> Vec<String> {
    match db {
        Database::Postgres(pool) => sqlx::query_scalar(&format!("SELECT t::text FROM {table} t ORDER BY 1"))
            .fetch_all(pool)
            .await
            .expect("table readable"),
        Database::Sqlite { readers, .. } => {
            let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                .bind(table)
                .fetch_all(readers)
                .await
                .expect("columns readable");
            let mut values: Vec<String> = columns.iter().map(|c| format!("quote({c})")).collect();
            // The full-text index is keyed by its rowid (the request's submission position).
            if table.ends_with("_search") {
                values.insert(0, "rowid".into());
            }
            sqlx::query_scalar(&format!("SELECT {} FROM {table} ORDER BY 1", values.join(" || '|' || ")))
                .fetch_all(readers)
                .await
                .expect("table readable")
        }
    }
}

/// Rebuilds every read model from the log and checks the result is exactly what was there.
pub async fn assert_rebuild_equals_live(db: &Database, what: &str) {
    let live = snapshot(db).await;
    assert!(live.get("request_list").is_some_and(|rows| !rows.is_empty()), "{what}: there is something to compare");
    let mut calls = 0;
    let rebuilt = rebuild(db, &Calendar::default(), &[], |done, total| {
        calls += 1;
        assert!(done <= total, "{what}: progress {done} of {total}");
    })
    .await
    .expect("rebuilds");
    assert!(calls > 0, "{what}: progress was reported");
    assert_eq!(rebuilt.projections.len(), Projection::ALL.len());
    let after = snapshot(db).await;
    for (table, rows) in &live {
        assert_eq!(after.get(table), Some(rows), "{what}: {table} rebuilt equals live");
    }
    if let Database::Postgres(pool) = db {
        let names: Vec<String> =
            sqlx::query_scalar("SELECT indexname::text FROM pg_indexes WHERE indexname LIKE '%rebuild%'")
                .fetch_all(pool)
                .await
                .expect("catalog readable");
        assert!(names.is_empty(), "{what}: indexes keep their own names after a swap: {names:?}");
    }
}
