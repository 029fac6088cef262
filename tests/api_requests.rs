//! A request's life over HTTP, as its residents and staff live it.

use futures::future::join_all;
use serde_json::json;

use crate::on_both_stores;
use crate::support::{Estate, Store, TestApp};
use khaki_domain::StaffRole;

on_both_stores!(
    a_request_goes_from_submission_to_rating_over_http,
    a_pinned_version_is_refused_once_the_request_moves_on,
    an_emergency_is_assigned_by_the_system_to_someone_on_duty,
    twenty_racing_assignments_over_http_give_one_success_and_name_the_limit,
    requests_are_found_by_ticket_and_bad_names_are_explained,
);

async fn a_request_goes_from_submission_to_rating_over_http(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (manager, plumber, resident, neighbour) = (
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Plumber).await,
        estate.resident().await,
        estate.resident().await,
    );
    let (fm, tech, me, other) = (
        app.sign_in_as(manager.account).await,
        app.sign_in_as(plumber.account).await,
        app.sign_in_as(resident.account).await,
        app.sign_in_as(neighbour.account).await,
    );

    let submitted = me.post("/api/v1/requests", json!({"title": "Tap leaking", "description": "Drips all night", "category": "Plumbing issue", "location": "Flat A-101"})).await;
    assert_eq!(submitted.status, 201, "{submitted:?}");
    let ticket = submitted.body["request"]["ticket"].as_str().expect("ticket").to_owned();
    assert!(ticket.starts_with("MNT-"), "{ticket}");
    assert_eq!(submitted.body["request"]["status"], "submitted");
    assert_eq!(submitted.body["request"]["priority"], 3, "the category's maximum by default");
    assert!(submitted.body["position"].as_i64().unwrap_or(0) > 0);
    assert_eq!(submitted.body["request"]["actions"], json!(["cancel", "comment"]));
    let path = format!("/api/v1/requests/{ticket}");

    assert_eq!(fm.act(&format!("{path}/acknowledge")).await.body["request"]["status"], "acknowledged");
    let assigned =
        fm.post(&format!("{path}/assign"), json!({"staff_id": plumber.account, "estimated_cost": "1500.00"})).await;
    assert_eq!(assigned.status, 200, "{assigned:?}");
    assert_eq!(assigned.body["request"]["assignee"]["id"], json!(plumber.account));
    assert_eq!(assigned.body["request"]["estimated_cost"], "1500.00");

    let refused = tech.post(&format!("{path}/assign"), json!({"staff_id": plumber.account})).await;
    assert_eq!((refused.status, refused.code()), (403, "not_allowed"));
    assert_eq!(refused.body["error"]["details"]["missing_permission"], "assign");

    assert_eq!(tech.act(&format!("{path}/start")).await.body["request"]["status"], "in_progress");
    assert_eq!(
        tech.post(&format!("{path}/comments"), json!({"text": "Washer worn; replacing", "internal": true}))
            .await
            .status,
        200
    );
    assert_eq!(tech.post(&format!("{path}/comments"), json!({"text": "On it"})).await.status, 200);
    let seen_by_resident = me.get(&path).await;
    let texts: Vec<&str> = seen_by_resident.body["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(texts, ["On it"], "internal comments are hidden from residents");
    assert_eq!(tech.get(&path).await.body["comments"].as_array().map(Vec::len), Some(2));
    assert_eq!(other.get(&path).await.status, 404, "another resident cannot see it at all");

    let resolved = tech.post(&format!("{path}/resolve"), json!({"actual_cost": "1450.50", "note": "New washer"})).await;
    assert_eq!((resolved.status, resolved.body["request"]["status"].as_str()), (200, Some("resolved")));
    assert_eq!(me.act(&format!("{path}/close")).await.body["request"]["status"], "closed");
    let rated = me.post(&format!("{path}/rate"), json!({"rating": 5, "feedback": "Quick and tidy"})).await;
    assert_eq!(rated.body["request"]["rating"], 5);
    let again = me.post(&format!("{path}/rate"), json!({"rating": 1})).await;
    assert_eq!((again.status, again.code()), (409, "already_rated"));
    let closed = me.post(&format!("{path}/reopen"), json!({"reason": "again"})).await;
    assert_eq!((closed.status, closed.code()), (409, "refused_transition"), "closed is final");
}

async fn a_pinned_version_is_refused_once_the_request_moves_on(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (manager, resident) = (estate.staff(StaffRole::FacilityManager).await, estate.resident().await);
    let (id, _) = estate.submit(&resident, "Painting").await;
    let fm = app.sign_in_as(manager.account).await;
    let path = format!("/api/v1/requests/{id}");
    let version = fm.get(&path).await.body["version"].as_u64().expect("version");
    let pinned = |v: u64| {
        fm.request(reqwest::Method::PATCH, &path).header("If-Match", v.to_string()).json(&json!({"priority": 1}))
    };
    let first = crate::support::http::Client::send(pinned(version)).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["version"], version + 1);
    let stale = crate::support::http::Client::send(pinned(version).json(&json!({"priority": 2}))).await;
    assert_eq!((stale.status, stale.code()), (412, "version_mismatch"));
    assert_eq!(fm.get(&path).await.body["priority"], 1, "the refused change was not made");
}

async fn an_emergency_is_assigned_by_the_system_to_someone_on_duty(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let _day_shift = estate.staff_with(StaffRole::Plumber, None, false).await;
    let on_duty = estate.staff_with(StaffRole::Plumber, None, true).await;
    let me = app.sign_in_as(resident.account).await;
    let submitted = me.post("/api/v1/requests", json!({"title": "Burst pipe", "description": "Water everywhere", "category": "Water leak / burst pipe", "location": "Flat A-101", "priority": 4})).await;
    assert_eq!(submitted.status, 201, "{submitted:?}");
    let answered = &submitted.body["request"];
    assert_eq!(
        (&answered["status"], &answered["assignee"]["id"]),
        (&json!("assigned"), &json!(on_duty.account)),
        "the answer is the request as the call left it: {submitted:?}"
    );
    let read = me.get(&format!("/api/v1/requests/{}", submitted.body["request"]["id"].as_str().expect("id"))).await;
    assert_eq!(read.body["status"], "assigned");
    assert_eq!(read.body["assignee"]["id"], json!(on_duty.account), "only the plumber available 24×7 qualifies");
    assert_eq!(read.body["assigned_by"]["name"], "Khaki Estate");
}

async fn twenty_racing_assignments_over_http_give_one_success_and_name_the_limit(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (manager, plumber, resident) = (
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Plumber).await,
        estate.resident().await,
    );
    let fm = app.sign_in_as(manager.account).await;
    let mut ids = Vec::new();
    for _ in 0..29 {
        ids.push(estate.submit(&resident, "Plumbing issue").await.0);
    }
    for id in &ids[..9] {
        assert_eq!(
            fm.post(&format!("/api/v1/requests/{id}/assign"), json!({"staff_id": plumber.account})).await.status,
            200
        );
    }
    let races = ids[9..].iter().map(|id| {
        let fm = fm.clone();
        let path = format!("/api/v1/requests/{id}/assign");
        async move { fm.post(&path, json!({"staff_id": plumber.account})).await }
    });
    let answers = join_all(races).await;
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 1);
    for refused in answers.iter().filter(|a| a.status != 200) {
        assert_eq!((refused.status, refused.code()), (422, "workload_limit_reached"), "{refused:?}");
        assert!(refused.body["error"]["message"].as_str().unwrap_or("").contains("limit is 10"));
    }
}

async fn requests_are_found_by_ticket_and_bad_names_are_explained(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (manager, resident) = (estate.staff(StaffRole::FacilityManager).await, estate.resident().await);
    let (id, ticket) = estate.submit(&resident, "Painting").await;
    let fm = app.sign_in_as(manager.account).await;
    assert_eq!(fm.get(&format!("/api/v1/requests/{ticket}")).await.body["id"], json!(id));
    assert_eq!(fm.get(&format!("/api/v1/requests/{id}")).await.body["ticket"], ticket.to_string());
    let unknown = fm.get("/api/v1/requests/MNT-2026-9999").await;
    assert_eq!((unknown.status, unknown.code()), (404, "not_found"));
    let malformed = fm.get("/api/v1/requests/not-a-ticket").await;
    assert_eq!((malformed.status, malformed.code()), (400, "invalid_request_id"));
    let nowhere = fm.get("/api/v1/nowhere").await;
    assert_eq!((nowhere.status, nowhere.code()), (404, "not_found"));
    let wrong_method = fm.delete(&format!("/api/v1/requests/{id}")).await;
    assert_eq!((wrong_method.status, wrong_method.code()), (405, "method_not_allowed"));
    assert_eq!(app.anonymous().get(&format!("/api/v1/requests/{id}")).await.status, 401);
}
