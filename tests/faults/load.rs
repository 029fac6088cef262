//! The load the fault tests put on a running `khaki serve` over HTTP: residents filing requests,
//! reading them back and listing, a facility manager acknowledging each, sign-ins now and then.
//! Every write the server confirmed (2xx) is kept as a receipt; every answer is tallied by the
//! phase of the fault it arrived in.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::task::JoinHandle;

use crate::support::estate::ESTATE_PASSWORD;

/// Before the fault, while it lasts, and after it is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Before = 0,
    During = 1,
    After = 2,
}

/// A submission the server confirmed, and what it was sent.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub ticket: String,
    pub id: String,
    pub title: String,
    pub description: String,
    /// The submitter's bearer token, to read the request back as them.
    pub token: Arc<str>,
    /// Whether the server also confirmed acknowledging it.
    pub acknowledged: bool,
}

/// Answers of one phase.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// 2xx to a write.
    pub confirmed: u32,
    /// 2xx to a read or a sign-in.
    pub answered: u32,
    /// 503 with `Retry-After` and the JSON error shape.
    pub unavailable: u32,
    /// Any other 5xx, or a 503 without its retry hint or error shape.
    pub failed: u32,
    /// 4xx.
    pub refused: u32,
    /// No answer at all (the connection failed or timed out).
    pub unanswered: u32,
}

#[derive(Debug, Default)]
pub struct Books {
    pub receipts: Vec<Receipt>,
    pub phases: [Counts; 3],
    /// The first few failed answers, as `METHOD path -> status: body`.
    pub failures: Vec<String>,
    entered: [Option<Instant>; 3],
    first_confirmed: [Option<Instant>; 3],
}

impl Books {
    pub fn counts(&self, phase: Phase) -> Counts {
        self.phases[phase as usize]
    }

    /// Failed answers over every phase.
    pub fn failed(&self) -> u32 {
        self.phases.iter().map(|c| c.failed).sum()
    }

    /// From entering `phase` to the first write confirmed in it.
    pub fn first_confirmed_after(&self, phase: Phase) -> Option<Duration> {
        let i = phase as usize;
        Some(self.first_confirmed[i]?.saturating_duration_since(self.entered[i]?))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Write,
    Read,
}

struct Shared {
    http: reqwest::Client,
    base: String,
    stop: AtomicBool,
    phase: AtomicUsize,
    books: Mutex<Books>,
}

/// A running load; [`Load::stop`] ends it and hands over the books.
pub struct Load {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Load {
    /// Signs the residents and the facility manager in, then starts one client per resident,
    /// one for the manager and one that signs in over and over.
    pub async fn start(base: &str, residents: &[String], manager: &str) -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("an HTTP client");
        let mut books = Books::default();
        books.entered[Phase::Before as usize] = Some(Instant::now());
        let shared = Arc::new(Shared {
            http,
            base: base.to_owned(),
            stop: AtomicBool::new(false),
            phase: AtomicUsize::new(Phase::Before as usize),
            books: Mutex::new(books),
        });
        // Everyone signs in first, so every client is at work from the start.
        let mut tokens = Vec::new();
        for username in residents {
            tokens.push(Arc::<str>::from(sign_in(&shared, username).await));
        }
        let manager = sign_in(&shared, manager).await;
        let mut tasks: Vec<_> =
            tokens.into_iter().enumerate().map(|(n, token)| tokio::spawn(resident(shared.clone(), n, token))).collect();
        tasks.push(tokio::spawn(facility_manager(shared.clone(), manager)));
        tasks.push(tokio::spawn(signing_in(shared.clone(), residents[0].clone())));
        Self { shared, tasks }
    }

    pub fn enter(&self, phase: Phase) {
        self.books().entered[phase as usize] = Some(Instant::now());
        self.shared.phase.store(phase as usize, Ordering::SeqCst);
    }

    pub fn counts(&self, phase: Phase) -> Counts {
        self.books().counts(phase)
    }

    /// Waits (at most `patience`) until `writes` writes are confirmed in `phase`; false if not.
    pub async fn until_confirmed(&self, phase: Phase, writes: u32, patience: Duration) -> bool {
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline {
            if self.counts(phase).confirmed >= writes {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    pub async fn stop(self) -> Books {
        let Self { shared, tasks } = self;
        shared.stop.store(true, Ordering::SeqCst);
        for task in tasks {
            // A client waits at most its 30-second timeout for an answer.
            let _ = tokio::time::timeout(Duration::from_secs(40), task).await;
        }
        let mut books = shared.books.lock().expect("the books");
        std::mem::take(&mut *books)
    }

    fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        self.shared.books.lock().expect("the books")
    }
}

struct Answer {
    status: StatusCode,
    body: Value,
}

impl Shared {
    fn running(&self) -> bool {
        !self.stop.load(Ordering::SeqCst)
    }

    /// Sends a request and tallies its answer; `None` when there was none.
    async fn call(&self, kind: Kind, method: Method, path: &str, token: &str, body: Option<Value>) -> Option<Answer> {
        let mut request = self.http.request(method.clone(), format!("{}{path}", self.base));
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = match request.send().await {
            Ok(response) => {
                let status = response.status();
                let hinted = response.headers().contains_key(reqwest::header::RETRY_AFTER);
                let text = response.text().await.unwrap_or_default();
                let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let shaped = body["error"]["code"].is_string() && body["error"]["message"].is_string();
                Some((Answer { status, body }, hinted && shaped, text))
            }
            Err(_) => None,
        };
        let mut books = self.books.lock().expect("the books");
        let phase = self.phase.load(Ordering::SeqCst);
        let counts = &mut books.phases[phase];
        let Some((answer, hinted, text)) = answer else {
            counts.unanswered += 1;
            return None;
        };
        let failed = match answer.status {
            s if s.is_success() && kind == Kind::Write => {
                counts.confirmed += 1;
                books.first_confirmed[phase].get_or_insert_with(Instant::now);
                false
            }
            s if s.is_success() => {
                counts.answered += 1;
                false
            }
            StatusCode::SERVICE_UNAVAILABLE if hinted => {
                counts.unavailable += 1;
                false
            }
            s if s.is_server_error() => {
                counts.failed += 1;
                true
            }
            _ => {
                counts.refused += 1;
                false
            }
        };
        if failed && books.failures.len() < 20 {
            books.failures.push(format!("{method} {path} -> {}: {text}", answer.status));
        }
        Some(answer)
    }
}

async fn sign_in(shared: &Shared, username: &str) -> String {
    let answer = shared
        .http
        .post(format!("{}/api/v1/session", shared.base))
        .json(&json!({"username": username, "password": ESTATE_PASSWORD}))
        .send()
        .await
        .expect("the server answers a sign-in");
    let body: Value = answer.json().await.expect("a sign-in answer");
    body["token"].as_str().unwrap_or_else(|| panic!("{username} signs in: {body}")).to_owned()
}

/// Files requests one after another, reads each back, and lists now and then.
async fn resident(shared: Arc<Shared>, n: usize, token: Arc<str>) {
    let mut filed = 0;
    while shared.running() {
        filed += 1;
        let title = format!("Leak {n}-{filed}");
        let description = format!("Water under the kitchen sink, resident {n}, report {filed}");
        let sent =
            json!({"title": title, "description": description, "category": "Plumbing issue", "location": "Flat"});
        let answer = shared.call(Kind::Write, Method::POST, "/api/v1/requests", &token, Some(sent)).await;
        match answer {
            Some(answer) if answer.status == StatusCode::CREATED => {
                let request = &answer.body["request"];
                let (Some(ticket), Some(id)) = (request["ticket"].as_str(), request["id"].as_str()) else {
                    panic!("a confirmed submission names its ticket and id: {}", answer.body)
                };
                let receipt = Receipt {
                    ticket: ticket.to_owned(),
                    id: id.to_owned(),
                    title,
                    description,
                    token: token.clone(),
                    acknowledged: false,
                };
                shared.books.lock().expect("the books").receipts.push(receipt);
                shared.call(Kind::Read, Method::GET, &format!("/api/v1/requests/{id}"), &token, None).await;
            }
            Some(_) => {}
            // The server is gone or not answering: do not spin.
            None => tokio::time::sleep(Duration::from_millis(50)).await,
        }
        if filed % 4 == 0 {
            shared.call(Kind::Read, Method::GET, "/api/v1/requests?limit=5", &token, None).await;
        }
    }
}

/// Acknowledges every filed request in turn; one without a clear answer is tried again.
async fn facility_manager(shared: Arc<Shared>, token: String) {
    let mut next = 0;
    while shared.running() {
        let id = shared.books.lock().expect("the books").receipts.get(next).map(|r| r.id.clone());
        let Some(id) = id else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let path = format!("/api/v1/requests/{id}/acknowledge");
        match shared.call(Kind::Write, Method::POST, &path, &token, None).await {
            Some(answer) if answer.status.is_success() => {
                shared.books.lock().expect("the books").receipts[next].acknowledged = true;
                next += 1;
            }
            // Refused, e.g. already acknowledged by an attempt whose answer was lost.
            Some(answer) if answer.status.is_client_error() => next += 1,
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Signs in every quarter of a second (sign-in reads and writes the store too).
async fn signing_in(shared: Arc<Shared>, username: String) {
    while shared.running() {
        let body = json!({"username": username, "password": ESTATE_PASSWORD});
        shared.call(Kind::Read, Method::POST, "/api/v1/session", "", Some(body)).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
