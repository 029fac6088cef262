//! The OpenAPI description the service serves, and the offline docs page.

use crate::on_both_stores;
use crate::support::{Store, TestApp};

on_both_stores!(
    the_service_describes_every_endpoint_and_serves_its_docs_offline,
    every_route_served_is_described_with_the_answers_it_gives
);

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

/// A concrete path for a route's template.
fn concrete(template: &str, id: &str) -> String {
    template.replace("{id}", id).replace("{operation}", "activate")
}

/// The statuses the description gives for an operation.
fn documented(operation: &serde_json::Value) -> Vec<u16> {
    operation["responses"].as_object().map_or_else(Vec::new, |r| r.keys().filter_map(|k| k.parse().ok()).collect())
}

/// Every (method, path) the router serves is in the description, and nothing else is; path
/// parameters are in the path, each operation names one success status, and what the service
/// answers to a caller with no session, a body that is not JSON or an unknown query parameter is
/// among the statuses documented for it.
async fn every_route_served_is_described_with_the_answers_it_gives(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = crate::support::Estate::new(&app.log).await;
    let manager = estate.staff(khaki_domain::StaffRole::FacilityManager).await;
    let resident = estate.resident().await;
    let description = app.anonymous().get("/api/openapi.json").await.body;
    let paths = description["paths"].as_object().expect("paths");
    let served = khaki_api::http::served_routes();
    let mut described = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item[method].is_object() {
                described.push((method.to_owned(), path.clone()));
            }
        }
    }
    described.sort();
    assert_eq!(described, served, "the description lists exactly the routes served");

    let signed_in = app.sign_in_as(manager.account).await;
    let mut wrong = Vec::new();
    for (method, path) in &served {
        let operation = &paths[path][method];
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] == "path" {
                let name = parameter["name"].as_str().unwrap_or("");
                if !path.contains(&format!("{{{name}}}")) {
                    wrong.push(format!("{method} {path}: '{name}' is documented as in the path"));
                }
            }
        }
        let statuses = documented(operation);
        let successes = statuses.iter().filter(|s| (200..300).contains(*s)).count();
        if successes != 1 {
            wrong.push(format!("{method} {path} names {successes} success statuses: {statuses:?}"));
        }
        let url = concrete(path, &resident.account.to_string());
        let method: reqwest::Method = method.to_uppercase().parse().expect("a method");
        let mut probes = vec![("no session", app.anonymous().request(method.clone(), &url))];
        if method == reqwest::Method::DELETE {
            // Signing out takes no body, and would end the probes' own session.
        } else if method != reqwest::Method::GET {
            let not_json = signed_in.request(method.clone(), &url).header("content-type", "text/plain").body("x");
            probes.push(("a body that is not JSON", not_json));
        } else if !path.starts_with("/api/openapi") {
            probes
                .push(("an unknown query parameter", signed_in.request(method.clone(), &format!("{url}?surprise=1"))));
        }
        for (probe, request) in probes {
            let answer = crate::support::http::Client::send(request).await;
            if !statuses.contains(&answer.status) {
                wrong.push(format!("{method} {path} with {probe}: {} is not documented ({statuses:?})", answer.status));
            }
            if probe == "an unknown query parameter" && answer.status != 400 {
                wrong.push(format!("{method} {path} with {probe}: {} instead of 400", answer.status));
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers do not match the description:\n{}", wrong.len(), wrong.join("\n"));

    let filer = app.sign_in_as(resident.account).await;
    let filed = filer
        .post(
            "/api/v1/requests",
            serde_json::json!({"title": "Tap", "description": "Drips", "category": "Painting", "location": "Flat A-1"}),
        )
        .await;
    assert!(documented(&paths["/api/v1/requests"]["post"]).contains(&filed.status), "{filed:?}");
    assert_eq!(filed.status, 201);
}
