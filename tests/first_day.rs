//! What a first user meets in the answers: figures that mean what they say right after a command,
//! no candidates offered for a request with nothing to assign, ratings as averages, and refusals
//! that read as a person writes them.

use khaki_domain::StaffRole;
use serde_json::json;

use crate::on_both_stores;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    a_workload_read_right_after_assignments_counts_them,
    suitable_staff_show_average_ratings_and_nothing_for_a_closed_request,
    a_refusal_names_the_role_with_its_article,
    money_is_rupees_with_two_places_in_every_answer,
    a_query_string_that_does_not_parse_answers_in_our_error_shape
);

async fn a_workload_read_right_after_assignments_counts_them(store: Store) {
    let app = TestApp::spawn(store).await;
    let _runner = app.start_runner();
    let estate = Estate::new(&app.log).await;
    let (manager, plumber, resident) = (
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Plumber).await,
        estate.resident().await,
    );
    let fm = app.sign_in_as(manager.account).await;
    let mut position = 0;
    for _ in 0..10 {
        let (id, _) = estate.submit(&resident, "Plumbing issue").await;
        let assigned = fm.post(&format!("/api/v1/requests/{id}/assign"), json!({"staff_id": plumber.account})).await;
        assert_eq!(assigned.status, 200, "{assigned:?}");
        position = assigned.body["position"].as_i64().expect("a position");
    }
    let workload =
        fm.get_caught_up(&format!("/api/v1/staff/{}/workload?min_position={position}", plumber.account)).await;
    assert_eq!(workload.status, 200, "{workload:?}");
    assert_eq!(workload.body["open_assignments"], 10, "the ten assignments just made: {workload:?}");
}

async fn suitable_staff_show_average_ratings_and_nothing_for_a_closed_request(store: Store) {
    let app = TestApp::spawn(store).await;
    let _runner = app.start_runner();
    let estate = Estate::new(&app.log).await;
    let (manager, plumber, resident) = (
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Plumber).await,
        estate.resident().await,
    );
    let fm = app.sign_in_as(manager.account).await;
    let me = app.sign_in_as(resident.account).await;
    let mut last = 0;
    for stars in [4, 5] {
        let (id, _) = estate.submit(&resident, "Plumbing issue").await;
        assert_eq!(
            fm.post(&format!("/api/v1/requests/{id}/assign"), json!({"staff_id": plumber.account})).await.status,
            200
        );
        let plumber_client = app.sign_in_as(plumber.account).await;
        assert_eq!(plumber_client.act(&format!("/api/v1/requests/{id}/start")).await.status, 200);
        assert_eq!(plumber_client.post(&format!("/api/v1/requests/{id}/resolve"), json!({})).await.status, 200);
        assert_eq!(me.act(&format!("/api/v1/requests/{id}/close")).await.status, 200);
        let rated = me.post(&format!("/api/v1/requests/{id}/rate"), json!({"rating": stars})).await;
        assert_eq!(rated.status, 200, "{rated:?}");
        last = rated.body["position"].as_i64().expect("position");
        let closed = fm.get(&format!("/api/v1/requests/{id}/suitable-staff")).await;
        assert_eq!((closed.status, closed.code()), (409, "nothing_to_assign"), "{closed:?}");
    }
    let (open, _) = estate.submit(&resident, "Plumbing issue").await;
    // The directory has caught up with the ratings once the staff list has.
    assert_eq!(fm.get_caught_up(&format!("/api/v1/staff?min_position={last}")).await.status, 200);
    let suitable = fm.get(&format!("/api/v1/requests/{open}/suitable-staff")).await;
    assert_eq!(suitable.status, 200, "{suitable:?}");
    let row = suitable.body["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["staff"] == json!(plumber.account)))
        .cloned()
        .expect("the plumber is suitable");
    assert_eq!((&row["average_rating"], &row["rating_count"]), (&json!(4.5), &json!(2)), "{row}");
    assert!(row.get("rating_sum").is_none(), "the sum is the ranking's, not what people read: {row}");
}

async fn a_refusal_names_the_role_with_its_article(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (manager, electrician, resident) = (
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Electrician).await,
        estate.resident().await,
    );
    let fm = app.sign_in_as(manager.account).await;
    let (id, _) = estate.submit(&resident, "Plumbing issue").await;
    let refused = fm.post(&format!("/api/v1/requests/{id}/assign"), json!({"staff_id": electrician.account})).await;
    assert_eq!(refused.status, 422, "{refused:?}");
    let message = refused.body["error"]["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("an electrician cannot take plumbing work"), "{message}");
}

/// Every number whose name says it is money (a cost, an estimate, a variance).
fn money_numbers(value: &serde_json::Value, path: &str, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, inner) in fields {
                let here = format!("{path}.{key}");
                let money = ["cost", "estimated", "actual", "variance"].iter().any(|w| key.contains(w));
                if money && inner.is_number() && !key.starts_with("with_") && key != "costed" {
                    found.push(format!("{here} = {inner}"));
                }
                money_numbers(inner, &here, found);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| money_numbers(item, path, found)),
        _ => {}
    }
}

async fn money_is_rupees_with_two_places_in_every_answer(store: Store) {
    let app = TestApp::spawn(store).await;
    let _runner = app.start_runner();
    let estate = Estate::new(&app.log).await;
    let (manager, plumber, accountant, resident) = (
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Plumber).await,
        estate.staff(StaffRole::Accountant).await,
        estate.resident().await,
    );
    let fm = app.sign_in_as(manager.account).await;
    let tech = app.sign_in_as(plumber.account).await;
    let books = app.sign_in_as(accountant.account).await;
    let (id, _) = estate.submit(&resident, "Plumbing issue").await;
    let path = format!("/api/v1/requests/{id}");
    let assigned =
        fm.post(&format!("{path}/assign"), json!({"staff_id": plumber.account, "estimated_cost": "1000.00"})).await;
    assert_eq!(assigned.status, 200, "{assigned:?}");
    assert_eq!(tech.act(&format!("{path}/start")).await.status, 200);
    let resolved = tech.post(&format!("{path}/resolve"), json!({"actual_cost": "1450.50"})).await;
    assert_eq!(resolved.status, 200, "{resolved:?}");
    let fresh = format!("min_position={}", resolved.body["position"]);

    let list = fm.get_caught_up(&format!("/api/v1/requests?{fresh}")).await;
    assert_eq!(
        (&list.body["requests"][0]["estimated_cost"], &list.body["requests"][0]["actual_cost"]),
        (&json!("1000.00"), &json!("1450.50")),
        "{list:?}"
    );
    let dashboard = books.get_caught_up(&format!("/api/v1/dashboards/accountant?{fresh}")).await;
    assert_eq!(dashboard.status, 200, "{dashboard:?}");
    let analytics = fm.get_caught_up(&format!("/api/v1/analytics?{fresh}")).await;
    assert_eq!(analytics.body["cost"]["variance"], json!("450.50"), "{analytics:?}");
    let mut found = Vec::new();
    for (what, answer) in
        [("list", &list), ("accountant", &dashboard), ("analytics", &analytics), ("command", &resolved)]
    {
        money_numbers(&answer.body, what, &mut found);
    }
    assert!(found.is_empty(), "money shown as a bare number: {found:?}");
    assert!(dashboard.body.to_string().contains("\"1450.50\""), "{dashboard:?}");
}

async fn a_query_string_that_does_not_parse_answers_in_our_error_shape(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let (id, _) = estate.submit(&resident, "Plumbing issue").await;
    let auditor = app.sign_in_as(estate.auditor().await).await;
    for (path, field) in [
        ("/api/v1/audit/events?limit=abc".to_owned(), "limit"),
        (format!("/api/v1/requests/{id}/history?after=abc"), "after"),
        ("/api/v1/audit/requests?status=assigned&as_of=x".to_owned(), "as_of"),
        ("/api/v1/audit/requests?as_of=2026-01-01T00:00:00Z".to_owned(), "status"),
    ] {
        let answer = auditor.get(&path).await;
        let field_named = answer.body["error"]["details"]["field"].as_str();
        assert_eq!(
            (answer.status, answer.code(), field_named),
            (400, "invalid_input", Some(field)),
            "{path}: {answer:?}"
        );
        assert_eq!(answer.headers["content-type"], "application/json", "{path}");
    }
}
