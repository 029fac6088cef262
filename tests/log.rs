//! The event log itself: append-only, every event with its metadata and no personal data, and a
//! global order that never skips a transaction that committed late.

use std::time::Duration;

use khaki_commands::requests;
use khaki_commands::{EventLog, Origin};
use khaki_domain::request::{MaintenanceRequest, RequestCommand};
use khaki_domain::{CommentId, StaffRole};
use khaki_migrations::{with_pool, Database, StoreKind};
use khaki_projections::{read_after, Cursor, RecordedEvent};

use crate::on_both_stores;
use crate::support::estate::text;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    the_database_refuses_to_change_or_delete_events,
    every_event_carries_its_metadata_and_no_personal_data,
    a_reader_never_skips_a_transaction_that_commits_late,
);

/// Every committed event, once the reader has caught up with all of them (a transaction still
/// open elsewhere on the server, such as another test's, holds readers back for a moment).
async fn all_events(db: &Database) -> Vec<RecordedEvent> {
    let total: i64 = with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(pool).await)
        .expect("countable");
    read_at_least(db, Cursor::default(), usize::try_from(total).expect("count")).await
}

/// Reads after `cursor` until `count` events are there: a transaction still open elsewhere on the
/// server (another test's) holds readers back for a moment, never for long.
async fn read_at_least(db: &Database, cursor: Cursor, count: usize) -> Vec<RecordedEvent> {
    for _ in 0..200 {
        let events = read_after(db, cursor, 100_000).await.expect("readable");
        if events.len() >= count {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the reader never caught up to {count} events");
}

async fn the_database_refuses_to_change_or_delete_events(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    estate.submit(&resident, "Painting").await;
    let db = app.log.database();
    let before = all_events(db).await.len();
    let mut statements = vec!["UPDATE events SET event_type = 'Forged'", "DELETE FROM events"];
    if db.kind() == StoreKind::Postgres {
        statements.push("TRUNCATE events");
    }
    for statement in statements {
        let refused = with_pool!(db, |pool| sqlx::query(statement).execute(pool).await.map(|_| ()));
        let error = refused.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    let after = all_events(db).await;
    assert_eq!(after.len(), before);
    assert!(after.iter().all(|e| e.event_type != "Forged"));
}

async fn every_event_carries_its_metadata_and_no_personal_data(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let plumber = estate.staff(StaffRole::Plumber).await;
    let resident = estate.resident().await;
    let (id, _) = estate.submit(&resident, "Plumbing issue").await;
    requests::comment(
        &app.log,
        &Origin::new(plumber.clone()),
        id,
        CommentId::from_uuid(uuid::Uuid::new_v4()),
        text("Coming at 4"),
        false,
    )
    .await
    .expect("commented");
    let db = app.log.database();
    let personal: Vec<String> = with_pool!(db, |pool| {
        sqlx::query_as::<_, (String, Option<String>, Option<String>, Option<String>)>(
            "SELECT username, email, display_name, phone FROM accounts",
        )
        .fetch_all(pool)
        .await
    })
    .expect("accounts")
    .into_iter()
    .flat_map(|(u, e, n, p)| [Some(u), e, n, p])
    .flatten()
    .collect();
    let events = all_events(db).await;
    assert_eq!(events.len(), 7, "accounts, staff, resident, request and comment events were recorded");
    for event in &events {
        for key in ["actor", "actor_role", "recorded_at", "correlation_id", "command", "command_id"] {
            assert!(event.metadata.get(key).is_some(), "{} lacks metadata '{key}'", event.event_type);
        }
        let payload = event.payload.to_string();
        for secret in &personal {
            assert!(!payload.contains(secret.as_str()), "{} carries personal data '{secret}'", event.event_type);
        }
    }
    let comment = events.iter().find(|e| e.event_type == "CommentPosted").expect("comment recorded");
    assert_eq!(comment.metadata["actor"], plumber.account.to_string());
    assert_eq!(comment.metadata["actor_role"], "plumber");
}

/// A transaction takes an earlier position, stays open while a later one commits, then commits:
/// the reader must hand out both, the late one first, and must not pass it while it is open.
async fn a_reader_never_skips_a_transaction_that_commits_late(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let (slow_request, _) = estate.submit(&resident, "Painting").await;
    let (fast_request, _) = estate.submit(&resident, "Painting").await;
    let db = app.log.database().clone();
    let head = all_events(&db).await.last().map(RecordedEvent::cursor).expect("events so far");

    // The slow writer appends and holds its transaction open.
    let comment = || RequestCommand::Comment {
        id: CommentId::from_uuid(uuid::Uuid::new_v4()),
        text: text("noted"),
        internal: false,
    };
    let origin = Origin::new(resident.clone());
    let loaded = app.log.load::<MaintenanceRequest>(&slow_request.to_string()).await.expect("loads");
    let decided = loaded.decide("comment", origin.issue(comment())).await.expect("allowed");
    let mut slow = app.log.begin().await.expect("begins");
    let slow_appended = decided.append_to(&app.log, &mut slow, &origin, uuid::Uuid::new_v4()).await.expect("appended");

    // Meanwhile a second server commits a later event (on SQLite it waits for the write lock).
    let second: EventLog = app.second_server().await;
    let fast_origin = origin.clone();
    let fast = tokio::spawn(async move {
        requests::comment(
            &second,
            &fast_origin,
            fast_request,
            CommentId::from_uuid(uuid::Uuid::new_v4()),
            text("quick"),
            false,
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let while_open = read_after(&db, head, 100).await.expect("readable");
    assert!(while_open.is_empty(), "nothing may be handed out past an open transaction: {while_open:?}");

    slow.commit().await.expect("slow commit");
    let fast_appended = fast.await.expect("task ran").expect("fast comment recorded");
    let after = read_at_least(&db, head, 2).await;
    let positions: Vec<i64> = after.iter().map(|e| e.position).collect();
    assert_eq!(
        positions,
        vec![slow_appended.position.expect("slow"), fast_appended.position.expect("fast")],
        "both, in commit-safe order"
    );
    assert!(slow_appended.position < fast_appended.position, "the late committer holds the earlier position");
}
