//! How the service serves: request ids that become correlation ids, security headers, CORS only
//! for configured origins, and a graceful stop that finishes what is in flight.

use std::time::Duration;

use khaki_api::ServeOptions;
use khaki_migrations::with_pool;
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::on_both_stores;
use crate::support::http::Client;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    a_request_id_is_answered_and_recorded_as_the_correlation_id,
    answers_carry_security_headers_and_cors_only_for_configured_origins,
    a_graceful_stop_finishes_requests_in_flight,
);

async fn a_request_id_is_answered_and_recorded_as_the_correlation_id(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let me = app.sign_in_as(estate.resident().await.account).await;
    let id = uuid::Uuid::new_v4();
    let answer = Client::send(
        me.request(Method::POST, "/api/v1/requests").header("x-request-id", id.to_string()).json(&json!({
            "title": "Lights out", "description": "Corridor dark", "category": "Electrical fault", "location": "Block A"
        })),
    )
    .await;
    assert_eq!(answer.status, 201);
    assert_eq!(answer.headers["x-request-id"], id.to_string().as_str());
    let db = app.log.database();
    let recorded: String = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT metadata FROM events WHERE event_type = 'RequestSubmitted'")
            .fetch_one(pool)
            .await
            .map(|m: serde_json::Value| m.to_string())
    })
    .expect("event");
    let metadata: serde_json::Value = serde_json::from_str(&recorded).expect("json");
    assert_eq!(metadata["correlation_id"], id.to_string());
    assert_eq!(metadata["client_address"], "127.0.0.1");
    let generated = app.anonymous().get("/health").await;
    assert!(
        generated.headers["x-request-id"].to_str().expect("text").parse::<uuid::Uuid>().is_ok(),
        "one is made when none is sent"
    );
}

async fn answers_carry_security_headers_and_cors_only_for_configured_origins(store: Store) {
    let app = TestApp::spawn_serving(store, ServeOptions { cors_origins: vec!["https://estate.example".into()] }).await;
    let health = app.anonymous().get("/health").await;
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(health.headers[name], value, "{name}");
    }
    let preflight = |origin: &'static str| {
        app.http
            .request(Method::OPTIONS, app.url("/api/v1/requests"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .send()
    };
    let allowed = preflight("https://estate.example").await.expect("answered");
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://estate.example");
    let elsewhere = preflight("https://evil.example").await.expect("answered");
    assert!(elsewhere.headers().get("access-control-allow-origin").is_none());
}

async fn a_graceful_stop_finishes_requests_in_flight(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    // A sign-in whose body is still on its way when the stop comes.
    let body = json!({"username": "estate.warden", "password": "wrong password"}).to_string();
    let mut caller = TcpStream::connect(app.address).await.expect("connects");
    let head = format!(
        "POST /api/v1/session HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        app.address,
        body.len()
    );
    caller.write_all(head.as_bytes()).await.expect("head sent");
    caller.write_all(&body.as_bytes()[..10]).await.expect("some of the body sent");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let url = app.url("/health");
    let http = app.http.clone();
    let stopping = tokio::spawn(app.stop());
    tokio::time::sleep(Duration::from_millis(300)).await;
    caller.write_all(&body.as_bytes()[10..]).await.expect("the rest of the body sent");
    let mut answer = String::new();
    caller.read_to_string(&mut answer).await.expect("an answer, then the connection closes");
    assert!(answer.starts_with("HTTP/1.1 401"), "the request in flight was answered, not cut off: {answer}");
    stopping.await.expect("stopped");
    assert!(http.get(url).send().await.is_err(), "no new requests after the stop");
}
