//! `GET /health` through the real server, and a graceful stop.

use crate::on_both_stores;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(health_names_the_store_and_the_head_of_the_log);

async fn health_names_the_store_and_the_head_of_the_log(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    estate.submit(&resident, "Painting").await;
    let response = app.http.get(app.url("/health")).send().await.expect("answered");
    assert_eq!(response.status(), 200);
    let health: serde_json::Value = response.json().await.expect("JSON");
    let expected_store = match app.store {
        Store::Postgres => "postgres",
        Store::Sqlite => "sqlite",
    };
    assert_eq!(health["store"], expected_store);
    assert_eq!(health["log_head"], 4, "administrator, resident's account and record, the request");
    let url = app.url("/health");
    let http = app.http.clone();
    app.stop().await;
    assert!(http.get(url).send().await.is_err(), "a stopped server takes no more requests");
}
