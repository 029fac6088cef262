//! Auditors' questions through the real server and command line: histories, past states, the
//! log itself, tamper evidence (each kind of alteration caught), offline bundles, replay, and
//! erasure that keeps every history and the chain intact.

use chrono::{Duration, Utc};
use ed25519_dalek::SigningKey;
use khaki_commands::requests::{self, AssignTo};
use khaki_commands::Origin;
use khaki_domain::StaffRole;
use khaki_migrations::{with_pool, Location};
use khaki_projections::audit::{seal, verify_log, verify_log_in_batches};
use serde_json::json;
use tokio::process::Command;

use crate::on_both_stores;
use crate::support::http::Client;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    histories_say_who_did_what_when_and_what_changed,
    a_request_as_of_any_moment_is_folded_from_the_log,
    auditors_page_and_export_the_log_and_issue_no_command,
    an_edited_event_is_caught,
    an_edited_payload_is_caught,
    a_deleted_event_is_caught,
    an_inserted_event_is_caught,
    reordered_events_are_caught,
    a_truncated_log_is_caught,
    a_bundle_verifies_offline_and_not_once_altered,
    erasing_a_person_keeps_histories_and_the_chain,
);

fn khaki(app: &TestApp, key_folder: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_khaki"));
    command
        .args(app.database.flags())
        .arg("--audit-key-file")
        .arg(key_folder.join("audit.key"))
        .env_remove("DATABASE_URL");
    command
}

/// A resident, a facility manager and a plumber, and one request taken through to resolved.
async fn worked_request(
    app: &TestApp,
    estate: &Estate<'_>,
) -> (khaki_domain::RequestId, khaki_domain::Actor, khaki_domain::Actor, khaki_domain::Actor) {
    let (resident, manager, plumber) = (
        estate.resident().await,
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Plumber).await,
    );
    let (id, _) = estate.submit(&resident, "Plumbing issue").await;
    let as_manager = Origin::new(manager.clone());
    requests::assign(&app.log, &as_manager, id, AssignTo { staff: plumber.account, due: None, estimated_cost: None })
        .await
        .expect("assigned");
    let as_plumber = Origin::new(plumber.clone());
    requests::start_work(&app.log, &as_plumber, id).await.expect("started");
    let note = khaki_domain::CommentId::from_uuid(uuid::Uuid::new_v4());
    requests::comment(&app.log, &as_plumber, id, note, crate::support::estate::text("Valve seized"), true)
        .await
        .expect("commented");
    requests::resolve(&app.log, &as_plumber, id, None, None).await.expect("resolved");
    (id, resident, manager, plumber)
}

async fn histories_say_who_did_what_when_and_what_changed(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (id, resident, manager, plumber) = worked_request(&app, &estate).await;
    let fm = app.sign_in_as(manager.account).await;
    let history = fm.get(&format!("/api/v1/requests/{id}/history")).await;
    assert_eq!(history.status, 200, "{history:?}");
    let actions: Vec<&str> =
        history.body["entries"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "RequestSubmitted",
            "RequestAcknowledged",
            "RequestAssigned",
            "WorkStarted",
            "CommentPosted",
            "RequestResolved"
        ]
    );
    let assigned = &history.body["entries"][2];
    assert_eq!(assigned["actor"]["id"], json!(manager.account));
    assert_eq!(assigned["actor_role"], "facility_manager");
    assert!(assigned["correlation_id"].is_string());
    let change = assigned["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["field"] == "status")
        .expect("status changed");
    assert_eq!((change["before"].as_str(), change["after"].as_str()), (Some("acknowledged"), Some("assigned")));
    let assignee = assigned["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["field"] == "assignee")
        .expect("assignee changed");
    assert_eq!((&assignee["before"], &assignee["after"]), (&json!(null), &json!(plumber.account)));

    let me = app.sign_in_as(resident.account).await;
    let seen = me.get(&format!("/api/v1/requests/{id}/history")).await;
    assert!(
        seen.body["entries"].as_array().expect("entries").iter().all(|e| e["action"] != "CommentPosted"),
        "internal comments are hidden from residents"
    );
    let only = fm.get(&format!("/api/v1/requests/{id}/history?action=RequestAssigned")).await;
    assert_eq!(only.body["entries"].as_array().map(Vec::len), Some(1));
    let first_page = fm.get(&format!("/api/v1/requests/{id}/history?limit=2")).await;
    let after = first_page.body["next_after"].as_i64().expect("more pages");
    let second_page = fm.get(&format!("/api/v1/requests/{id}/history?limit=2&after={after}")).await;
    assert_eq!(second_page.body["entries"][0]["action"], "RequestAssigned");
    let other = app.sign_in_as(estate.resident().await.account).await;
    assert_eq!(other.get(&format!("/api/v1/requests/{id}/history")).await.status, 404);

    let admin = app.sign_in("estate.warden").await;
    admin.post(&format!("/api/v1/staff/{}/role", plumber.account), json!({"role": "electrician"})).await;
    let staff_history = admin.get(&format!("/api/v1/staff/{}/history", plumber.account)).await;
    let appointed = staff_history.body["entries"].as_array().expect("entries").last().expect("an entry").clone();
    assert_eq!(appointed["action"], "StaffAppointed");
    assert_eq!(appointed["changes"][0], json!({"field": "role", "before": "plumber", "after": "electrician"}));
}

async fn a_request_as_of_any_moment_is_folded_from_the_log(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (resident, manager, plumber) = (
        estate.resident().await,
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Plumber).await,
    );
    let start = Utc::now() - Duration::days(3);
    let new = Estate::new_request("Plumbing issue");
    let id = new.id;
    requests::submit(&app.log, &Origin::new(resident.clone()).at(start), new).await.expect("submitted");
    let assigned = requests::assign(
        &app.log,
        &Origin::new(manager.clone()).at(start + Duration::hours(20)),
        id,
        AssignTo { staff: plumber.account, due: None, estimated_cost: None },
    )
    .await
    .expect("assigned");
    let fm = app.sign_in_as(manager.account).await;
    let at = |moment: String| {
        let fm = fm.clone();
        async move { fm.get(&format!("/api/v1/requests/{id}?as_of={}", moment.replace('+', "%2B"))).await }
    };
    let then = at((start + Duration::hours(1)).to_rfc3339()).await;
    assert_eq!((then.body["status"].as_str(), then.body["version"].as_u64()), (Some("submitted"), Some(1)));
    assert_eq!(then.body["actions"], json!([]), "nothing can be done to the past");
    let by_position = at(assigned.position.expect("position").to_string()).await;
    assert_eq!(by_position.body["status"], "assigned");
    assert_eq!(at((start - Duration::hours(1)).to_rfc3339()).await.status, 404, "it did not exist yet");
    assert_eq!(at("yesterday".into()).await.status, 400);

    let auditor = app.sign_in_as(estate.auditor().await).await;
    let overdue = auditor
        .get(&format!(
            "/api/v1/audit/requests?status=overdue&as_of={}",
            (start + Duration::hours(13)).to_rfc3339().replace('+', "%2B")
        ))
        .await;
    assert_eq!(overdue.status, 200, "{overdue:?}");
    assert_eq!(
        overdue.body.as_array().map(Vec::len),
        Some(1),
        "due 12 hours after submission, unresolved: overdue at 13 hours"
    );
    let early = auditor
        .get(&format!(
            "/api/v1/audit/requests?status=overdue&as_of={}",
            (start + Duration::hours(11)).to_rfc3339().replace('+', "%2B")
        ))
        .await;
    assert_eq!(early.body, json!([]));
    let submitted = auditor
        .get(&format!(
            "/api/v1/audit/requests?status=submitted&as_of={}",
            (start + Duration::hours(2)).to_rfc3339().replace('+', "%2B")
        ))
        .await;
    assert_eq!(submitted.body[0]["id"], json!(id));
    let staff_then =
        fm.get(&format!("/api/v1/staff/{}?as_of={}", plumber.account, assigned.position.expect("position"))).await;
    assert_eq!(staff_then.body["role"], "plumber");
}

async fn auditors_page_and_export_the_log_and_issue_no_command(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (id, ..) = worked_request(&app, &estate).await;
    let auditor_id = estate.auditor().await;
    let auditor = app.sign_in_as(auditor_id).await;
    let total: i64 = {
        let db = app.log.database();
        with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(pool).await).expect("count")
    };
    crate::support::settled(app.log.database()).await;
    let mut seen = 0;
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(cursor) => format!("/api/v1/audit/events?limit=4&after={cursor}"),
            None => "/api/v1/audit/events?limit=4".into(),
        };
        let page = auditor.get(&path).await;
        assert_eq!(page.status, 200, "{page:?}");
        let events = page.body["events"].as_array().expect("events");
        assert!(events
            .iter()
            .all(|e| e["metadata"]["correlation_id"].is_string() && e["hash"].as_str().is_some_and(|h| h.len() == 64)));
        seen += events.len() as i64;
        after = page.body["next_after"].as_str().map(str::to_owned);
        if events.is_empty() {
            break;
        }
    }
    assert_eq!(seen, total, "paging walks the whole log once");
    let export = Client::send(auditor.request(reqwest::Method::GET, "/api/v1/audit/export")).await;
    assert_eq!(export.headers["content-type"], "application/x-ndjson");
    let text = reqwest::Client::new()
        .get(app.url("/api/v1/audit/export"))
        .bearer_auth(auditor.token.clone().expect("token"))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    assert_eq!(text.lines().count() as i64, total);
    assert!(text.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));

    let verified = auditor.get("/api/v1/audit/verify").await;
    assert_eq!(verified.body["ok"], true, "{verified:?}");
    assert_eq!(auditor.get(&format!("/api/v1/requests/{id}")).await.status, 200, "auditors read every request");
    let acting = auditor.post(&format!("/api/v1/requests/{id}/comments"), json!({"text": "hmm"})).await;
    assert_eq!((acting.status, acting.code()), (403, "not_allowed"), "auditors issue no command");
    let resident = app.sign_in_as(estate.resident().await.account).await;
    assert_eq!(resident.get("/api/v1/audit/events").await.status, 403);
    assert_eq!(
        resident.post(&format!("/api/v1/accounts/{auditor_id}/auditor"), json!({"auditor": false})).await.status,
        403
    );
}

/// A log with work in it, sealed, checked sound; then `tamper` runs as a database superuser
/// (triggers off) and verification must fail saying so.
async fn caught(store: Store, tamper: fn(Store) -> Vec<&'static str>, expected: &str) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    worked_request(&app, &estate).await;
    worked_request(&app, &estate).await;
    let key = SigningKey::from_bytes(&[7; 32]);
    let db = app.log.database();
    crate::support::settled(db).await;
    seal(db, &key, Utc::now()).await.expect("sealed").expect("a checkpoint");
    let trusted = key.verifying_key().to_bytes();
    assert!(verify_log(db, Some(&trusted)).await.expect("verified").ok, "sound before tampering");
    let in_pairs = verify_log_in_batches(db, Some(&trusted), 2).await.expect("verified");
    assert!(in_pairs.ok && in_pairs.checkpoints_verified == 1, "sound read two at a time: {in_pairs:?}");
    match &app.database.location {
        Location::Postgres { url } => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url).await.expect("superuser connection");
            sqlx::query("SET session_replication_role = replica").execute(&mut conn).await.expect("triggers off");
            for statement in tamper(store) {
                sqlx::query(statement).execute(&mut conn).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
            }
        }
        Location::Sqlite { file } => {
            let mut conn =
                <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{}", file.display()))
                    .await
                    .expect("connection");
            for statement in ["DROP TRIGGER events_are_never_updated", "DROP TRIGGER events_are_never_deleted"]
                .into_iter()
                .chain(tamper(store))
            {
                sqlx::query(statement).execute(&mut conn).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
            }
        }
    }
    let report = verify_log(db, Some(&trusted)).await.expect("verification runs");
    assert!(!report.ok, "tampering went unnoticed: {report:?}");
    let what = report.problem.as_ref().map(|p| p.what.clone()).unwrap_or_default();
    assert!(what.contains(expected), "expected a problem mentioning '{expected}', got: {what}");
    // Read two events at a time, the problem is found in the same place, across batch boundaries.
    let in_pairs = verify_log_in_batches(db, Some(&trusted), 2).await.expect("verification runs");
    assert_eq!(in_pairs.problem, report.problem, "the batch size changes nothing");
}

/// The third event of the log (in position order), a request event in the middle of its stream.
const MIDDLE: &str = "(SELECT position FROM events WHERE aggregate_type = 'MaintenanceRequest' AND sequence = 3 ORDER BY position LIMIT 1)";

async fn an_edited_event_is_caught(store: Store) {
    caught(
        store,
        |_| {
            vec![Box::leak(format!("UPDATE events SET event_version = '2' WHERE position = {MIDDLE}").into_boxed_str())]
        },
        "changed",
    )
    .await;
}

async fn an_edited_payload_is_caught(store: Store) {
    caught(
        store,
        |store| {
            let edit = match store {
                Store::Postgres => "payload || '{\"note\": \"forged\"}'",
                Store::Sqlite => "json_patch(payload, '{\"note\": \"forged\"}')",
            };
            vec![Box::leak(format!("UPDATE events SET payload = {edit} WHERE position = {MIDDLE}").into_boxed_str())]
        },
        "changed",
    )
    .await;
    // Only SQLite keeps JSON as text that could be made unreadable behind the application's back.
    if store == Store::Sqlite {
        caught(
            store,
            |_| {
                vec![Box::leak(
                    format!("UPDATE events SET metadata = '{{oops' WHERE position = {MIDDLE}").into_boxed_str(),
                )]
            },
            "metadata is not valid JSON",
        )
        .await;
    }
}

async fn a_deleted_event_is_caught(store: Store) {
    caught(
        store,
        |_| vec![Box::leak(format!("DELETE FROM events WHERE position = {MIDDLE}").into_boxed_str())],
        "missing",
    )
    .await;
}

async fn an_inserted_event_is_caught(store: Store) {
    caught(
        store,
        |store| match store {
            // Placed before everything sealed: the earliest transaction, a position before all.
            Store::Postgres => vec![
                "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, hash, position, transaction_id)
                 OVERRIDING SYSTEM VALUE
                 SELECT 'Account', 'forged', 1, 'AccountOpened', '1', payload, metadata, recorded_at, hash, -1, transaction_id
                 FROM events ORDER BY position LIMIT 1",
            ],
            // Room made in the middle of the log, and a forged event put there.
            Store::Sqlite => vec![
                "UPDATE events SET position = position + 1000000 WHERE position > 3",
                "INSERT INTO events (position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, hash)
                 SELECT 4, 'Account', 'forged', 1, event_type, event_version, payload, metadata, recorded_at, hash FROM events WHERE position = 1",
            ],
        },
        "",
    )
    .await;
}

async fn reordered_events_are_caught(store: Store) {
    let swap = |_| {
        let stream = "aggregate_type = 'MaintenanceRequest' AND aggregate_id = (SELECT aggregate_id FROM events WHERE aggregate_type = 'MaintenanceRequest' ORDER BY position LIMIT 1)";
        vec![
            Box::leak(format!("UPDATE events SET sequence = 1000 WHERE {stream} AND sequence = 3").into_boxed_str())
                as &'static str,
            Box::leak(format!("UPDATE events SET sequence = 3 WHERE {stream} AND sequence = 4").into_boxed_str()),
            Box::leak(format!("UPDATE events SET sequence = 4 WHERE {stream} AND sequence = 1000").into_boxed_str()),
        ]
    };
    caught(store, swap, "out of order").await;
}

async fn a_truncated_log_is_caught(store: Store) {
    caught(
        store,
        |_| vec!["DELETE FROM events WHERE position IN (SELECT position FROM events ORDER BY position DESC LIMIT 2)"],
        "removed",
    )
    .await;
}

async fn a_bundle_verifies_offline_and_not_once_altered(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (id, ..) = worked_request(&app, &estate).await;
    let keys = tempfile::tempdir().expect("temp folder");
    let run = |args: Vec<String>| {
        let mut command = khaki(&app, keys.path());
        command.args(args);
        async move { command.output().await.expect("khaki runs") }
    };
    crate::support::settled(app.log.database()).await;
    let sealed = run(vec!["audit".into(), "seal".into()]).await;
    assert!(
        String::from_utf8_lossy(&sealed.stdout).contains("sealed checkpoint 1"),
        "{}",
        String::from_utf8_lossy(&sealed.stderr)
    );
    let verified = run(vec!["audit".into(), "verify".into()]).await;
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stdout));
    let public_key =
        String::from_utf8_lossy(&run(vec!["audit".into(), "public-key".into()]).await.stdout).trim().to_owned();
    assert_eq!(public_key.len(), 64);
    let out = keys.path().join("bundle.json");
    let exported = run(vec![
        "audit".into(),
        "export".into(),
        "--request".into(),
        id.to_string(),
        "--out".into(),
        out.display().to_string(),
    ])
    .await;
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    let check = |file: std::path::PathBuf| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_khaki"));
        command.args(["audit", "verify-bundle"]).arg(file).args(["--public-key", &public_key]);
        async move { command.output().await.expect("verify-bundle runs") }
    };
    let good = check(out.clone()).await;
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    assert!(String::from_utf8_lossy(&good.stdout).contains("bundle OK: 6 events"));
    let mut bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("bundle")).expect("json");
    bundle["events"][2]["metadata"]["actor_role"] = json!("resident");
    let forged = keys.path().join("forged.json");
    std::fs::write(&forged, bundle.to_string()).expect("written");
    let bad = check(forged).await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("does not verify"));

    let replay = run(vec!["replay".into(), "--request".into(), id.to_string()]).await;
    let printed = String::from_utf8_lossy(&replay.stdout);
    assert_eq!(printed.lines().filter(|l| l.starts_with("-- #")).count(), 6, "{printed}");
    assert!(printed.contains("status: \"acknowledged\" -> \"assigned\""));
    let until = run(vec![
        "replay".into(),
        "--request".into(),
        id.to_string(),
        "--until".into(),
        (Utc::now() - Duration::days(1)).to_rfc3339(),
    ])
    .await;
    assert_eq!(String::from_utf8_lossy(&until.stdout).lines().count(), 0);
}

async fn erasing_a_person_keeps_histories_and_the_chain(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let (id, resident, manager, _) = worked_request(&app, &estate).await;
    let keys = tempfile::tempdir().expect("temp folder");
    let username: String = {
        let db = app.log.database();
        with_pool!(db, |pool| sqlx::query_scalar("SELECT username FROM accounts WHERE id = $1")
            .bind(resident.account.as_uuid())
            .fetch_one(pool)
            .await)
        .expect("username")
    };
    let erased = khaki(&app, keys.path()).args(["people", "erase", &username]).output().await.expect("erase runs");
    crate::support::settled(app.log.database()).await;
    assert!(erased.status.success(), "{}", String::from_utf8_lossy(&erased.stderr));
    let db = app.log.database();
    let left: (Option<String>, Option<String>, Option<String>) = with_pool!(db, |pool| {
        sqlx::query_as("SELECT email, display_name, phone FROM accounts WHERE id = $1")
            .bind(resident.account.as_uuid())
            .fetch_one(pool)
            .await
    })
    .expect("row");
    assert_eq!(left, (None, None, None));
    let fm = app.sign_in_as(manager.account).await;
    let history = fm.get(&format!("/api/v1/requests/{id}/history")).await;
    assert_eq!(history.body["entries"][0]["actor"]["name"], "erased person");
    assert_eq!(fm.get(&format!("/api/v1/requests/{id}")).await.body["submitter"]["name"], "erased person");
    let verified = khaki(&app, keys.path()).args(["audit", "verify"]).output().await.expect("verify runs");
    assert!(verified.status.success(), "the chain holds after erasure: {}", String::from_utf8_lossy(&verified.stdout));
    let sign_in = app
        .anonymous()
        .post("/api/v1/session", json!({"username": username, "password": crate::support::estate::ESTATE_PASSWORD}))
        .await;
    assert_eq!(sign_in.status, 401);
}
