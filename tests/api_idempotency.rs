//! Retrying writes safely: the same Idempotency-Key and body give the first answer again without
//! doing it twice, on any server; the same key with another body is refused.

use chrono::{Duration, Utc};
use futures::future::join_all;
use khaki_commands::idempotency::sweep;
use khaki_domain::StaffRole;
use khaki_migrations::with_pool;
use reqwest::Method;
use serde_json::json;

use crate::on_both_stores;
use crate::support::http::{Answer, Client};
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    a_retried_submission_is_answered_once_and_filed_once,
    a_key_reused_with_another_body_is_refused,
    racing_retries_file_once_and_are_replayed_afterwards,
    keys_are_kept_beyond_a_day_and_honoured_by_every_server,
);

fn submission(title: &str) -> serde_json::Value {
    json!({"title": title, "description": "Loose tiles", "category": "General maintenance", "location": "Lobby"})
}

async fn submit_with_key(client: &Client, key: &str, title: &str) -> Answer {
    Client::send(
        client.request(Method::POST, "/api/v1/requests").header("Idempotency-Key", key).json(&submission(title)),
    )
    .await
}

async fn submissions(app: &TestApp) -> i64 {
    let db = app.log.database();
    with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE event_type = 'RequestSubmitted'")
        .fetch_one(pool)
        .await)
    .expect("countable")
}

async fn a_retried_submission_is_answered_once_and_filed_once(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let me = app.sign_in_as(estate.resident().await.account).await;
    let first = submit_with_key(&me, "retry-1", "Loose tiles").await;
    let again = submit_with_key(&me, "retry-1", "Loose tiles").await;
    assert_eq!(first.status, 201);
    assert_eq!((again.status, &again.body), (201, &first.body), "the same answer");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(submissions(&app).await, 1);
    let manager = app.sign_in_as(estate.staff(StaffRole::FacilityManager).await.account).await;
    let ack = |m: &Client| {
        Client::send(
            m.request(
                Method::POST,
                &format!("/api/v1/requests/{}/acknowledge", first.body["request"]["id"].as_str().unwrap_or("")),
            )
            .header("Idempotency-Key", "ack-1"),
        )
    };
    assert_eq!(ack(&manager).await.status, 200);
    assert_eq!(ack(&manager).await.status, 200, "a replayed acknowledgement is not refused as a second one");
}

async fn a_key_reused_with_another_body_is_refused(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let me = app.sign_in_as(estate.resident().await.account).await;
    assert_eq!(submit_with_key(&me, "k-2", "Loose tiles").await.status, 201);
    let other = submit_with_key(&me, "k-2", "Broken bench").await;
    assert_eq!((other.status, other.code()), (422, "idempotency_key_reused"));
    assert_eq!(submissions(&app).await, 1);
    let someone_else = app.sign_in_as(estate.resident().await.account).await;
    assert_eq!(submit_with_key(&someone_else, "k-2", "Broken bench").await.status, 201, "keys belong to their caller");
}

async fn racing_retries_file_once_and_are_replayed_afterwards(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let me = app.sign_in_as(estate.resident().await.account).await;
    let answers = join_all((0..10).map(|_| submit_with_key(&me, "race-1", "Loose tiles"))).await;
    for answer in &answers {
        assert!(
            answer.status == 201 || (answer.status == 409 && answer.code() == "idempotency_key_in_use"),
            "{answer:?}"
        );
    }
    assert_eq!(submissions(&app).await, 1, "filed once");
    let later = submit_with_key(&me, "race-1", "Loose tiles").await;
    assert_eq!(later.status, 201);
    let first = answers.iter().find(|a| a.status == 201).expect("one was answered first");
    assert_eq!(later.body, first.body);
}

async fn keys_are_kept_beyond_a_day_and_honoured_by_every_server(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let me = app.sign_in_as(resident.account).await;
    let first = submit_with_key(&me, "day-1", "Loose tiles").await;
    sweep(app.log.database(), Utc::now() + Duration::hours(25)).await.expect("swept");
    let other_server = app.spawn_second().await;
    let mut elsewhere = me.clone();
    elsewhere.base = other_server.clone();
    let replayed = submit_with_key(&elsewhere, "day-1", "Loose tiles").await;
    assert_eq!((replayed.status, replayed.body), (201, first.body));
    assert_eq!(submissions(&app).await, 1);
    sweep(app.log.database(), Utc::now() + Duration::hours(49)).await.expect("swept");
    let forgotten = submit_with_key(&me, "day-1", "Loose tiles").await;
    assert_eq!(
        (forgotten.status, forgotten.code()),
        (409, "already_submitted"),
        "after retention the key is forgotten, but the request it named is already filed"
    );
}
