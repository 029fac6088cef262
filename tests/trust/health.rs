//! A roster import never stops the read models, and a read model that meets an event it cannot
//! read is not hidden: `/health` answers 503 "degraded" naming it (the error text for
//! administrators only), `/metrics` counts the failures, and the follower keeps retrying.

use std::time::Duration;

use khaki_migrations::with_pool;
use serde_json::json;

use crate::on_both_stores;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(a_roster_import_keeps_every_read_model_going, a_stuck_read_model_makes_health_say_degraded);

const ROSTER: &str = "Ser No,Flat No,Name of Owners,Phone No,E-mail Id
BLOCK-A,,,,
1,901,SHRI RAMESH KUMAR,9830425757,ramesh@example.org
2,902,SMT ANITA DEVI,9830425758,
";

async fn a_roster_import_keeps_every_read_model_going(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let runner = app.start_runner();
    let admin = app.sign_in("estate.warden").await;
    let imported = crate::support::http::Client::send(
        admin.request(reqwest::Method::POST, "/api/v1/roster").header("content-type", "text/csv").body(ROSTER),
    )
    .await;
    assert_eq!((imported.status, &imported.body["created"]), (200, &json!(2)), "{imported:?}");

    let filer = app.sign_in_as(resident.account).await;
    let filed = filer
        .post(
            "/api/v1/requests",
            json!({"title": "Tap", "description": "Drips", "category": "Plumbing issue", "location": "Flat A-1"}),
        )
        .await;
    assert_eq!(filed.status, 201, "{filed:?}");
    let position = filed.body["position"].as_i64().expect("a position");
    // A busy machine may need a moment ("try again shortly"); a stopped read model never gets there.
    let mut listed = filer.get(&format!("/api/v1/requests?min_position={position}")).await;
    for _ in 0..40 {
        if listed.status != 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        listed = filer.get(&format!("/api/v1/requests?min_position={position}")).await;
    }
    assert_eq!(listed.status, 200, "the list reaches past the roster's events: {listed:?}");
    assert_eq!(listed.body["requests"][0]["ticket"], filed.body["request"]["ticket"]);
    let health = app.anonymous().get("/health").await;
    assert_eq!((health.status, &health.body["status"]), (200, &json!("ok")), "{health:?}");
    runner.stop().await;
    app.stop().await;
}

async fn a_stuck_read_model_makes_health_say_degraded(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let runner = app.start_runner();
    // An event no reader knows, as a newer release (or a damaged write) could leave in the log.
    let db = app.log.database();
    with_pool!(db, |pool| sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, hash)
         VALUES ('Mystery', 'm-1', 1, 'SomethingHappened', '1', $1, $2, $3, $4)"
    )
    .bind(json!({"SomethingHappened": {}}))
    .bind(json!({}))
    .bind(chrono::Utc::now())
    .bind(vec![0u8; 32])
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))
    .expect("inserted");

    // Each of the four read models meets the event and fails in its turn.
    let mut health = app.anonymous().get("/health").await;
    for _ in 0..100 {
        if health.body["failing"].as_array().is_some_and(|failing| failing.len() == 4) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        health = app.anonymous().get("/health").await;
    }
    assert_eq!((health.status, &health.body["status"]), (503, &json!("degraded")), "{health:?}");
    let failing: Vec<&str> =
        health.body["failing"].as_array().expect("a list").iter().filter_map(|name| name.as_str()).collect();
    assert!(failing.contains(&"request_list") && failing.contains(&"timeline"), "{failing:?}");
    assert!(
        health.body["projections"].as_array().expect("a list").iter().all(|p| p["last_error"].is_null()),
        "anonymous callers are not shown the error text: {health:?}"
    );
    let admin = app.sign_in("estate.warden").await;
    let told = admin.get("/health").await;
    assert_eq!(told.status, 503);
    let texts: Vec<&str> =
        told.body["projections"].as_array().expect("a list").iter().filter_map(|p| p["last_error"].as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("Mystery")), "administrators read what failed: {told:?}");

    // The follower keeps retrying, and every failure is counted.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let metrics = app.http.get(app.url("/metrics")).send().await.expect("answered").text().await.expect("text");
    let failures: u64 = metrics
        .lines()
        .find(|l| l.starts_with("khaki_projection_failures_total{projection=\"request_list\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a failure counter per read model");
    assert!(failures >= 2, "the follower retried: {failures} failures counted\n{metrics}");
    assert!(metrics.contains("khaki_projection_failing{projection=\"request_list\"} 1"), "{metrics}");
    runner.stop().await;
    app.stop().await;
}
