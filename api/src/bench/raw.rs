//! The database's own limit, measured in the same run with the same concurrency and no Khaki
//! Estate in between: appending one event in its own transaction; loading a stream and
//! appending to it in one transaction; and the facility manager's list query on the read model.

use std::time::Duration;

use khaki_migrations::{with_pool, Database};

use crate::bench::measure::{run, timed, Measured};

const POSTGRES_TABLE: &str = "CREATE TABLE IF NOT EXISTS bench_raw_events (
    aggregate_type text NOT NULL, aggregate_id text NOT NULL, sequence bigint NOT NULL, event_type text NOT NULL,
    event_version text NOT NULL, payload jsonb NOT NULL, metadata jsonb NOT NULL,
    position bigint GENERATED ALWAYS AS IDENTITY, recorded_at timestamptz NOT NULL, hash bytea NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence))";

const SQLITE_TABLE: &str = "CREATE TABLE IF NOT EXISTS bench_raw_events (
    position INTEGER PRIMARY KEY AUTOINCREMENT, aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL, sequence INTEGER NOT NULL,
    event_type TEXT NOT NULL, event_version TEXT NOT NULL, payload TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
    hash BLOB NOT NULL, UNIQUE (aggregate_type, aggregate_id, sequence))";

const INSERT: &str = "INSERT INTO bench_raw_events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, hash)
    VALUES ('Raw', $1, $2, 'RawEvent', '1', $3, $4, $5, $6)";

fn payload() -> serde_json::Value {
    serde_json::json!({"RequestAcknowledged": {"by": "6e680b76-cefb-4175-94c6-134f7102e984", "at": "2026-11-25T22:20:34.146801Z"}})
}

fn metadata() -> serde_json::Value {
    serde_json::json!({"actor": "6e680b76-cefb-4175-94c6-134f7102e984", "actor_role": "facility_manager", "command": "acknowledge",
        "command_id": "2c0a76ec-757a-47ab-9811-81561c9b1736", "correlation_id": "7e99ba54-28be-401c-883f-82ee60cffea1",
        "recorded_at": "2026-11-25T22:20:34.146801Z"})
}

pub async fn prepare(db: &Database) -> Result<(), sqlx::Error> {
    let sql = db.pick(POSTGRES_TABLE, SQLITE_TABLE);
    with_pool!(db, |pool| sqlx::query(sql).execute(pool).await.map(|_| ()))
}

/// Appending one event in its own transaction.
pub async fn append(db: &Database, concurrency: usize, duration: Duration, run_id: u64) -> Measured {
    let db = db.clone();
    run(concurrency, duration, std::future::ready, move |n, iteration| {
        let db = db.clone();
        async move {
            let stream = format!("append-{run_id}-{n}-{iteration}");
            let (_, took) = timed(write(&db, &stream, 1, false)).await;
            (n, vec![took])
        }
    })
    .await
}

/// Loading a stream and appending the next event, in one transaction. Streams grow to eight
/// events, as a request's does over its life, and then the worker starts another.
pub async fn load_and_append(db: &Database, concurrency: usize, duration: Duration, run_id: u64) -> Measured {
    const STREAM_LENGTH: u64 = 8;
    let db = db.clone();
    run(concurrency, duration, std::future::ready, move |n, iteration| {
        let db = db.clone();
        async move {
            let stream = format!("stream-{run_id}-{n}-{}", iteration / STREAM_LENGTH);
            let sequence = (iteration % STREAM_LENGTH + 1) as i64;
            let (_, took) = timed(write(&db, &stream, sequence, true)).await;
            (n, vec![took])
        }
    })
    .await
}

async fn write(db: &Database, stream: &str, sequence: i64, load_first: bool) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    khaki_migrations::with_tx!(&mut tx, |conn| {
        if load_first {
            sqlx::query("SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata FROM bench_raw_events WHERE aggregate_type = 'Raw' AND aggregate_id = $1 ORDER BY sequence")
                .bind(stream)
                .fetch_all(&mut *conn)
                .await?;
        }
        sqlx::query(INSERT)
            .bind(stream)
            .bind(sequence)
            .bind(payload())
            .bind(metadata())
            .bind(chrono::Utc::now())
            .bind([7u8; 32].as_slice())
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })?;
    tx.commit().await
}

/// The facility manager's list query on the read model, straight through sqlx.
pub async fn list_query(db: &Database, concurrency: usize, duration: Duration) -> Measured {
    use khaki_domain::request::Status;
    use khaki_projections::request_list::{list_requests, Page, RequestFilter, Scope};
    let db = db.clone();
    run(concurrency, duration, std::future::ready, move |n, _| {
        let db = db.clone();
        async move {
            let filter = RequestFilter {
                statuses: vec![Status::Assigned, Status::InProgress, Status::Acknowledged],
                search: Some("tap".into()),
                ..RequestFilter::default()
            };
            let page = Page { size: 25, ..Page::default() };
            let (_, took) = timed(list_requests(&db, &filter, &Scope::Everything, &page, chrono::Utc::now())).await;
            (n, vec![took])
        }
    })
    .await
}
