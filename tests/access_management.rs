//! Staff, resident, roster and session endpoints against every kind of caller, with the expected
//! statuses in one table: staff management is for administrators and facility managers, a staff
//! member or resident may keep their own record, and everyone may see and end their own session.

use khaki_commands::accounts::{active_administrators, change_account, erase, open_account, AccountChange};
use khaki_commands::{CommandError, Origin, Refusal};
use khaki_domain::account::AccountRefusal;
use khaki_domain::{AccountId, StaffRole};
use reqwest::Method;
use serde_json::{json, Value};

use crate::on_both_stores;
use crate::support::estate::account_named;
use crate::support::http::Client;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    every_caller_meets_every_management_endpoint_as_the_rules_say,
    the_estate_always_keeps_an_administrator_who_can_act,
);

/// Columns: anonymous, the resident concerned, another resident, committee member,
/// administrator, facility manager, maintenance supervisor, accountant, security head,
/// electrician, another plumber, cleaner, gardener, the staff member concerned (a plumber).
const TABLE: [(&str, &str); 24] = [
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
    ("GET /roster", "401 403 403 403 200 200 403 403 403 403 403 403 403 403"),
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

fn last_administrator<T: std::fmt::Debug>(outcome: &Result<T, CommandError>) -> bool {
    matches!(outcome, Err(CommandError::Refused(Refusal::Account(AccountRefusal::LastAdministrator))))
}

/// An administrator may not make themself an auditor (read-only for good, with nobody able to
/// undo it), and the last administrator who can act is never deactivated, demoted, made an
/// auditor or erased: not over HTTP, not from the command line, not by two at once.
async fn the_estate_always_keeps_an_administrator_who_can_act(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let warden = app.sign_in("estate.warden").await;
    let me = estate.admin.account;
    let auditor_of = |id: AccountId| format!("/api/v1/accounts/{id}/auditor");

    let own = warden.post(&auditor_of(me), json!({"auditor": true})).await;
    assert_eq!((own.status, own.code()), (403, "self_auditor"), "{own:?}");
    assert_eq!(warden.get("/api/v1/me").await.body["auditor"], false, "still able to act");

    // Another administrator may be made an auditor, and is read-only until given the right back.
    let deputy = account_named("deputy.warden");
    open_account(&app.log, &Origin::system(), &deputy, true).await.expect("second administrator");
    let granted = warden.post(&auditor_of(deputy.id), json!({"auditor": true})).await;
    assert_eq!((granted.status, granted.body["auditor"].as_bool()), (200, Some(true)), "{granted:?}");
    let read_only = app.sign_in("deputy.warden").await;
    assert_eq!(read_only.post(&auditor_of(deputy.id), json!({"auditor": false})).await.status, 403);

    // The warden is now the only administrator who can act: whoever asks, they stay one.
    for change in [AccountChange::Deactivate, AccountChange::SetAdministrator(false), AccountChange::SetAuditor(true)] {
        let refused = change_account(&app.log, &Origin::system(), me, change).await;
        assert!(last_administrator(&refused), "{change:?}: {refused:?}");
    }
    let erased = erase(&app.log, &Origin::system(), me).await;
    assert!(last_administrator(&erased), "{erased:?}");
    assert_eq!(warden.get("/api/v1/me").await.status, 200, "the warden's account is untouched");

    // With the deputy able to act again, the warden may step down.
    let returned = warden.post(&auditor_of(deputy.id), json!({"auditor": false})).await;
    assert_eq!((returned.status, returned.body["auditor"].as_bool()), (200, Some(false)), "{returned:?}");
    change_account(&app.log, &Origin::system(), me, AccountChange::SetAdministrator(false))
        .await
        .expect("stepped down");
    change_account(&app.log, &Origin::system(), me, AccountChange::SetAdministrator(true)).await.expect("back");

    // Two administrators taking each other's right at the same moment: one of them keeps it.
    let (by_warden, by_deputy) = (Origin::new(estate.actor(me).await), Origin::new(estate.actor(deputy.id).await));
    let (first, second) = tokio::join!(
        change_account(&app.log, &by_warden, deputy.id, AccountChange::SetAdministrator(false)),
        change_account(&app.log, &by_deputy, me, AccountChange::SetAdministrator(false)),
    );
    assert_eq!(
        [&first, &second].iter().filter(|o| o.is_ok()).count(),
        1,
        "exactly one steps down: {first:?} / {second:?}"
    );
    assert!(last_administrator(&first) || last_administrator(&second), "{first:?} / {second:?}");
    let acting = active_administrators(app.log.database()).await.expect("readable");
    assert_eq!(acting.iter().filter(|a| !a.auditor).count(), 1, "{acting:?}");
}
