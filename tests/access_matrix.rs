//! SPEC §2 "who sees what" and the action table, through HTTP: every kind of caller against every
//! request endpoint, with the expected status written in one table. Each cell acts on a request
//! of its own, brought to the status the endpoint needs.

use khaki_commands::requests::{self, AssignTo};
use khaki_commands::residents;
use khaki_commands::{Origin, Rules};
use khaki_domain::resident::ResidentCommand;
use khaki_domain::{AccountId, Actor, RequestId, StaffRole};
use reqwest::Method;
use serde_json::{json, Value};

use crate::on_both_stores;
use crate::support::http::Client;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(every_caller_meets_every_request_endpoint_as_the_action_table_says);

const ROLES: [(StaffRole, &str); 8] = [
    (StaffRole::FacilityManager, "General maintenance"),
    (StaffRole::MaintenanceSupervisor, "General maintenance"),
    (StaffRole::Accountant, ""),
    (StaffRole::SecurityHead, "Security / access control"),
    (StaffRole::Electrician, "Electrical fault"),
    (StaffRole::Plumber, "Plumbing issue"),
    (StaffRole::Cleaner, "Housekeeping / common-area cleaning"),
    (StaffRole::Gardener, "Garden and landscaping"),
];

/// Columns: anonymous, submitter, another resident, committee member, administrator, then for
/// each role of [`ROLES`] (facility manager, maintenance supervisor, accountant, security head,
/// electrician, plumber, cleaner, gardener): as the assignee, as the assignee's supervisor, and
/// unrelated. An accountant takes no trade, so can never be an assignee (`---`).
const TABLE: [(&str, &str, &str); 16] = [
    ("GET /", "assigned",
     "401 200 404 404 404 | 200 200 200 | 200 200 200 | --- 200 404 | 200 200 404 | 200 200 404 | 200 200 404 | 200 200 404 | 200 200 404"),
    // With a cost, "manage finances" reads it too (the accountant opens what their dashboard
    // lists), and may still not act on it.
    ("GET /", "assigned with a cost",
     "401 200 404 404 404 | 200 200 200 | 200 200 200 | --- 200 200 | 200 200 404 | 200 200 404 | 200 200 404 | 200 200 404 | 200 200 404"),
    ("POST /unassign", "assigned with a cost",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 403 403 | 403 403 404 | 403 403 404 | 403 403 404 | 403 403 404 | 403 403 404"),
    ("POST /acknowledge", "submitted",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 404 404 | 403 404 404 | 403 404 404 | 403 403 403 | 403 404 404 | 403 404 404"),
    ("POST /assign", "acknowledged",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 404 404 | 403 404 404 | 403 404 404 | 403 403 403 | 403 404 404 | 403 404 404"),
    ("PATCH /", "acknowledged",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 404 404 | 403 404 404 | 403 404 404 | 403 403 403 | 403 404 404 | 403 404 404"),
    ("POST /unassign", "assigned",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 403 404 | 403 403 404 | 403 403 404 | 403 403 404 | 403 403 404 | 403 403 404"),
    ("POST /start", "assigned",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 403 404 | 200 403 404 | 200 403 404 | 200 403 404 | 200 403 404 | 200 403 404"),
    ("POST /hand-back", "in_progress",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 403 404 | 200 403 404 | 200 403 404 | 200 403 404 | 200 403 404 | 200 403 404"),
    ("POST /resolve", "in_progress",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 403 404 | 200 403 404 | 200 200 404 | 200 200 404 | 200 403 404 | 200 403 404"),
    ("POST /close", "resolved",
     "401 200 404 404 404 | 200 200 200 | 200 200 200 | --- 403 404 | 200 403 404 | 200 200 404 | 200 200 404 | 200 403 404 | 200 403 404"),
    ("POST /reopen", "resolved",
     "401 200 404 404 404 | 200 200 200 | 200 200 200 | --- 403 404 | 403 403 404 | 200 200 404 | 200 200 404 | 403 403 404 | 403 403 404"),
    ("POST /cancel", "assigned",
     "401 200 404 404 404 | 200 200 200 | 200 200 200 | --- 403 404 | 403 403 404 | 403 403 404 | 403 403 404 | 403 403 404 | 403 403 404"),
    ("POST /rate", "resolved",
     "401 200 404 404 404 | 403 403 403 | 403 403 403 | --- 403 404 | 403 403 404 | 403 403 404 | 403 403 404 | 403 403 404 | 403 403 404"),
    ("POST /comments", "assigned",
     "401 200 404 404 404 | 200 200 200 | 200 200 200 | --- 200 404 | 200 200 404 | 200 200 404 | 200 200 404 | 200 200 404 | 200 200 404"),
    ("POST /comments internal", "assigned",
     "401 403 404 404 404 | 200 200 200 | 200 200 200 | --- 200 404 | 200 200 404 | 200 200 404 | 200 200 404 | 200 200 404 | 200 200 404"),
];

/// Which request a column acts on: the base plumbing request held by `holder`, or a request of
/// the column's own trade held by the column's own staff member.
struct Column {
    name: String,
    caller: Option<Client>,
    category: &'static str,
    holder: AccountId,
    /// Who an `assign` in this column assigns to.
    assign_to: AccountId,
}

struct Cast {
    setup: Actor,
    resident: Actor,
}

async fn request_in(app: &TestApp, cast: &Cast, column: &Column, status: &str) -> RequestId {
    let estate_origin = |actor: &Actor| Origin::new(actor.clone());
    let new = Estate::new_request(column.category);
    let id = new.id;
    requests::submit(&app.log, &estate_origin(&cast.resident), new).await.expect("submitted");
    let (status, cost) = match status.strip_suffix(" with a cost") {
        Some(status) => (status, Some(khaki_domain::Rupees::parse("1500.00").expect("an amount"))),
        None => (status, None),
    };
    let steps = ["acknowledged", "assigned", "in_progress", "resolved"];
    let upto = steps.iter().position(|s| *s == status).map_or(0, |i| i + 1);
    let holder = crate::support::estate::actor_of(&app.log, column.holder).await;
    for step in &steps[..upto] {
        let done = match *step {
            "acknowledged" => requests::acknowledge(&app.log, &estate_origin(&cast.setup), id).await,
            "assigned" => {
                requests::assign(
                    &app.log,
                    &estate_origin(&cast.setup),
                    id,
                    AssignTo { staff: column.holder, due: None, estimated_cost: cost },
                )
                .await
            }
            "in_progress" => requests::start_work(&app.log, &estate_origin(&holder), id).await,
            _ => requests::resolve(&app.log, &estate_origin(&holder), id, None, None).await,
        };
        done.unwrap_or_else(|e| panic!("setting up '{status}' for {}: {e}", column.name));
    }
    id
}

async fn call(client: &Client, endpoint: &str, id: RequestId, assign_to: AccountId) -> u16 {
    let base = format!("/api/v1/requests/{id}");
    let (method, path, body): (Method, String, Option<Value>) = match endpoint {
        "GET /" => (Method::GET, base, None),
        "PATCH /" => (Method::PATCH, base, Some(json!({"priority": 1}))),
        "POST /assign" => (Method::POST, format!("{base}/assign"), Some(json!({"staff_id": assign_to}))),
        "POST /reopen" | "POST /cancel" => {
            (Method::POST, format!("{base}/{}", &endpoint[6..]), Some(json!({"reason": "because"})))
        }
        "POST /rate" => (Method::POST, format!("{base}/rate"), Some(json!({"rating": 4}))),
        "POST /comments" => (Method::POST, format!("{base}/comments"), Some(json!({"text": "hello"}))),
        "POST /comments internal" => {
            (Method::POST, format!("{base}/comments"), Some(json!({"text": "staff only", "internal": true})))
        }
        action => (Method::POST, format!("{base}/{}", &action[6..]), None),
    };
    let request = client.request(method, &path);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    Client::send(request).await.status
}

async fn every_caller_meets_every_request_endpoint_as_the_action_table_says(store: Store) {
    let app = TestApp::spawn_with(store, Rules { workload_limit: 100_000, ..Rules::default() }).await;
    let estate = Estate::new(&app.log).await;
    let setup = estate.staff(StaffRole::FacilityManager).await;
    let resident = estate.resident().await;
    let neighbour = estate.resident().await;
    let committee = estate.resident().await;
    residents::change(
        &app.log,
        &estate.as_admin(),
        committee.account,
        "set_committee",
        ResidentCommand::SetCommittee { member: true },
    )
    .await
    .expect("committee seat");
    let base_holder = estate.staff(StaffRole::Plumber).await.account;
    let other_plumber = estate.staff(StaffRole::Plumber).await.account;
    let base = |name: String, caller: Option<Client>, holder: AccountId| Column {
        name,
        caller,
        category: "Plumbing issue",
        holder,
        assign_to: other_plumber,
    };
    let mut columns = vec![
        base("anonymous".into(), Some(app.anonymous()), base_holder),
        base("submitter".into(), Some(app.sign_in_as(resident.account).await), base_holder),
        base("another resident".into(), Some(app.sign_in_as(neighbour.account).await), base_holder),
        base("committee member".into(), Some(app.sign_in_as(committee.account).await), base_holder),
        base("administrator".into(), Some(app.sign_in("estate.warden").await), base_holder),
    ];
    for (role, trade_category) in ROLES {
        let assignee = if trade_category.is_empty() { None } else { Some(estate.staff(role).await) };
        columns.push(match assignee {
            Some(assignee) => Column {
                name: format!("{role} as assignee"),
                caller: Some(app.sign_in_as(assignee.account).await),
                category: trade_category,
                holder: assignee.account,
                assign_to: assignee.account,
            },
            None => Column {
                name: format!("{role} as assignee"),
                caller: None,
                category: "",
                holder: base_holder,
                assign_to: base_holder,
            },
        });
        let supervisor = estate.staff(role).await;
        let supervised = estate.staff_with(StaffRole::Plumber, Some(supervisor.account), true).await;
        columns.push(base(
            format!("{role} supervising the assignee"),
            Some(app.sign_in_as(supervisor.account).await),
            supervised.account,
        ));
        let unrelated = estate.staff(role).await;
        columns.push(base(format!("unrelated {role}"), Some(app.sign_in_as(unrelated.account).await), base_holder));
    }
    let cast = Cast { setup, resident };
    let mut mismatches: Vec<String> = Vec::new();
    let mut exercised = 0;
    for (endpoint, status, row) in TABLE {
        let expected: Vec<&str> = row.split_whitespace().filter(|cell| *cell != "|").collect();
        assert_eq!(expected.len(), columns.len(), "row '{endpoint}' has one cell per caller");
        for (column, expected) in columns.iter().zip(expected) {
            let Some(client) = &column.caller else {
                assert_eq!(expected, "---", "{endpoint}: {} cannot exist", column.name);
                continue;
            };
            let id = request_in(&app, &cast, column, status).await;
            let got = call(client, endpoint, id, column.assign_to).await;
            exercised += 1;
            if got.to_string() != expected {
                mismatches.push(format!(
                    "{endpoint} on a {status} request by {}: expected {expected}, got {got}",
                    column.name
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{} of {exercised} cells differ:\n{}", mismatches.len(), mismatches.join("\n"));
    assert_eq!(exercised, TABLE.len() * (columns.len() - 1));
}
