//! The bench's scenarios over HTTP, played by the people who take each step, against a
//! `khaki serve` of its own: (a) submit, (b) a request's whole life, (c) the facility manager's
//! filtered, searched, paged list, (d) a resident's own list, (e) each dashboard, (f) one
//! request's history (a thousand events) and its state as of a past position. `me`, the cheapest
//! signed-in read there is, is the floor every read above stands on.

use std::time::Duration;

use serde_json::{json, Value};

use crate::bench::measure::timed;

/// Who a worker acts as, signed in.
#[derive(Clone)]
pub struct Cast {
    pub base: String,
    pub manager: String,
    pub residents: Vec<String>,
    /// Plumbers: (token, account id).
    pub plumbers: Vec<(String, String)>,
    pub accountant: String,
    /// Requests with long histories, for (f).
    pub histories: Vec<(String, i64)>,
}

pub struct Worker {
    pub n: usize,
    pub http: reqwest::Client,
    pub cast: Cast,
}

pub const SCENARIOS: [&str; 11] = [
    "submit",
    "lifecycle",
    "me",
    "manager-list",
    "resident-list",
    "dashboard-manager",
    "dashboard-staff",
    "dashboard-accountant",
    "dashboard-resident",
    "history",
    "as-of",
];

/// Whether a scenario writes to the log (and so is compared with the load-and-append limit).
pub fn writes(scenario: &str) -> bool {
    matches!(scenario, "submit" | "lifecycle")
}

/// A worker with its own connection, opened (and used once) before timing starts.
pub async fn worker(n: usize, cast: Cast) -> Worker {
    let http = reqwest::Client::builder().pool_max_idle_per_host(2).build().unwrap_or_default();
    let _ = http.get(format!("{}/health", cast.base)).send().await;
    Worker { n, http, cast }
}

async fn call(
    worker: &Worker,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (Option<axum::body::Bytes>, Result<Duration, String>) {
    let request = worker.http.request(method, format!("{}{path}", worker.cast.base)).bearer_auth(token);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    // The answer is read whole but not parsed: parsing is the client's work, and on two shared
    // cores it would be taken from the server being measured.
    let (answer, took) = timed(async {
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!("{path}: {status} {}", String::from_utf8_lossy(&body)))
        }
    })
    .await;
    (answer, took)
}

fn submission(n: u64) -> Value {
    json!({"title": format!("Bench fault {n}"), "description": "Found during the bench", "category": "Plumbing issue", "location": "Flat"})
}

/// One iteration of `scenario`; answers the latency (or error) of each call made.
pub async fn step(scenario: &str, worker: &Worker, iteration: u64) -> Vec<Result<Duration, String>> {
    let cast = &worker.cast;
    let resident = &cast.residents[worker.n % cast.residents.len()];
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;
    match scenario {
        "submit" => vec![call(worker, post, "/api/v1/requests", resident, Some(submission(iteration))).await.1],
        "lifecycle" => lifecycle(worker, resident, iteration).await,
        "manager-list" => {
            let path = "/api/v1/requests?status=assigned&status=in_progress&status=acknowledged&search=tap&order=submitted&limit=25";
            vec![call(worker, get, path, &cast.manager, None).await.1]
        }
        "me" => vec![call(worker, get, "/api/v1/me", &cast.manager, None).await.1],
        "resident-list" => vec![call(worker, get, "/api/v1/requests?limit=25", resident, None).await.1],
        "dashboard-manager" => {
            vec![call(worker, get, "/api/v1/dashboards/facility-manager", &cast.manager, None).await.1]
        }
        "dashboard-staff" => {
            let (plumber, _) = &cast.plumbers[worker.n % cast.plumbers.len()];
            vec![call(worker, get, "/api/v1/dashboards/staff", plumber, None).await.1]
        }
        "dashboard-accountant" => {
            vec![call(worker, get, "/api/v1/dashboards/accountant", &cast.accountant, None).await.1]
        }
        "dashboard-resident" => vec![call(worker, get, "/api/v1/dashboards/resident", resident, None).await.1],
        "history" => {
            let (id, _) = &cast.histories[(worker.n + iteration as usize) % cast.histories.len().max(1)];
            let path = format!("/api/v1/requests/{id}/history?limit=1000");
            vec![call(worker, get, &path, &cast.manager, None).await.1]
        }
        "as-of" => {
            let (id, position) = &cast.histories[(worker.n + iteration as usize) % cast.histories.len().max(1)];
            vec![call(worker, get, &format!("/api/v1/requests/{id}?as_of={position}"), &cast.manager, None).await.1]
        }
        other => vec![Err(format!("no scenario '{other}'"))],
    }
}

/// Submit → acknowledge → assign → start → resolve → close → rate, each by whoever takes it.
async fn lifecycle(worker: &Worker, resident: &str, iteration: u64) -> Vec<Result<Duration, String>> {
    let cast = &worker.cast;
    let (plumber, plumber_id) = &cast.plumbers[(worker.n + iteration as usize) % cast.plumbers.len()];
    let post = reqwest::Method::POST;
    let mut took = Vec::with_capacity(7);
    let (answer, latency) = call(worker, post.clone(), "/api/v1/requests", resident, Some(submission(iteration))).await;
    took.push(latency);
    let submitted = answer.and_then(|body| serde_json::from_slice::<Value>(&body).ok());
    let Some(id) = submitted.and_then(|a| a["request"]["id"].as_str().map(str::to_owned)) else { return took };
    let path = |action: &str| format!("/api/v1/requests/{id}/{action}");
    let steps: [(&str, &str, Option<Value>); 6] = [
        ("acknowledge", &cast.manager, None),
        ("assign", &cast.manager, Some(json!({"staff_id": plumber_id, "estimated_cost": "500.00"}))),
        ("start", plumber, None),
        ("resolve", plumber, Some(json!({"actual_cost": "450.00", "note": "Fixed"}))),
        ("close", resident, None),
        ("rate", resident, Some(json!({"rating": 5}))),
    ];
    for (action, token, body) in steps {
        let (answer, latency) = call(worker, post.clone(), &path(action), token, body).await;
        took.push(latency);
        if answer.is_none() {
            break;
        }
    }
    took
}
