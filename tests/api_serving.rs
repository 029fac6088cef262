//! How the service serves: request ids that become correlation ids, security headers, CORS only
//! for configured origins, a graceful stop that finishes what is in flight, and connections that
//! say nothing, dawdle or send too much closed before they crowd out anyone else.

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
    hundreds_of_silent_connections_leave_health_answering,
    beyond_the_connection_cap_silent_callers_make_room,
    beyond_the_connection_cap_callers_wait_for_a_place,
    a_caller_sending_half_a_head_is_cut_off_after_the_header_timeout,
    a_body_that_stops_coming_is_cut_off_after_the_idle_timeout,
    an_oversized_head_is_refused_and_a_large_one_served,
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
    let app = TestApp::spawn_serving(
        store,
        ServeOptions { cors_origins: vec!["https://estate.example".into()], ..ServeOptions::default() },
    )
    .await;
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

/// Short limits, so slow callers are dealt with while the test waits.
fn short(header_timeout_ms: u64, idle_timeout_ms: u64) -> ServeOptions {
    ServeOptions {
        header_timeout: Duration::from_millis(header_timeout_ms),
        idle_timeout: Duration::from_millis(idle_timeout_ms),
        ..ServeOptions::default()
    }
}

/// Reads until the server closes the connection (or resets it), within `limit`; answers what
/// came before.
async fn until_closed(caller: &mut TcpStream, limit: Duration) -> String {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(limit, caller.read_to_end(&mut seen)).await;
    assert!(read.is_ok(), "the server closed the connection within {limit:?}");
    String::from_utf8_lossy(&seen).into_owned()
}

async fn hundreds_of_silent_connections_leave_health_answering(store: Store) {
    let _ = khaki_api::http::raise_open_file_limit();
    // Long limits: the silent connections stay open while health is asked.
    let app = TestApp::spawn_serving(store, short(60_000, 60_000)).await;
    let mut silent = Vec::new();
    for _ in 0..400 {
        silent.push(TcpStream::connect(app.address).await.expect("connects"));
    }
    let health = tokio::time::timeout(Duration::from_secs(10), app.anonymous().get("/health"))
        .await
        .expect("health answers while 400 connections say nothing");
    assert_eq!(health.status, 200);
    drop(silent);
}

async fn beyond_the_connection_cap_silent_callers_make_room(store: Store) {
    // Heads may take a minute: only making room closes a silent caller within the test.
    let app = TestApp::spawn_serving(store, ServeOptions { max_clients: 20, ..short(60_000, 60_000) }).await;
    let mut silent = Vec::new();
    for _ in 0..40 {
        silent.push(TcpStream::connect(app.address).await.expect("connects, if only to wait"));
    }
    let health = tokio::time::timeout(Duration::from_secs(10), app.anonymous().get("/health"))
        .await
        .expect("health takes the place of a caller that said nothing");
    assert_eq!(health.status, 200);
    let said = until_closed(&mut silent[0], Duration::from_secs(10)).await;
    assert!(said.is_empty(), "the oldest silent caller gave its place, unanswered: {said}");
}

async fn beyond_the_connection_cap_callers_wait_for_a_place(store: Store) {
    let app = TestApp::spawn_serving(store, ServeOptions { max_clients: 5, ..short(500, 60_000) }).await;
    let mut dawdlers = Vec::new();
    for _ in 0..5 {
        let mut dawdler = TcpStream::connect(app.address).await.expect("connects");
        dawdler.write_all(b"GET /health HTTP/1.1\r\nhost: est").await.expect("half a head sent");
        dawdlers.push(dawdler);
    }
    // Every place is held by a caller that has begun a request; health waits until the header
    // timeout closes one.
    let health = tokio::time::timeout(Duration::from_secs(10), app.anonymous().get("/health"))
        .await
        .expect("health is taken once a place is free");
    assert_eq!(health.status, 200);
    for dawdler in &mut dawdlers {
        let said = until_closed(dawdler, Duration::from_secs(10)).await;
        assert!(!said.starts_with("HTTP/1.1 5"), "no failure of ours: {said}");
    }
}

async fn a_caller_sending_half_a_head_is_cut_off_after_the_header_timeout(store: Store) {
    let app = TestApp::spawn_serving(store, short(500, 60_000)).await;
    let mut dawdler = TcpStream::connect(app.address).await.expect("connects");
    dawdler.write_all(b"GET /health HTTP/1.1\r\nhost: est").await.expect("half a head sent");
    let said = until_closed(&mut dawdler, Duration::from_secs(10)).await;
    assert!(!said.starts_with("HTTP/1.1 5"), "no failure of ours: {said}");

    // A kept-alive connection idle after its answer is closed the same way.
    let mut kept = TcpStream::connect(app.address).await.expect("connects");
    kept.write_all(format!("GET /health HTTP/1.1\r\nhost: {}\r\n\r\n", app.address).as_bytes())
        .await
        .expect("a whole request sent");
    let said = until_closed(&mut kept, Duration::from_secs(10)).await;
    assert!(said.starts_with("HTTP/1.1 200"), "answered, then closed when idle: {said}");
}

async fn a_body_that_stops_coming_is_cut_off_after_the_idle_timeout(store: Store) {
    let app = TestApp::spawn_serving(store, short(10_000, 500)).await;
    let mut staller = TcpStream::connect(app.address).await.expect("connects");
    let head = format!(
        "POST /api/v1/session HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n",
        app.address
    );
    staller.write_all(head.as_bytes()).await.expect("head sent");
    staller.write_all(b"{\"username\":").await.expect("a little of the body sent");
    let said = until_closed(&mut staller, Duration::from_secs(10)).await;
    assert!(!said.starts_with("HTTP/1.1 5"), "no failure of ours: {said}");
    assert_eq!(app.anonymous().get("/health").await.status, 200, "others are served meanwhile");
}

async fn an_oversized_head_is_refused_and_a_large_one_served(store: Store) {
    let app = TestApp::spawn(store).await;
    let huge = "x".repeat(200 * 1024);
    match app.http.get(app.url("/health")).header("x-padding", huge).send().await {
        Ok(answer) => assert_eq!(answer.status(), 431, "a 200 KB head is refused"),
        // The server may close before the client has finished sending it.
        Err(error) => assert!(!error.is_timeout(), "refused at once, not left hanging: {error}"),
    }
    let large = "x".repeat(khaki_api::http::HEAD_LIMIT / 2);
    let answer = app.http.get(app.url("/health")).header("x-padding", large).send().await.expect("answered");
    assert_eq!(answer.status(), 200, "a head well within the limit is served");
}
