//! Bad input, sent to every write endpoint: each malformed case gets its 4xx in our error shape,
//! nothing answers 5xx, and nothing is written.

use khaki_domain::StaffRole;
use khaki_migrations::with_pool;
use reqwest::Method;
use serde_json::{json, Value};

use crate::on_both_stores;
use crate::support::http::{Answer, Client};
use crate::support::{Estate, Store, TestApp};

on_both_stores!(every_write_endpoint_refuses_every_kind_of_bad_input_without_writing);

/// A write endpoint: method, path, a valid body (None for actions that take none), the fields
/// a body must have, string fields with their maximum length, and numbers with values out of range.
struct Endpoint {
    method: Method,
    path: String,
    valid: Option<Value>,
    required: &'static [&'static str],
    long: &'static [(&'static str, usize)],
    out_of_range: &'static [(&'static str, i64)],
}

fn endpoint(method: Method, path: String, valid: Option<Value>) -> Endpoint {
    Endpoint { method, path, valid, required: &[], long: &[], out_of_range: &[] }
}

fn endpoints(request: &str, staff: &str, resident: &str, someone: &str) -> Vec<Endpoint> {
    let r = |tail: &str| format!("/api/v1/requests/{request}{tail}");
    let s = |tail: &str| format!("/api/v1/staff/{staff}{tail}");
    let p = |tail: &str| format!("/api/v1/residents/{resident}{tail}");
    let prefs = json!({"email": true, "sms": false, "urgent_only": false});
    vec![
        Endpoint {
            required: &["username", "password"],
            long: &[("password", 1024)],
            ..endpoint(
                Method::POST,
                "/api/v1/session".into(),
                Some(json!({"username": "nobody1", "password": "wrong-password"})),
            )
        },
        Endpoint {
            required: &["title", "description", "category", "location"],
            long: &[("title", 200), ("description", 5000), ("location", 100)],
            out_of_range: &[("priority", 0), ("priority", 5), ("priority", -1), ("priority", 10_000_000_000)],
            ..endpoint(
                Method::POST,
                "/api/v1/requests".into(),
                Some(json!({"title": "t", "description": "d", "category": "Painting", "location": "Flat A-1"})),
            )
        },
        endpoint(Method::POST, r("/acknowledge"), None),
        Endpoint {
            required: &["staff_id"],
            ..endpoint(Method::POST, r("/assign"), Some(json!({"staff_id": someone})))
        },
        endpoint(Method::POST, r("/unassign"), None),
        endpoint(Method::POST, r("/start"), None),
        endpoint(Method::POST, r("/hand-back"), None),
        Endpoint { long: &[("note", 2000)], ..endpoint(Method::POST, r("/resolve"), Some(json!({"note": "n"}))) },
        endpoint(Method::POST, r("/close"), None),
        Endpoint {
            required: &["reason"],
            long: &[("reason", 1000)],
            ..endpoint(Method::POST, r("/reopen"), Some(json!({"reason": "r"})))
        },
        Endpoint {
            required: &["reason"],
            long: &[("reason", 1000)],
            ..endpoint(Method::POST, r("/cancel"), Some(json!({"reason": "r"})))
        },
        Endpoint {
            required: &["rating"],
            out_of_range: &[("rating", 0), ("rating", 6)],
            ..endpoint(Method::POST, r("/rate"), Some(json!({"rating": 3})))
        },
        Endpoint {
            required: &["text"],
            long: &[("text", 5000)],
            ..endpoint(Method::POST, r("/comments"), Some(json!({"text": "hi"})))
        },
        Endpoint { out_of_range: &[("priority", 7)], ..endpoint(Method::PATCH, r(""), Some(json!({"priority": 2}))) },
        Endpoint {
            required: &[
                "username",
                "email",
                "display_name",
                "password",
                "employee_id",
                "role",
                "department",
                "employment_status",
                "hire_date",
            ],
            long: &[("display_name", 100), ("department", 100), ("employee_id", 20)],
            ..endpoint(
                Method::POST,
                "/api/v1/staff".into(),
                Some(json!({"username": "new.tech", "email": "new.tech@estate.invalid", "display_name": "N",
                "password": "long enough pw", "employee_id": "X-1", "role": "plumber", "department": "D", "employment_status": "full_time", "hire_date": "2025-01-01"})),
            )
        },
        Endpoint { required: &["role"], ..endpoint(Method::POST, s("/role"), Some(json!({"role": "electrician"}))) },
        Endpoint {
            required: &["permission", "granted"],
            ..endpoint(Method::POST, s("/permissions"), Some(json!({"permission": "assign", "granted": true})))
        },
        endpoint(Method::POST, s("/reset-permissions"), None),
        endpoint(Method::POST, s("/supervisor"), Some(json!({"supervisor_id": someone}))),
        Endpoint {
            required: &["department"],
            long: &[("department", 100)],
            ..endpoint(Method::POST, s("/department"), Some(json!({"department": "D"})))
        },
        Endpoint {
            required: &["employment_status"],
            ..endpoint(Method::POST, s("/employment"), Some(json!({"employment_status": "contract"})))
        },
        Endpoint {
            required: &["available_24x7"],
            long: &[("schedule", 500)],
            ..endpoint(Method::PUT, s("/availability"), Some(json!({"available_24x7": true, "schedule": "s"})))
        },
        Endpoint {
            required: &["email", "sms", "urgent_only"],
            ..endpoint(Method::PUT, s("/notifications"), Some(prefs.clone()))
        },
        endpoint(Method::POST, s("/activate"), None),
        endpoint(Method::POST, s("/deactivate"), None),
        Endpoint {
            required: &["staff_ids"],
            ..endpoint(Method::POST, "/api/v1/staff/bulk/activate".into(), Some(json!({"staff_ids": [someone]})))
        },
        Endpoint {
            required: &["username", "email", "display_name", "password", "flat", "resident_type", "move_in"],
            long: &[("display_name", 100)],
            ..endpoint(
                Method::POST,
                "/api/v1/residents".into(),
                Some(json!({"username": "new.owner", "email": "new.owner@estate.invalid", "display_name": "N",
                "password": "long enough pw", "flat": "Z-101", "resident_type": "owner", "move_in": "2025-01-01"})),
            )
        },
        Endpoint {
            long: &[("emergency_contact_name", 100)],
            ..endpoint(Method::PUT, p("/contact"), Some(json!({"phone": "+919830425757"})))
        },
        Endpoint {
            required: &["email", "sms", "urgent_only"],
            ..endpoint(Method::PUT, p("/notifications"), Some(prefs))
        },
        Endpoint { required: &["member"], ..endpoint(Method::POST, p("/committee"), Some(json!({"member": true}))) },
        Endpoint { required: &["on"], ..endpoint(Method::POST, p("/move-out"), Some(json!({"on": "2026-01-01"}))) },
    ]
}

/// Texts that stay on one line; the others (descriptions, comments, reasons, notes) may have
/// line breaks.
const ONE_LINE: &[&str] =
    &["title", "location", "display_name", "department", "username", "email", "employee_id", "flat", "phone"];

/// A value of another JSON type than `value`'s.
fn wrong_type(value: &Value) -> Value {
    match value {
        Value::String(_) => json!(12345),
        Value::Number(_) => json!("twelve"),
        Value::Bool(_) => json!("yes"),
        Value::Array(_) => json!({"not": "a list"}),
        Value::Object(_) => json!(["not", "an", "object"]),
        Value::Null => json!(true),
    }
}

/// Every malformed variant of a request to `endpoint`: (what it is, content type, raw body, path).
fn cases(endpoint: &Endpoint) -> Vec<(String, &'static str, String, String)> {
    let json_type = "application/json";
    let path = endpoint.path.clone();
    let valid = endpoint.valid.clone().unwrap_or_else(|| json!({}));
    let mut cases = vec![
        ("malformed JSON".to_owned(), json_type, "{\"title\": ".to_owned(), path.clone()),
        ("wrong content type".to_owned(), "text/plain", valid.to_string(), path.clone()),
        ("body over 64 KiB".to_owned(), json_type, json!({"padding": "x".repeat(70 * 1024)}).to_string(), path.clone()),
    ];
    let mut unknown = valid.clone();
    unknown["surprise"] = json!(true);
    cases.push(("an unknown field".into(), json_type, unknown.to_string(), path.clone()));
    if let Some(fields) = valid.as_object() {
        for (field, value) in fields {
            let mut body = valid.clone();
            body[field] = wrong_type(value);
            cases.push((format!("'{field}' of the wrong type"), json_type, body.to_string(), path.clone()));
        }
    }
    for field in endpoint.required {
        let mut body = valid.clone();
        body.as_object_mut().map(|o| o.remove(*field));
        cases.push((format!("'{field}' missing"), json_type, body.to_string(), path.clone()));
    }
    for (field, max) in endpoint.long {
        let mut body = valid.clone();
        body[*field] = json!("x".repeat(max + 1));
        cases.push((format!("'{field}' over {max} characters"), json_type, body.to_string(), path.clone()));
    }
    if let Some(fields) = valid.as_object() {
        for (field, value) in fields.iter().filter(|(_, v)| v.is_string()) {
            let with = |text: String| {
                let mut body = valid.clone();
                body[field] = json!(text);
                body.to_string()
            };
            let original = value.as_str().unwrap_or_default();
            cases.push((format!("'{field}' holding NUL"), json_type, with(format!("{original}\u{0}x")), path.clone()));
            // Signing in judges only the password: a username of any shape is just not found.
            let signing_in = path.ends_with("/session");
            if field != "password" && !signing_in {
                let bell = with(format!("{original}\u{7}"));
                cases.push((format!("'{field}' holding a control character"), json_type, bell, path.clone()));
                let invisible = with("\u{200B}\u{200B}\u{FEFF}".into());
                cases.push((format!("'{field}' of invisible characters only"), json_type, invisible, path.clone()));
            }
            if ONE_LINE.contains(&field.as_str()) && !signing_in {
                let broken = with(format!("{original}\nsecond line"));
                cases.push((format!("'{field}' over two lines"), json_type, broken, path.clone()));
            }
        }
    }
    for (field, number) in endpoint.out_of_range {
        let mut body = valid.clone();
        body[*field] = json!(number);
        cases.push((format!("'{field}' = {number}"), json_type, body.to_string(), path.clone()));
    }
    for field in ["staff_id", "supervisor_id"] {
        if valid.get(field).is_some() {
            let mut body = valid.clone();
            body[field] = json!("not-a-uuid");
            cases.push((format!("'{field}' not a UUID"), json_type, body.to_string(), path.clone()));
        }
    }
    let segments: Vec<&str> = path.split('/').collect();
    if let Some(id_at) = segments.iter().position(|s| s.len() == 36 && s.contains('-')) {
        let mut bad = segments.clone();
        bad[id_at] = "not-a-uuid";
        cases.push(("an id in the path that is not a UUID".into(), json_type, valid.to_string(), bad.join("/")));
    }
    cases
}

async fn events(app: &TestApp) -> i64 {
    let db = app.log.database();
    with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(pool).await).expect("countable")
}

async fn every_write_endpoint_refuses_every_kind_of_bad_input_without_writing(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let target = estate.staff(StaffRole::Plumber).await;
    let resident = estate.resident().await;
    let (request, _) = estate.submit(&resident, "Painting").await;
    let fm = app.sign_in_as(manager.account).await;
    let before = events(&app).await;
    let mut failures = Vec::new();
    let mut sent = 0;
    for endpoint in endpoints(
        &request.to_string(),
        &target.account.to_string(),
        &resident.account.to_string(),
        &target.account.to_string(),
    ) {
        for (case, content_type, body, path) in cases(&endpoint) {
            let answer: Answer = Client::send(
                fm.request(endpoint.method.clone(), &path).header("content-type", content_type).body(body),
            )
            .await;
            sent += 1;
            let shaped = answer.body["error"]["code"].is_string() && answer.body["error"]["message"].is_string();
            let expected = matches!(answer.status, 400 | 413 | 415);
            if !(expected && shaped) {
                failures.push(format!("{} {path} with {case}: {} {}", endpoint.method, answer.status, answer.body));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {sent} bad inputs were not refused as 400/413/415 in our shape:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(events(&app).await, before, "nothing was written");
    let csv =
        Client::send(fm.request(Method::POST, "/api/v1/roster").header("content-type", "application/json").body("{}"))
            .await;
    assert_eq!(csv.status, 415);
    let huge = Client::send(
        fm.request(Method::POST, "/api/v1/roster").header("content-type", "text/csv").body("x".repeat(2 * 1024 * 1024)),
    )
    .await;
    assert_eq!(huge.status, 413);
}
