//! Staff management over HTTP: onboarding, roles and flags, diagnostics, the reporting chain,
//! bulk operations, and staff keeping their own availability.

use khaki_domain::StaffRole;
use serde_json::json;
use uuid::Uuid;

use crate::on_both_stores;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    a_staff_member_is_onboarded_managed_and_diagnosed_over_http,
    bulk_operations_report_on_each_member,
    staff_see_and_set_their_own_record_but_not_others,
);

fn onboarding(username: &str, employee_id: &str, role: &str) -> serde_json::Value {
    json!({"username": username, "email": format!("{username}@estate.invalid"), "display_name": "Ravi Menon", "phone": "+919830400001",
           "password": "a long password", "employee_id": employee_id, "role": role, "department": "Estate services",
           "employment_status": "full_time", "hire_date": "2025-04-01"})
}

async fn a_staff_member_is_onboarded_managed_and_diagnosed_over_http(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let admin = app.sign_in("estate.warden").await;
    let made = admin.post("/api/v1/staff", onboarding("ravi.menon", "emp-901", "electrician")).await;
    assert_eq!(made.status, 201, "{made:?}");
    assert_eq!(made.body["staff"]["employee_id"], "EMP-901");
    assert_eq!(made.body["staff"]["permissions"], json!(["close"]), "the role's defaults");
    let id = made.body["staff"]["id"].as_str().expect("id").to_owned();
    let duplicate = admin.post("/api/v1/staff", onboarding("someone.else", "EMP-901", "plumber")).await;
    assert_eq!((duplicate.status, duplicate.code()), (409, "duplicate"));
    assert_eq!(duplicate.body["error"]["details"]["field"], "employee_id");
    let mut same_name = onboarding("Ravi.Menon", "EMP-902", "plumber");
    same_name["email"] = json!("another.address@estate.invalid");
    let taken = admin.post("/api/v1/staff", same_name).await;
    assert_eq!(taken.body["error"]["details"]["field"], "username");

    let promoted = admin.post(&format!("/api/v1/staff/{id}/role"), json!({"role": "maintenance_supervisor"})).await;
    assert_eq!(promoted.body["staff"]["role"], "maintenance_supervisor");
    assert_eq!(promoted.body["staff"]["permissions"], json!(["close"]), "flags stay unless a reset is asked");
    assert_eq!(promoted.body["staff"]["permissions_missing_from_role"], json!(["access_all_requests", "assign"]));
    let diagnosed = admin.get("/api/v1/staff/diagnostics").await;
    let listed: Vec<&str> =
        diagnosed.body.as_array().expect("list").iter().filter_map(|d| d["employee_id"].as_str()).collect();
    assert_eq!(listed, ["EMP-901"]);
    let granted =
        admin.post(&format!("/api/v1/staff/{id}/permissions"), json!({"permission": "assign", "granted": true})).await;
    assert_eq!(granted.body["staff"]["permissions"], json!(["assign", "close"]));
    let reset = admin.act(&format!("/api/v1/staff/{id}/reset-permissions")).await;
    assert_eq!(reset.body["staff"]["permissions"], json!(["access_all_requests", "assign", "close"]));
    assert_eq!(admin.get("/api/v1/staff/diagnostics").await.body, json!([]));

    let boss = estate.staff(StaffRole::FacilityManager).await;
    let supervised =
        admin.post(&format!("/api/v1/staff/{id}/supervisor"), json!({"supervisor_id": boss.account})).await;
    assert_eq!(supervised.body["staff"]["supervisor"]["id"], json!(boss.account));
    let cycle = admin.post(&format!("/api/v1/staff/{}/supervisor", boss.account), json!({"supervisor_id": id})).await;
    assert_eq!((cycle.status, cycle.code()), (422, "supervisor_cycle"));
    let unknown = admin.post(&format!("/api/v1/staff/{id}/role"), json!({"role": "astronaut"})).await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body["error"]["message"].as_str().unwrap_or("").contains("facility_manager"),
        "the choices are listed"
    );
}

async fn bulk_operations_report_on_each_member(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let (a, b) = (estate.staff(StaffRole::Cleaner).await, estate.staff(StaffRole::Gardener).await);
    let fm = app.sign_in_as(manager.account).await;
    let resident = estate.resident().await;
    let (request, _) = estate.submit(&resident, "Housekeeping / common-area cleaning").await;
    assert_eq!(
        fm.post(&format!("/api/v1/requests/{request}/assign"), json!({"staff_id": a.account})).await.status,
        200
    );
    let nobody = Uuid::new_v4();
    let answer = fm.post("/api/v1/staff/bulk/deactivate", json!({"staff_ids": [a.account, b.account, nobody]})).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let results = answer.body["results"].as_array().expect("results");
    assert_eq!(results[0]["outcome"], "changed");
    assert_eq!(results[0]["returned_requests"], json!([request]));
    assert_eq!(results[1]["outcome"], "changed");
    assert_eq!((results[2]["outcome"].as_str(), results[2]["error"]["status"].as_u64()), (Some("refused"), Some(404)));
    let again = fm.post("/api/v1/staff/bulk/deactivate", json!({"staff_ids": [a.account]})).await;
    assert_eq!(again.body["results"][0]["outcome"], "unchanged");
    assert_eq!(fm.get(&format!("/api/v1/requests/{request}")).await.body["status"], "acknowledged");
    let back = fm.post("/api/v1/staff/bulk/activate", json!({"staff_ids": [a.account, b.account]})).await;
    assert!(back.body["results"].as_array().expect("results").iter().all(|r| r["outcome"] == "changed"));
    let wrong = fm.post("/api/v1/staff/bulk/promote", json!({"staff_ids": []})).await;
    assert_eq!(wrong.status, 404);
    let plumber = app.sign_in_as(estate.staff(StaffRole::Plumber).await.account).await;
    assert_eq!(plumber.post("/api/v1/staff/bulk/activate", json!({"staff_ids": [a.account]})).await.status, 403);
}

async fn staff_see_and_set_their_own_record_but_not_others(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (me, colleague) = (estate.staff(StaffRole::Plumber).await, estate.staff(StaffRole::Plumber).await);
    let client = app.sign_in_as(me.account).await;
    assert_eq!(client.get(&format!("/api/v1/staff/{}", me.account)).await.status, 200);
    assert_eq!(client.get(&format!("/api/v1/staff/{}", colleague.account)).await.status, 404);
    let mine = client
        .put(
            &format!("/api/v1/staff/{}/availability", me.account),
            json!({"available_24x7": true, "schedule": "Nights"}),
        )
        .await;
    assert_eq!((mine.status, mine.body["staff"]["schedule"].as_str()), (200, Some("Nights")));
    let quiet = client
        .put(
            &format!("/api/v1/staff/{}/notifications", me.account),
            json!({"email": false, "sms": true, "urgent_only": true}),
        )
        .await;
    assert_eq!(quiet.body["staff"]["notifications"]["urgent_only"], true);
    let theirs = client
        .put(&format!("/api/v1/staff/{}/availability", colleague.account), json!({"available_24x7": false}))
        .await;
    assert_eq!(theirs.status, 403);
    let promote_self =
        client.post(&format!("/api/v1/staff/{}/role", me.account), json!({"role": "facility_manager"})).await;
    assert_eq!(promote_self.status, 403);
}
