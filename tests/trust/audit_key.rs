//! The estate has one audit key: the first server to seal records its public key, a server holding
//! another refuses to start (naming the key file setting), a stopping server seals what it
//! recorded, and `khaki audit export` seals what its bundle needs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use khaki_commands::{EventLog, Rules};
use serde_json::json;
use tokio::process::Command;

use crate::on_both_stores;
use crate::support::app::TestDatabase;
use crate::support::estate::ESTATE_PASSWORD;
use crate::support::http::Client;
use crate::support::process::{khaki, serve};
use crate::support::{Estate, Store};

on_both_stores!(servers_share_the_estate_s_one_audit_key_and_seal_on_the_way_out);

/// The store's flags and the key file a server (or an auditor) is given.
fn flags(database: &TestDatabase, key: &Path) -> Vec<String> {
    let mut flags = database.flags();
    flags.extend(["--audit-key-file".to_owned(), key.display().to_string()]);
    flags
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

async fn verify(database: &TestDatabase, key: &Path) -> (bool, serde_json::Value, String) {
    let out = khaki(&flags(database, key)).args(["audit", "verify"]).output().await.expect("verify runs");
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.success(), report, String::from_utf8_lossy(&out.stderr).into_owned())
}

async fn servers_share_the_estate_s_one_audit_key_and_seal_on_the_way_out(store: Store) {
    let database = TestDatabase::create(store).await;
    let log = EventLog::new(database.open().await, Rules::default());
    let estate = Estate::new(&log).await;
    let resident = estate.resident().await;
    let username: String = {
        let db = log.database();
        khaki_migrations::with_pool!(db, |pool| sqlx::query_scalar("SELECT username FROM accounts WHERE id = $1")
            .bind(resident.account.as_uuid())
            .fetch_one(pool)
            .await)
        .expect("username")
    };
    let keys = tempfile::tempdir().expect("temp folder");
    let (estate_key, other_key): (PathBuf, PathBuf) = (keys.path().join("estate.key"), keys.path().join("other.key"));

    // Sealing hourly: whatever is sealed when it stops, the stop sealed.
    let mut serving = flags(&database, &estate_key);
    serving.extend(["--seal-every-seconds".to_owned(), "3600".to_owned()]);
    let mut first = serve(&serving).await;
    let base = first.base.clone();
    let refused = khaki(&flags(&database, &other_key))
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .output()
        .await
        .expect("second serve runs");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "a server with another key refuses to start");
    assert!(said.contains("--audit-key-file") && said.contains("KHAKI_AUDIT_KEY_FILE"), "{said}");

    let anyone = Client::at(&base, None);
    let token = anyone.post("/api/v1/session", json!({"username": username, "password": ESTATE_PASSWORD})).await;
    let filer = Client::at(&base, token.body["token"].as_str().map(str::to_owned));
    let filed = filer
        .post(
            "/api/v1/requests",
            json!({"title": "Tap", "description": "Drips", "category": "Plumbing issue", "location": "Flat A-1"}),
        )
        .await;
    assert_eq!(filed.status, 201, "{filed:?}");
    let pid = first.process.id().expect("running").to_string();
    let stopped = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill runs");
    assert!(stopped.success());
    let exit =
        tokio::time::timeout(Duration::from_secs(30), first.process.wait()).await.expect("stops").expect("waited");
    assert!(exit.success(), "a graceful stop: {exit:?}");

    let (ok, report, stderr) = verify(&database, &estate_key).await;
    assert!(ok, "the log verifies with the estate's key: {report} {stderr}");
    assert_eq!(report["unsealed_events"], 0, "the stopping server sealed what it had recorded: {report}");
    let (ok, _, stderr) = verify(&database, &other_key).await;
    assert!(!ok && stderr.contains("--audit-key-file"), "another key is named as the problem: {stderr}");

    // Recorded after the last checkpoint, and exported without sealing by hand first.
    let (id, _) = estate.submit(&resident, "Painting").await;
    let out = keys.path().join("bundle.json");
    let exported = khaki(&flags(&database, &estate_key))
        .args(["audit", "export", "--request", &id.to_string(), "--out"])
        .arg(&out)
        .output()
        .await
        .expect("export runs");
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("bundle")).expect("JSON");
    assert_eq!(bundle["sealed_sequence"], 1, "the whole stream is under the signature: {bundle}");
    log.database().close().await;
}
