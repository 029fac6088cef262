//! PostgreSQL stopped (`pg_ctl stop -m fast`) and started again under load, on a private server
//! the test starts: while it is down every failing answer is 503 with `Retry-After`, never 500;
//! once it is back the service recovers by itself; nothing it confirmed is lost.

use std::time::Duration;

use khaki_commands::{EventLog, Rules};
use khaki_domain::StaffRole;
use khaki_migrations::{with_pool, Database, Location};
use khaki_projections::{wait_for, Projection};

use crate::faults::checks::{lost, ticket_gaps, username};
use crate::faults::load::{Load, Phase};
use crate::faults::private_postgres::PrivatePostgres;
use crate::support::process::{audit_verify, serve};
use crate::support::Estate;

/// How long the database stays down: longer than the server's pool waits for a connection (10
/// seconds), so requests that were waiting for it are answered while it is still down.
const OUTAGE: Duration = Duration::from_secs(12);
/// How long the service may take to confirm a write again once the database is back.
const RECOVERY: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_answers_unavailable_and_recovers_by_itself() {
    let postgres = tokio::task::spawn_blocking(PrivatePostgres::start).await.expect("the private server starts");
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&postgres.url("postgres"))
        .await
        .expect("the private server is reachable");
    sqlx::query("CREATE DATABASE estate").execute(&mut admin).await.expect("the estate's database is created");
    let url = postgres.url("estate");
    let data = tempfile::tempdir().expect("a data folder");
    let flags = vec!["--database-url".into(), url.clone(), "--data".into(), data.path().display().to_string()];
    let location = Location::Postgres { url };

    let log = EventLog::new(Database::open(&location, 4).await.expect("the store opens"), Rules::default());
    let estate = Estate::new(&log).await;
    let mut residents = Vec::new();
    for _ in 0..6 {
        residents.push(username(log.database(), estate.resident().await.account).await);
    }
    let manager = username(log.database(), estate.staff(StaffRole::FacilityManager).await.account).await;
    log.database().close().await;
    drop(admin);

    let mut server = serve(&flags).await;
    let load = Load::start(&server.base, &residents, &manager).await;
    assert!(load.until_confirmed(Phase::Before, 40, Duration::from_secs(30)).await, "the load got going");
    load.enter(Phase::During);
    tokio::task::block_in_place(|| postgres.stop_fast());
    tokio::time::sleep(OUTAGE).await;
    tokio::task::block_in_place(|| postgres.start_again());
    load.enter(Phase::After);
    let recovered = load.until_confirmed(Phase::After, 1, RECOVERY).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let books = load.stop().await;

    let [before, during, after] = books.phases;
    let lost = lost(&server.base, &books.receipts).await;
    println!(
        "PostgreSQL down for {OUTAGE:?} under load: before, {} writes confirmed and {} 5xx; during, {} answers \
         503 with Retry-After, {} other 5xx, {} writes confirmed as it went down; after, the first write \
         confirmed {:?} after the restart, then {} more, {} 503, {} other 5xx; {} writes confirmed in all, {} lost",
        before.confirmed,
        before.unavailable + before.failed,
        during.unavailable,
        during.failed,
        during.confirmed,
        books.first_confirmed_after(Phase::After).unwrap_or_default(),
        after.confirmed.saturating_sub(1),
        after.unavailable,
        after.failed,
        before.confirmed + during.confirmed + after.confirmed,
        lost.len(),
    );
    assert_eq!(books.failed(), 0, "no 500s, and every 503 says when to retry: {:#?}", books.failures);
    assert!(during.unavailable > 0, "requests during the outage are answered 503: {during:?}");
    assert!(recovered, "writes are confirmed again within {RECOVERY:?} of the database's return: {after:?}");
    assert!(lost.is_empty(), "every confirmed write survives the outage: {lost:#?}");

    let db = Database::open(&location, 4).await.expect("the store opens again");
    let (_, gaps) = ticket_gaps(&db).await;
    assert!(gaps.is_empty(), "ticket numbers have no gaps: {gaps:?}");
    let head: i64 =
        with_pool!(&db, |pool| sqlx::query_scalar("SELECT MAX(position) FROM events").fetch_one(pool).await)
            .expect("the log's head");
    wait_for(&db, Projection::RequestList, head, Duration::from_secs(20))
        .await
        .expect("the request list catches up with the log by itself after the outage");
    let (verified, said) = audit_verify(&flags).await;
    assert!(verified, "the audit chain verifies after the outage: {said}");
    db.close().await;
    server.process.start_kill().expect("the server is stopped");
    let _ = server.process.wait().await;
}
