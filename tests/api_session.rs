//! Signing in and out over HTTP, and the refusing of guessed passwords: an allowance of failures
//! per account and per address, then a wait that doubles with each further failure.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use futures::future::join_all;
use khaki_commands::sessions;
use khaki_domain::StaffRole;
use khaki_migrations::with_pool;
use serde_json::json;

use crate::on_both_stores;
use crate::support::estate::ESTATE_PASSWORD;
use crate::support::http::{Answer, Client};
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    a_session_signs_in_says_who_you_are_and_ends_at_sign_out,
    an_account_has_its_allowance_of_failures_then_waits_ever_longer,
    many_wrong_guesses_from_one_address_are_refused_for_a_while,
    a_burst_of_parallel_guesses_has_no_more_passwords_checked_than_allowed,
    a_burst_of_right_passwords_leaves_nothing_to_wait_for,
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
    let garbage =
        Client::send(app.anonymous().request(reqwest::Method::GET, "/api/v1/me").header("authorization", "Basic abc"))
            .await;
    assert_eq!(garbage.status, 401);
}

/// Another client machine, as the server sees it: loopback answers on all of 127.0.0.0/8.
const ANOTHER_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

fn warden(password: &str) -> serde_json::Value {
    json!({"username": "estate.warden", "password": password})
}

fn retry_after(answer: &Answer) -> u64 {
    answer.headers["retry-after"].to_str().expect("text").parse().expect("seconds")
}

/// How many sign-ins for the warden's account the store is counting.
async fn warden_count(app: &TestApp) -> i64 {
    let db = app.log.database();
    with_pool!(db, |pool| sqlx::query_scalar(
        "SELECT COALESCE(SUM(failures), 0) FROM sign_in_failures WHERE subject = 'account:estate.warden'"
    )
    .fetch_one(pool)
    .await)
    .expect("counted")
}

async fn an_account_has_its_allowance_of_failures_then_waits_ever_longer(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let allowed = app.log.rules().sign_in_failures_allowed;
    let here = app.anonymous();
    let elsewhere = app.anonymous_from(ANOTHER_ADDRESS);
    for n in 1..=allowed {
        let refused = here.post("/api/v1/session", warden("not the password")).await;
        assert_eq!((refused.status, refused.code()), (401, "invalid_credentials"), "failure {n} of {allowed} allowed");
    }
    let waiting = here.post("/api/v1/session", warden(ESTATE_PASSWORD)).await;
    assert_eq!((waiting.status, waiting.code()), (429, "too_many_attempts"), "even the right password waits");
    assert_eq!(retry_after(&waiting), 1, "the first wait is a second");
    let from_elsewhere = elsewhere.post("/api/v1/session", warden(ESTATE_PASSWORD)).await;
    assert_eq!(from_elsewhere.status, 429, "the account waits from every address");

    tokio::time::sleep(Duration::from_secs(retry_after(&waiting))).await;
    let checked = here.post("/api/v1/session", warden("still not the password")).await;
    assert_eq!(checked.status, 401, "after the wait one more password is checked");
    let longer = here.post("/api/v1/session", warden(ESTATE_PASSWORD)).await;
    assert_eq!(longer.status, 429);
    assert!((1..=2).contains(&retry_after(&longer)), "the next failure doubles the wait: {longer:?}");

    tokio::time::sleep(Duration::from_secs(retry_after(&longer))).await;
    let signed_in = here.post("/api/v1/session", warden(ESTATE_PASSWORD)).await;
    assert_eq!(signed_in.status, 201, "the right password works once the wait is over");
    assert_eq!(warden_count(&app).await, 0, "a success clears the account's count");
    let mistake = elsewhere.post("/api/v1/session", warden("a typo")).await;
    assert_eq!(mistake.status, 401, "so a mistake afterwards is checked, not refused");
}

async fn many_wrong_guesses_from_one_address_are_refused_for_a_while(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let allowed = app.log.rules().sign_in_failures_allowed;
    let anyone = app.anonymous();
    for n in 0..allowed {
        let refused = anyone
            .post("/api/v1/session", json!({"username": format!("guess{n}"), "password": "whatever-it-is"}))
            .await;
        assert_eq!(refused.status, 401, "guess {n}");
    }
    let throttled = anyone.post("/api/v1/session", warden(ESTATE_PASSWORD)).await;
    assert_eq!(throttled.status, 429, "this address has guessed too often");
    let elsewhere = app.anonymous_from(ANOTHER_ADDRESS).post("/api/v1/session", warden(ESTATE_PASSWORD)).await;
    assert_eq!(elsewhere.status, 201, "the account itself has not failed: other addresses sign in");

    // A day later, as if the address had been quiet since: it starts again from nothing.
    let db = app.log.database();
    let day_before = chrono::Utc::now() - sessions::FORGET_AFTER - chrono::Duration::minutes(1);
    with_pool!(db, |pool| sqlx::query("UPDATE sign_in_failures SET last_counted_at = $1")
        .bind(day_before)
        .execute(pool)
        .await
        .map(|_| ()))
    .expect("moved back");
    let afresh = anyone.post("/api/v1/session", json!({"username": "guess0", "password": "whatever-it-is"})).await;
    assert_eq!(afresh.status, 401, "a quiet address has its allowance again");
    let swept = sessions::forget_quiet_attempts(db, chrono::Utc::now() + sessions::FORGET_AFTER).await.expect("swept");
    assert!(swept >= 2, "housekeeping forgets quiet subjects");
}

/// 200 sign-ins for one account from one address at once, shared between two servers on one
/// database, the last with the right password.
async fn a_burst_of_parallel_guesses_has_no_more_passwords_checked_than_allowed(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let allowed = usize::try_from(app.log.rules().sign_in_failures_allowed).expect("small");
    let servers = [app.anonymous(), Client::at(&app.spawn_second().await, None)];
    // Connections are opened beforehand, so the burst arrives together, not as they are made.
    let warming = (0..200).map(|n| {
        let client = servers[n % 2].clone();
        tokio::spawn(async move { client.get("/health").await.status })
    });
    for warmed in join_all(warming).await {
        assert_eq!(warmed.expect("ran"), 200);
    }

    let started = Instant::now();
    let burst = (0..200).map(|n| {
        let client = servers[n % 2].clone();
        let password = if n == 199 { ESTATE_PASSWORD } else { "a guess" };
        tokio::spawn(async move { client.post("/api/v1/session", warden(password)).await })
    });
    let answers: Vec<Answer> = join_all(burst).await.into_iter().map(|a| a.expect("ran")).collect();
    let took = started.elapsed();
    let count = |status: u16| answers.iter().filter(|a| a.status == status).count();
    let (signed_in, checked_wrong, waiting) = (count(201), count(401), count(429));
    let failed = answers.iter().filter(|a| a.status >= 500).count();
    eprintln!(
        "200 parallel sign-ins, one account, one address, two servers: {checked_wrong} × 401, {waiting} × 429, \
         {signed_in} × 201, {failed} × 5xx in {took:?}"
    );
    assert_eq!(failed, 0, "no failures on our side");
    assert_eq!(signed_in + checked_wrong + waiting, 200, "every answer is one of 201, 401, 429: {answers:?}");
    for refused in answers.iter().filter(|a| a.status == 429) {
        assert_eq!(refused.code(), "too_many_attempts");
        assert!(retry_after(refused) >= 1, "{refused:?}");
    }
    // The allowance is checked together with the count in one statement. Each wait that ends while
    // the burst is still coming in (1 s, then 2 s more, …) lets one more password be checked, as
    // the policy says; a burst within a second has none.
    // The right password, when it comes early, clears the account's count and gives the address
    // back its own attempt; wrong passwords are still never checked beyond the allowance.
    let waits_over = (took.as_secs_f64() + 1.0).log2().floor() as usize;
    assert!(
        checked_wrong <= allowed + waits_over,
        "{checked_wrong} wrong passwords checked of {allowed} allowed (+{waits_over} waits over in {took:?})"
    );
    assert!(signed_in <= 1, "{signed_in} sessions from one right password");

    let mut signed_in = false;
    for _ in 0..5 {
        let attempt = servers[0].post("/api/v1/session", warden(ESTATE_PASSWORD)).await;
        match attempt.status {
            201 => {
                signed_in = true;
                break;
            }
            429 => tokio::time::sleep(Duration::from_secs(retry_after(&attempt))).await,
            _ => panic!("only waiting or signing in: {attempt:?}"),
        }
    }
    assert!(signed_in, "after the wait the right password works");
    assert_eq!(warden_count(&app).await, 0, "a success clears the account's count");
    let mistake = app.anonymous_from(ANOTHER_ADDRESS).post("/api/v1/session", warden("a typo")).await;
    assert_eq!(mistake.status, 401, "from another address a mistake is checked again");
}

async fn a_burst_of_right_passwords_leaves_nothing_to_wait_for(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let anyone = app.anonymous();
    let burst = (0..20).map(|_| {
        let anyone = anyone.clone();
        tokio::spawn(async move { anyone.post("/api/v1/session", warden(ESTATE_PASSWORD)).await })
    });
    for answer in join_all(burst).await {
        let answer = answer.expect("ran");
        // More at once than the allowance may be asked to wait: none of them has been checked.
        assert!(matches!(answer.status, 201 | 429), "signed in or asked to wait: {answer:?}");
    }
    let next = anyone.post("/api/v1/session", warden(ESTATE_PASSWORD)).await;
    assert_eq!(next.status, 201, "successes leave neither the account nor the address waiting");
}
