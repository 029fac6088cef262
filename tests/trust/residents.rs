//! Dates mean what they say: a move-out recorded for a later day leaves the resident living there
//! (signing in, filing, holding the flat's owner place) until that day, one dated today takes effect
//! at once, and a date outside a sane window is refused with 400.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::on_both_stores;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(a_move_out_takes_effect_on_its_day, dates_outside_a_sane_window_are_refused);

fn registration(username: &str, flat: &str) -> serde_json::Value {
    json!({"username": username, "email": format!("{username}@estate.invalid"), "display_name": "Meera Pillai",
           "password": "a long password", "flat": flat, "resident_type": "owner", "move_in": "2024-06-01"})
}

fn request() -> serde_json::Value {
    json!({"title": "Tap", "description": "Drips", "category": "Plumbing issue", "location": "Flat F-1"})
}

async fn a_move_out_takes_effect_on_its_day(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let admin = app.sign_in("estate.warden").await;
    let owner = admin.post("/api/v1/residents", registration("leaving.owner", "F-1")).await;
    assert_eq!(owner.status, 201, "{owner:?}");
    let id = owner.body["resident"]["id"].as_str().expect("id").to_owned();
    let resident = app.sign_in_with("leaving.owner", "a long password").await;

    let later = (Utc::now() + Duration::days(30)).date_naive().to_string();
    let recorded = admin.post(&format!("/api/v1/residents/{id}/move-out"), json!({ "on": later })).await;
    assert_eq!((recorded.status, &recorded.body["resident"]["moved_out"]), (200, &json!(later)), "{recorded:?}");
    assert_eq!(resident.post("/api/v1/requests", request()).await.status, 201, "still living there: files requests");
    assert_eq!(resident.get("/api/v1/me").await.status, 200);
    let successor = admin.post("/api/v1/residents", registration("next.owner", "F-1")).await;
    assert_eq!(successor.status, 409, "the flat's owner place is still taken until the day: {successor:?}");

    let today = Utc::now().date_naive().to_string();
    let moved = admin.post(&format!("/api/v1/residents/{id}/move-out"), json!({ "on": today })).await;
    assert_eq!(moved.status, 200, "a move-out recorded ahead of time can be brought forward: {moved:?}");
    let refused = resident.post("/api/v1/requests", request()).await;
    assert!(matches!(refused.status, 401 | 403), "moved out today: no longer files requests: {refused:?}");
    let successor = admin.post("/api/v1/residents", registration("next.owner", "F-1")).await;
    assert_eq!(successor.status, 201, "the place is free: {successor:?}");
    let again = admin.post(&format!("/api/v1/residents/{id}/move-out"), json!({ "on": today })).await;
    assert_eq!(again.status, 409, "moving out twice is refused: {again:?}");
    app.stop().await;
}

async fn dates_outside_a_sane_window_are_refused(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let admin = app.sign_in("estate.warden").await;
    let far = (Utc::now() + Duration::days(3 * 365)).date_naive().to_string();
    for date in ["9999-12-31", "0202-01-01", "1900-01-01", far.as_str()] {
        let moving =
            admin.post(&format!("/api/v1/residents/{}/move-out", resident.account), json!({ "on": date })).await;
        assert_eq!((moving.status, moving.body["error"]["details"]["field"].as_str()), (400, Some("on")), "{date}");
        let mut body = registration("dated.owner", "G-1");
        body["move_in"] = json!(date);
        let registered = admin.post("/api/v1/residents", body).await;
        assert_eq!(registered.body["error"]["details"]["field"].as_str(), Some("move_in"), "{date}: {registered:?}");
        let hired = admin
            .post(
                "/api/v1/staff",
                json!({"username": "dated.tech", "email": "dated.tech@estate.invalid", "display_name": "N",
                "password": "a long password", "employee_id": "D-1", "role": "plumber", "department": "D",
                "employment_status": "full_time", "hire_date": date}),
            )
            .await;
        assert_eq!(
            (hired.status, hired.body["error"]["details"]["field"].as_str()),
            (400, Some("hire_date")),
            "{date}"
        );
    }
    app.stop().await;
}
