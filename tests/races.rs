//! Assignment races over HTTP, across two servers on one database: many assigns and unassigns of
//! one request at once are each either done or refused with a 4xx (a lost race is retried or a
//! conflict, never a 500), and afterwards the ledger's holdings and workloads are exactly what
//! folding the log gives.

use std::collections::BTreeMap;

use futures::future::join_all;
use khaki_domain::request::MaintenanceRequest;
use khaki_domain::{AccountId, Actor, RequestId, StaffRole};
use khaki_migrations::with_pool;
use serde_json::json;
use uuid::Uuid;

use crate::on_both_stores;
use crate::support::http::Client;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(racing_assigns_and_unassigns_never_fail_and_leave_the_ledger_as_the_log_says);

async fn racing_assigns_and_unassigns_never_fail_and_leave_the_ledger_as_the_log_says(store: Store) {
    let app = TestApp::spawn(store).await;
    let second = app.spawn_second().await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let plumbers: Vec<Actor> =
        vec![estate.staff(StaffRole::Plumber).await, estate.staff(StaffRole::Plumber).await, manager.clone()];
    let one = app.sign_in_as(manager.account).await;
    let two = Client::at(&second, one.token.clone());
    let managers = [one, two];
    let mut requests = Vec::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();

    for round in 0..4 {
        // Nine simultaneous assigns of one request to three people, half through each server.
        let (request, _) = estate.submit(&resident, "Plumbing issue").await;
        requests.push(request);
        let assigns = (0..9).map(|n| {
            let client = managers[n % 2].clone();
            let staff = plumbers[n % 3].account;
            async move { client.post(&format!("/api/v1/requests/{request}/assign"), json!({ "staff_id": staff })).await }
        });
        for answer in join_all(assigns).await {
            assert!(answer.status < 500, "round {round}: an assign answered {answer:?}");
            *statuses.entry(answer.status).or_default() += 1;
        }

        // Four assigns and four unassigns of another request, already assigned, all at once.
        let (request, _) = estate.submit(&resident, "Plumbing issue").await;
        requests.push(request);
        let assigned = managers[0]
            .post(&format!("/api/v1/requests/{request}/assign"), json!({ "staff_id": plumbers[0].account }))
            .await;
        assert_eq!(assigned.status, 200, "{assigned:?}");
        let mixed = (0..8).map(|n| {
            let client = managers[n % 2].clone();
            let staff = plumbers[(n / 2) % 3].account;
            async move {
                if n % 2 == 0 {
                    client.post(&format!("/api/v1/requests/{request}/assign"), json!({ "staff_id": staff })).await
                } else {
                    client.post(&format!("/api/v1/requests/{request}/unassign"), json!({})).await
                }
            }
        });
        for answer in join_all(mixed).await {
            assert!(answer.status < 500, "round {round}: an assign or unassign answered {answer:?}");
            *statuses.entry(answer.status).or_default() += 1;
        }
    }
    println!("assign/unassign race answers by status: {statuses:?}");
    assert!(statuses.get(&200).is_some_and(|n| *n >= requests.len()), "each request was assigned: {statuses:?}");

    assert_ledger_is_the_fold_of_the_log(&app, &requests, &plumbers).await;
    app.stop().await;
}

/// Who holds each request, and each staff member's workload, in the ledger and by the log.
async fn assert_ledger_is_the_fold_of_the_log(app: &TestApp, requests: &[RequestId], staff: &[Actor]) {
    let db = app.log.database();
    let mut held_by_log: BTreeMap<Uuid, AccountId> = BTreeMap::new();
    for id in requests {
        let loaded = app.log.load::<MaintenanceRequest>(&id.to_string()).await.expect("loads");
        if let Some(holder) = loaded.state.open_holder() {
            held_by_log.insert(id.as_uuid(), holder);
        }
    }
    let held_in_ledger: Vec<(Uuid, Uuid)> =
        with_pool!(db, |pool| sqlx::query_as("SELECT request_id, staff_id FROM request_holdings ORDER BY request_id")
            .fetch_all(pool)
            .await)
        .expect("readable");
    let held_in_ledger: BTreeMap<Uuid, AccountId> =
        held_in_ledger.into_iter().map(|(request, staff)| (request, AccountId::from_uuid(staff))).collect();
    assert_eq!(held_in_ledger, held_by_log, "request_holdings is what the log says");
    for member in staff {
        let by_log = held_by_log.values().filter(|holder| **holder == member.account).count() as i64;
        let in_ledger: i64 = with_pool!(db, |pool| sqlx::query_scalar(
            "SELECT CAST(open_assignments AS BIGINT) FROM staff_ledger WHERE staff_id = $1"
        )
        .bind(member.account.as_uuid())
        .fetch_one(pool)
        .await)
        .expect("ledger row");
        assert_eq!(in_ledger, by_log, "{}'s workload in the ledger is the log's", member.account);
    }
}
