//! Two `khaki serve` processes on one database, as a deployment runs them: the rules hold across
//! both (ticket numbers, the workload limit), neither gives a kept dashboard answer once the read
//! models have moved, and a stopped process finishes what it had begun.

use std::time::Duration;

use futures::future::join_all;
use khaki_commands::{EventLog, Rules};
use khaki_domain::StaffRole;
use serde_json::json;

use crate::on_both_stores;
use crate::support::app::TestDatabase;
use crate::support::estate::ESTATE_PASSWORD;
use crate::support::http::Client;
use crate::support::process::serve;
use crate::support::{Estate, Store};

on_both_stores!(two_server_processes_keep_ticket_numbers_and_workloads_right);

async fn sign_in(base: &str, username: &str) -> Client {
    let anyone = Client::at(base, None);
    let answer = anyone.post("/api/v1/session", json!({"username": username, "password": ESTATE_PASSWORD})).await;
    Client::at(base, answer.body["token"].as_str().map(str::to_owned))
}

async fn two_server_processes_keep_ticket_numbers_and_workloads_right(store: Store) {
    let database = TestDatabase::create(store).await;
    let log = EventLog::new(database.open().await, Rules::default());
    let estate = Estate::new(&log).await;
    let resident = estate.resident().await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let plumber = estate.staff(StaffRole::Plumber).await;
    let usernames: Vec<String> = {
        let db = log.database();
        let mut names = Vec::new();
        for id in [resident.account, manager.account] {
            names.push(
                khaki_migrations::with_pool!(db, |pool| sqlx::query_scalar(
                    "SELECT username FROM accounts WHERE id = $1"
                )
                .bind(id.as_uuid())
                .fetch_one(pool)
                .await)
                .expect("username"),
            );
        }
        names
    };
    let first = serve(&database.flags()).await;
    let second = serve(&database.flags()).await;
    let (one, two) = (first.base.clone(), second.base.clone());
    let residents = [sign_in(&one, &usernames[0]).await, sign_in(&two, &usernames[0]).await];
    let managers = [sign_in(&one, &usernames[1]).await, sign_in(&two, &usernames[1]).await];

    let submissions = (0..40).map(|n| {
        let client = residents[n % 2].clone();
        async move { client.post("/api/v1/requests", json!({"title": format!("Fault {n}"), "description": "d", "category": "Plumbing issue", "location": "Flat"})).await }
    });
    let answers = join_all(submissions).await;
    assert!(answers.iter().all(|a| a.status == 201), "every submission succeeds");
    // Each server keeps a dashboard answer now, however far its read models had got.
    let dashboard = "/api/v1/dashboards/facility-manager";
    for manager in &managers {
        assert_eq!(manager.get(dashboard).await.status, 200);
    }
    let mut sequences: Vec<u64> =
        answers.iter().filter_map(|a| a.body["request"]["ticket"].as_str()?.rsplit('-').next()?.parse().ok()).collect();
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=40).collect::<Vec<u64>>(), "consecutive across both servers");

    let ids: Vec<String> = answers.iter().filter_map(|a| a.body["request"]["id"].as_str().map(str::to_owned)).collect();
    for id in &ids[..9] {
        assert_eq!(
            managers[0]
                .post(&format!("/api/v1/requests/{id}/assign"), json!({"staff_id": plumber.account}))
                .await
                .status,
            200
        );
    }
    let races = ids[9..29].iter().enumerate().map(|(n, id)| {
        let client = managers[n % 2].clone();
        let path = format!("/api/v1/requests/{id}/assign");
        async move { client.post(&path, json!({"staff_id": plumber.account})).await }
    });
    let raced = join_all(races).await;
    assert_eq!(
        raced.iter().filter(|a| a.status == 200).count(),
        1,
        "one more fits under the limit, whichever server is asked"
    );
    assert!(raced.iter().filter(|a| a.status != 200).all(|a| a.code() == "workload_limit_reached"));

    // Once the read models have caught up, neither server gives its kept answer again.
    let db = log.database();
    let head: i64 = khaki_migrations::with_pool!(db, |pool| sqlx::query_scalar("SELECT MAX(position) FROM events")
        .fetch_one(pool)
        .await)
    .expect("a head");
    for projection in khaki_projections::Projection::ALL {
        khaki_projections::wait_for(db, projection, head, Duration::from_secs(20)).await.expect("caught up");
    }
    for manager in &managers {
        let answer = manager.get(dashboard).await;
        assert_eq!(answer.body["pending_assignment"], 30, "40 filed, 10 assigned, on either server: {answer:?}");
    }
    log.database().close().await;
}
