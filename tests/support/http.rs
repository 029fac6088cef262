//! Talking to the running server as a signed-in person (or nobody), and reading the answers.

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;

use crate::support::estate::ESTATE_PASSWORD;
use crate::support::TestApp;

/// An answer: status, parsed JSON body (Null when empty or not JSON) and headers.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// The server this client talks to (`http://127.0.0.1:port`).
    pub base: String,
    pub token: Option<String>,
}

impl TestApp {
    pub fn anonymous(&self) -> Client {
        Client { http: self.http.clone(), base: self.url(""), token: None }
    }

    /// Nobody, connecting from another loopback address (127.0.0.2, …), as another client
    /// machine would: the server sees that address as the caller's.
    pub fn anonymous_from(&self, address: std::net::IpAddr) -> Client {
        let http = reqwest::Client::builder().local_address(address).build().expect("a client");
        Client { http, base: self.url(""), token: None }
    }

    /// Signs in through `POST /api/v1/session` with the estate's test password.
    pub async fn sign_in(&self, username: &str) -> Client {
        self.sign_in_with(username, ESTATE_PASSWORD).await
    }

    pub async fn sign_in_with(&self, username: &str, password: &str) -> Client {
        let answer = self
            .anonymous()
            .post("/api/v1/session", serde_json::json!({ "username": username, "password": password }))
            .await;
        assert_eq!(answer.status, 201, "{username} signs in: {answer:?}");
        let token = answer.body["token"].as_str().expect("a token").to_owned();
        Client { http: self.http.clone(), base: self.url(""), token: Some(token) }
    }

    /// Signs in as the account of `id`.
    pub async fn sign_in_as(&self, id: khaki_domain::AccountId) -> Client {
        let db = self.log.database();
        let username: String = khaki_migrations::with_pool!(db, |pool| {
            sqlx::query_scalar("SELECT username FROM accounts WHERE id = $1").bind(id.as_uuid()).fetch_one(pool).await
        })
        .expect("the account exists");
        self.sign_in(&username).await
    }
}

impl Client {
    /// A client of the server at `base`, signed in with `token` if given.
    pub fn at(base: &str, token: Option<String>) -> Self {
        Self { http: reqwest::Client::new(), base: base.to_owned(), token }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self.http.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn send(builder: reqwest::RequestBuilder) -> Answer {
        let response = builder.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, body, headers }
    }

    pub async fn get(&self, path: &str) -> Answer {
        Self::send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        Self::send(self.request(Method::POST, path).json(&body)).await
    }

    /// A POST with no body (actions like acknowledge).
    /// A read asking for `min_position`: on a busy machine the read model may answer "not caught
    /// up yet, try again shortly" (503 `not_caught_up`); asked again as a client would, for up to
    /// 20 seconds.
    pub async fn get_caught_up(&self, path: &str) -> Answer {
        let mut answer = self.get(path).await;
        for _ in 0..80 {
            if !(answer.status == 503 && answer.code() == "not_caught_up") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            answer = self.get(path).await;
        }
        answer
    }

    pub async fn act(&self, path: &str) -> Answer {
        Self::send(self.request(Method::POST, path)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        Self::send(self.request(Method::PUT, path).json(&body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        Self::send(self.request(Method::DELETE, path)).await
    }
}
