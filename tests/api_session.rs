//! Signing in and out over HTTP, and the slowing and refusing of guessed passwords.

use khaki_domain::StaffRole;
use khaki_migrations::with_pool;
use serde_json::json;

use crate::on_both_stores;
use crate::support::estate::ESTATE_PASSWORD;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    a_session_signs_in_says_who_you_are_and_ends_at_sign_out,
    repeated_wrong_passwords_for_an_account_are_refused_for_a_while,
    many_wrong_guesses_from_one_address_are_refused_for_a_while,
);

async fn a_session_signs_in_says_who_you_are_and_ends_at_sign_out(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let plumber = estate.staff(StaffRole::Plumber).await;
    let me = app.sign_in_as(plumber.account).await;
    let token = me.token.clone().expect("token");
    assert!(token.len() >= 43, "at least 256 bits of randomness, base64url");
    let db = app.log.database();
    let stored: Vec<Vec<u8>> =
        with_pool!(db, |pool| sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_all(pool).await)
            .expect("sessions");
    assert!(
        stored.iter().all(|hash| hash.len() == 32 && *hash != token.as_bytes()),
        "only a SHA-256 of the token is kept"
    );

    let who = me.get("/api/v1/me").await;
    assert_eq!(who.status, 200);
    assert_eq!(who.body["kind"], "staff");
    assert_eq!(who.body["role"], "plumber");
    assert_eq!(who.body["permissions"], json!(["close"]));
    assert_eq!(who.body["id"], json!(plumber.account));

    assert_eq!(me.delete("/api/v1/session").await.status, 204);
    let after = me.get("/api/v1/me").await;
    assert_eq!((after.status, after.code()), (401, "unauthenticated"));
    let garbage = crate::support::http::Client::send(
        app.anonymous().request(reqwest::Method::GET, "/api/v1/me").header("authorization", "Basic abc"),
    )
    .await;
    assert_eq!(garbage.status, 401);
}

async fn repeated_wrong_passwords_for_an_account_are_refused_for_a_while(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let anyone = app.anonymous();
    let attempt =
        |password: &str| anyone.post("/api/v1/session", json!({"username": "estate.warden", "password": password}));
    for _ in 0..5 {
        let refused = attempt("not the password").await;
        assert_eq!((refused.status, refused.code()), (401, "invalid_credentials"));
    }
    let throttled = attempt(ESTATE_PASSWORD).await;
    assert_eq!((throttled.status, throttled.code()), (429, "too_many_attempts"), "even the right password waits");
    let retry_after: i64 = throttled.headers["retry-after"].to_str().expect("header").parse().expect("seconds");
    assert!(retry_after > 0 && retry_after <= 15 * 60);
    let _ = estate;
}

async fn many_wrong_guesses_from_one_address_are_refused_for_a_while(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let anyone = app.anonymous();
    for n in 0..5 {
        let refused = anyone
            .post("/api/v1/session", json!({"username": format!("guess{n}"), "password": "whatever-it-is"}))
            .await;
        assert_eq!(refused.status, 401);
    }
    let throttled =
        anyone.post("/api/v1/session", json!({"username": "estate.warden", "password": ESTATE_PASSWORD})).await;
    assert_eq!(throttled.status, 429, "this address has guessed too often");
}
