//! What a signed-in person can learn about others: a request they may not see answers exactly as
//! one that does not exist (but for echoing what they sent), and a create they may not make is
//! refused before a taken username or e-mail could say that it exists.

use serde_json::{json, Value};

use crate::on_both_stores;
use crate::support::http::Answer;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    a_hidden_request_answers_as_an_absent_one,
    permission_is_judged_before_uniqueness,
    a_query_string_holding_a_control_character_is_refused
);

/// The answer with what the caller sent replaced by a placeholder.
fn without(answer: &Answer, sent: &str) -> (u16, Value) {
    let text = answer.body.to_string().replace(sent, "<sent>");
    (answer.status, serde_json::from_str(&text).expect("JSON"))
}

async fn a_hidden_request_answers_as_an_absent_one(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let owner = estate.resident().await;
    let neighbour = estate.resident().await;
    let (id, ticket) = estate.submit(&owner, "Plumbing issue").await;
    let prying = app.sign_in_as(neighbour.account).await;
    let absent_ticket = format!("MNT-{}-9999", ticket.year());
    let absent_id = uuid::Uuid::new_v4().to_string();
    let pairs = [(ticket.to_string(), absent_ticket), (id.to_string(), absent_id)];
    for (hidden, absent) in &pairs {
        for (method, tail) in [("GET", ""), ("GET", "/history"), ("GET", "/timeline"), ("POST", "/cancel")] {
            let ask = |reference: String| {
                let prying = prying.clone();
                async move {
                    let path = format!("/api/v1/requests/{reference}{tail}");
                    if method == "GET" {
                        prying.get(&path).await
                    } else {
                        prying.post(&path, json!({"reason": "not mine"})).await
                    }
                }
            };
            let (seen, missing) = (ask(hidden.clone()).await, ask(absent.clone()).await);
            assert_eq!(seen.status, 404, "{method} {hidden}{tail}: {seen:?}");
            assert_eq!(without(&seen, hidden), without(&missing, absent), "{method} {tail}: hidden and absent alike");
            if hidden != &id.to_string() {
                assert!(!seen.body.to_string().contains(&id.to_string()), "the hidden id is not told: {seen:?}");
            }
        }
    }
    app.stop().await;
}

async fn permission_is_judged_before_uniqueness(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let taken = estate.staff(khaki_domain::StaffRole::Plumber).await;
    let username: String = {
        let db = app.log.database();
        khaki_migrations::with_pool!(db, |pool| sqlx::query_scalar("SELECT username FROM accounts WHERE id = $1")
            .bind(taken.account.as_uuid())
            .fetch_one(pool)
            .await)
        .expect("username")
    };
    let email = format!("{username}@estate.invalid");
    let caller = app.sign_in_as(resident.account).await;
    let resident_body = |username: &str, email: &str| {
        json!({"username": username, "email": email, "display_name": "N", "password": "a long password",
               "flat": "Q-101", "resident_type": "owner", "move_in": "2024-06-01"})
    };
    let staff_body = |username: &str, email: &str| {
        json!({"username": username, "email": email, "display_name": "N", "password": "a long password",
               "employee_id": "Q-1", "role": "plumber", "department": "D", "employment_status": "full_time",
               "hire_date": "2025-01-01"})
    };
    for (path, body) in
        [("/api/v1/residents", &resident_body as &dyn Fn(&str, &str) -> Value), ("/api/v1/staff", &staff_body)]
    {
        let with_taken = caller.post(path, body(&username, &email)).await;
        let with_unused = caller.post(path, body("never.used", "never.used@estate.invalid")).await;
        assert_eq!(with_taken.status, 403, "{path} with a taken e-mail: {with_taken:?}");
        assert_eq!(
            (with_taken.status, &with_taken.body),
            (with_unused.status, &with_unused.body),
            "{path}: the answer does not depend on whether the e-mail is taken"
        );
    }
    app.stop().await;
}

async fn a_query_string_holding_a_control_character_is_refused(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let manager = estate.staff(khaki_domain::StaffRole::FacilityManager).await;
    let caller = app.sign_in_as(manager.account).await;
    for path in ["/api/v1/requests?search=a%00b", "/api/v1/staff?department=%00", "/api/v1/requests?search=%07"] {
        let answer = caller.get(path).await;
        assert_eq!((answer.status, answer.code()), (400, "invalid_input"), "{path}: {answer:?}");
    }
    let signed_in = app.anonymous().post("/api/v1/session", json!({"username": "a\u{0}b", "password": "x"})).await;
    assert_eq!((signed_in.status, signed_in.body["error"]["details"]["field"].as_str()), (400, Some("username")));
    app.stop().await;
}
