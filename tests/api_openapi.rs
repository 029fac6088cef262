//! The OpenAPI description the service serves, and the offline docs page.

use crate::on_both_stores;
use crate::support::{Store, TestApp};

on_both_stores!(the_service_describes_every_endpoint_and_serves_its_docs_offline);

async fn the_service_describes_every_endpoint_and_serves_its_docs_offline(store: Store) {
    let app = TestApp::spawn(store).await;
    let anyone = app.anonymous();
    let description = anyone.get("/api/openapi.json").await;
    assert_eq!(description.status, 200);
    assert!(description.body["openapi"].as_str().unwrap_or("").starts_with("3.1"), "OpenAPI 3.1");
    let paths = description.body["paths"].as_object().expect("paths");
    let expected = [
        ("/health", "get"),
        ("/api/v1/session", "post"),
        ("/api/v1/session", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/requests", "post"),
        ("/api/v1/requests/{id}", "get"),
        ("/api/v1/requests/{id}", "patch"),
        ("/api/v1/requests/{id}/acknowledge", "post"),
        ("/api/v1/requests/{id}/assign", "post"),
        ("/api/v1/requests/{id}/unassign", "post"),
        ("/api/v1/requests/{id}/start", "post"),
        ("/api/v1/requests/{id}/hand-back", "post"),
        ("/api/v1/requests/{id}/resolve", "post"),
        ("/api/v1/requests/{id}/close", "post"),
        ("/api/v1/requests/{id}/reopen", "post"),
        ("/api/v1/requests/{id}/cancel", "post"),
        ("/api/v1/requests/{id}/rate", "post"),
        ("/api/v1/requests/{id}/comments", "post"),
        ("/api/v1/staff", "post"),
        ("/api/v1/staff/{id}", "get"),
        ("/api/v1/staff/diagnostics", "get"),
        ("/api/v1/staff/bulk/{operation}", "post"),
        ("/api/v1/staff/{id}/role", "post"),
        ("/api/v1/staff/{id}/permissions", "post"),
        ("/api/v1/staff/{id}/reset-permissions", "post"),
        ("/api/v1/staff/{id}/supervisor", "post"),
        ("/api/v1/staff/{id}/department", "post"),
        ("/api/v1/staff/{id}/employment", "post"),
        ("/api/v1/staff/{id}/availability", "put"),
        ("/api/v1/staff/{id}/notifications", "put"),
        ("/api/v1/staff/{id}/activate", "post"),
        ("/api/v1/staff/{id}/deactivate", "post"),
        ("/api/v1/residents", "post"),
        ("/api/v1/residents/{id}", "get"),
        ("/api/v1/residents/{id}/contact", "put"),
        ("/api/v1/residents/{id}/notifications", "put"),
        ("/api/v1/residents/{id}/committee", "post"),
        ("/api/v1/residents/{id}/move-out", "post"),
        ("/api/v1/roster", "post"),
        ("/api/v1/roster", "get"),
    ];
    for (path, method) in expected {
        let operation = &paths.get(path).unwrap_or_else(|| panic!("{path} is described"))[method];
        assert!(operation.is_object(), "{method} {path} is described");
        let responses = operation["responses"].as_object().expect("responses");
        if path.starts_with("/api/v1") && !(path == "/api/v1/session" && method == "post") {
            assert!(responses.contains_key("401"), "{method} {path} documents 401");
        }
    }
    assert!(description.body["components"]["schemas"]["ErrorBody"].is_object());
    assert!(description.body["components"]["securitySchemes"]["bearer"].is_object());

    let page = app.http.get(app.url("/api/docs/")).send().await.expect("docs answer");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.to_lowercase().contains("swagger"));
    assert!(!html.contains("https://"), "nothing is loaded from the internet");
    let script = app.http.get(app.url("/api/docs/swagger-ui-bundle.js")).send().await.expect("bundle answers");
    assert_eq!(script.status(), 200, "the UI's code is served by the service itself");
}
