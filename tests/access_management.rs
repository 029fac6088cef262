//! Staff, resident, roster and session endpoints against every kind of caller, with the expected
//! statuses in one table: staff management is for administrators and facility managers, a staff
//! member or resident may keep their own record, and everyone may see and end their own session.

use khaki_domain::{AccountId, StaffRole};
use reqwest::Method;
use serde_json::{json, Value};

use crate::on_both_stores;
use crate::support::http::Client;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(every_caller_meets_every_management_endpoint_as_the_rules_say);

/// Columns: anonymous, the resident concerned, another resident, committee member,
/// administrator, facility manager, maintenance supervisor, accountant, security head,
/// electrician, another plumber, cleaner, gardener, the staff member concerned (a plumber).
const TABLE: [(&str, &str); 23] = [
    ("GET /staff/T", "401 404 404 404 200 200 404 404 404 404 404 404 404 200"),
    ("POST /staff", "401 403 403 403 201 201 403 403 403 403 403 403 403 403"),
    ("POST /staff/T/role", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /staff/T/permissions", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /staff/T/reset-permissions", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /staff/T/supervisor", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /staff/T/department", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /staff/T/employment", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("PUT /staff/T/availability", "401 403 403 403 200 200 403 403 403 403 403 403 403 200"),
    ("PUT /staff/T/notifications", "401 403 403 403 200 200 403 403 403 403 403 403 403 200"),
    ("POST /staff/T/activate", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /staff/T/deactivate", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /staff/bulk/activate", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("GET /staff/diagnostics", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /residents", "401 403 403 403 201 201 403 403 403 403 403 403 403 403"),
    ("GET /residents/R", "401 200 404 404 200 200 404 404 404 404 404 404 404 404"),
    ("PUT /residents/R/contact", "401 200 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("PUT /residents/R/notifications", "401 200 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /residents/R/committee", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /residents/R/move-out", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("POST /roster", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
    ("GET /me", "401 200 200 200 200 200 200 200 200 200 200 200 200 200"),
    ("DELETE /session", "401 204 204 204 204 204 204 204 204 204 204 204 204 204"),
];

/// Who calls in a column: nobody, a fixed account, or the resident or staff member the cell is
/// about (made afresh for every cell).
enum Caller {
    Anonymous,
    Account(AccountId),
    ResidentConcerned,
    StaffConcerned,
}

fn body_for(endpoint: &str, cell: u32, supervisor: AccountId, staff: AccountId) -> Option<Value> {
    let unique = format!("cell{cell}");
    Some(match endpoint {
        "POST /staff" => {
            json!({"username": unique, "email": format!("{unique}@estate.invalid"), "display_name": "New", "password": "a long password",
                               "employee_id": unique, "role": "cleaner", "department": "D", "employment_status": "part_time", "hire_date": "2025-01-01"})
        }
        "POST /staff/T/role" => json!({"role": "electrician"}),
        "POST /staff/T/permissions" => json!({"permission": "assign", "granted": true}),
        "POST /staff/T/supervisor" => json!({"supervisor_id": supervisor}),
        "POST /staff/T/department" => json!({"department": "Night shift"}),
        "POST /staff/T/employment" => json!({"employment_status": "contract"}),
        "PUT /staff/T/availability" => json!({"available_24x7": true}),
        "PUT /staff/T/notifications" | "PUT /residents/R/notifications" => {
            json!({"email": false, "sms": true, "urgent_only": true})
        }
        "POST /staff/bulk/activate" => json!({"staff_ids": [staff]}),
        "POST /residents" => {
            json!({"username": unique, "email": format!("{unique}@estate.invalid"), "display_name": "New", "password": "a long password",
                                   "flat": format!("Q-{cell}"), "resident_type": "owner", "move_in": "2025-01-01"})
        }
        "PUT /residents/R/contact" => json!({"phone": "+919830400000"}),
        "POST /residents/R/committee" => json!({"member": true}),
        "POST /residents/R/move-out" => json!({"on": "2026-06-30"}),
        _ => return None,
    })
}

async fn every_caller_meets_every_management_endpoint_as_the_rules_say(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let supervisor = estate.staff(StaffRole::FacilityManager).await.account;
    let mut columns: Vec<(String, Caller)> = vec![
        ("anonymous".into(), Caller::Anonymous),
        ("the resident concerned".into(), Caller::ResidentConcerned),
        ("another resident".into(), Caller::Account(estate.resident().await.account)),
    ];
    let committee = estate.resident().await.account;
    khaki_commands::residents::change(
        &app.log,
        &estate.as_admin(),
        committee,
        "set_committee",
        khaki_domain::resident::ResidentCommand::SetCommittee { member: true },
    )
    .await
    .expect("committee seat");
    columns.push(("committee member".into(), Caller::Account(committee)));
    columns.push(("administrator".into(), Caller::Account(estate.admin.account)));
    for role in [
        StaffRole::FacilityManager,
        StaffRole::MaintenanceSupervisor,
        StaffRole::Accountant,
        StaffRole::SecurityHead,
        StaffRole::Electrician,
        StaffRole::Plumber,
        StaffRole::Cleaner,
        StaffRole::Gardener,
    ] {
        columns.push((role.to_string(), Caller::Account(estate.staff(role).await.account)));
    }
    columns.push(("the staff member concerned".into(), Caller::StaffConcerned));
    let roster = "Ser No,Flat No,Name of Owners,Phone No,E-mail Id\nBLOCK-W,,,,\n1,101,SHRI A B,9830425757,\n";
    let mut mismatches = Vec::new();
    let mut cell = 0;
    for (endpoint, row) in TABLE {
        let expected: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(expected.len(), columns.len(), "{endpoint}");
        for ((who, caller), expected) in columns.iter().zip(expected) {
            cell += 1;
            let staff = estate.staff(StaffRole::Plumber).await.account;
            let resident = estate.resident().await.account;
            // A fresh session per cell: signing out ends the one it is sent with.
            let client = match caller {
                Caller::Anonymous => app.anonymous(),
                Caller::Account(id) => app.sign_in_as(*id).await,
                Caller::ResidentConcerned => app.sign_in_as(resident).await,
                Caller::StaffConcerned => app.sign_in_as(staff).await,
            };
            let (method, path) = endpoint.split_once(' ').expect("method and path");
            let path =
                format!("/api/v1{}", path.replace("/T", &format!("/{staff}")).replace("/R", &format!("/{resident}")));
            let method: Method = method.parse().expect("method");
            let request = client.request(method, &path);
            let request = match (endpoint, body_for(endpoint, cell, supervisor, staff)) {
                ("POST /roster", _) => request.header("content-type", "text/csv").body(roster),
                (_, Some(body)) => request.json(&body),
                (_, None) => request,
            };
            let got = Client::send(request).await.status;
            if got.to_string() != expected {
                mismatches.push(format!("{endpoint} by {who}: expected {expected}, got {got}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{} of {cell} cells differ:\n{}", mismatches.len(), mismatches.join("\n"));
}
