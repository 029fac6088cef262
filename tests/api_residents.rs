//! Residents over HTTP: registration with the one-owner-per-flat rule, their own contact details,
//! and the owners' roster import (API and command line) with claiming.

use khaki_migrations::with_pool;
use serde_json::json;

use crate::on_both_stores;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    residents_are_registered_once_per_owner_and_keep_their_contacts,
    the_roster_imports_once_and_owners_claim_their_flats,
    an_awkward_roster_is_reported_row_by_row_in_words,
    the_roster_is_read_back_by_block_and_claim_a_page_at_a_time,
);

fn registration(username: &str, flat: &str, kind: &str) -> serde_json::Value {
    json!({"username": username, "email": format!("{username}@estate.invalid"), "display_name": "Meera Pillai", "password": "a long password",
           "flat": flat, "resident_type": kind, "move_in": "2024-06-01", "phone": "+919830411111"})
}

async fn residents_are_registered_once_per_owner_and_keep_their_contacts(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let admin = app.sign_in("estate.warden").await;
    let owner = admin.post("/api/v1/residents", registration("meera.p", "c-202", "owner")).await;
    assert_eq!(owner.status, 201, "{owner:?}");
    assert_eq!(
        (owner.body["resident"]["flat"].as_str(), owner.body["resident"]["block"].as_str()),
        (Some("C-202"), Some("C"))
    );
    let second = admin.post("/api/v1/residents", registration("other.owner", "C-202", "owner")).await;
    assert_eq!((second.status, second.body["error"]["details"]["field"].as_str()), (409, Some("flat")));
    assert_eq!(admin.post("/api/v1/residents", registration("the.tenant", "C-202", "tenant")).await.status, 201);
    assert_eq!(admin.post("/api/v1/residents", registration("a.child", "C-202", "family")).await.status, 201);

    let id = owner.body["resident"]["id"].as_str().expect("id").to_owned();
    let me = app.sign_in_with("meera.p", "a long password").await;
    assert_eq!(me.get("/api/v1/me").await.body["flat"], "C-202");
    let updated = me.put(&format!("/api/v1/residents/{id}/contact"), json!({"phone": "+919830422222", "emergency_contact_name": "Arun", "emergency_contact_phone": "+919830433333"})).await;
    assert_eq!((updated.status, updated.body["resident"]["phone"].as_str()), (200, Some("+919830422222")));
    let bad = me.put(&format!("/api/v1/residents/{id}/contact"), json!({"phone": "98304"})).await;
    assert_eq!((bad.status, bad.code()), (400, "invalid_input"));
    let tenant = app.sign_in_with("the.tenant", "a long password").await;
    assert_eq!(
        tenant.get(&format!("/api/v1/residents/{id}")).await.status,
        404,
        "one resident does not read another's record"
    );
    assert_eq!(
        tenant.put(&format!("/api/v1/residents/{id}/contact"), json!({"phone": "+919830444444"})).await.status,
        403
    );
    assert_eq!(tenant.post("/api/v1/residents", registration("sneaky", "C-203", "owner")).await.status, 403);
}

const ROSTER: &str = "Ser No,Flat No,Name of Owners,Phone No,E-mail Id
BLOCK-D,,,,
1,101,SHRI ARUN NAIR,9830425757,arun@estate.invalid
2,102,SMT LEELA IYER & SHRI KIRAN IYER,09830425758,
3,103,MR BAD PHONE,12345,
";

async fn the_roster_imports_once_and_owners_claim_their_flats(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let admin = app.sign_in("estate.warden").await;
    let send = |dry: bool| {
        let path = if dry { "/api/v1/roster?dry_run=true" } else { "/api/v1/roster" };
        crate::support::http::Client::send(
            admin.request(reqwest::Method::POST, path).header("content-type", "text/csv").body(ROSTER),
        )
    };
    let dry = send(true).await;
    assert_eq!((dry.body["created"].as_u64(), dry.body["dry_run"].as_bool()), (Some(2), Some(true)));
    let first = send(false).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!((first.body["created"].as_u64(), first.body["unchanged"].as_u64()), (Some(2), Some(0)));
    assert_eq!(first.body["errors"][0]["line"], 5);
    let again = send(false).await;
    assert_eq!(
        (again.body["created"].as_u64(), again.body["unchanged"].as_u64()),
        (Some(0), Some(2)),
        "importing twice changes nothing"
    );
    let db = app.log.database();
    let names: String =
        with_pool!(db, |pool| sqlx::query_scalar("SELECT owner_names FROM roster_entries WHERE flat = 'D-102'")
            .fetch_one(pool)
            .await)
        .expect("entry");
    assert_eq!(names, "Leela Iyer & Kiran Iyer");

    let owner = admin.post("/api/v1/residents", registration("arun.nair", "D-101", "owner")).await;
    assert_eq!(owner.status, 201);
    let claimed: Option<uuid::Uuid> =
        with_pool!(db, |pool| sqlx::query_scalar("SELECT claimed_by FROM roster_entries WHERE flat = 'D-101'")
            .fetch_one(pool)
            .await)
        .expect("entry");
    assert_eq!(claimed.map(|c| c.to_string()), owner.body["resident"]["id"].as_str().map(str::to_owned));

    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), ROSTER.replace("BLOCK-D", "BLOCK-E")).expect("written");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_khaki"));
    command.args(app.database.flags()).args(["roster", "import"]).arg(file.path());
    let output = command.output().await.expect("roster import runs");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(printed.contains("created 2") && printed.contains("line 5"), "{printed}");
}

/// A roster saved on Windows (CRLF), with names the usual title-casing gets wrong and rows that
/// cannot be kept: every row error names its line as an editor shows it, and says what is wrong
/// in words (on PostgreSQL too, which refuses a NUL byte outright).
async fn an_awkward_roster_is_reported_row_by_row_in_words(store: Store) {
    let app = TestApp::spawn(store).await;
    let _estate = Estate::new(&app.log).await;
    let admin = app.sign_in("estate.warden").await;
    let roster = [
        "Ser No,Flat No,Name of Owners,Phone No,E-mail Id",
        "BLOCK-F,,,,",
        "1,101,SHRI ANIL D'SOUZA,9830425757,anil@estate.invalid",
        "2,102,SMT MARY-ANN O'BRIEN,9830425758,",
        "3,103,MR NUL\0BYTE,9830425759,",
        "4,,MR NO FLAT,9830425760,",
        "5,105,MR SAME MAIL,9830425761,ANIL@estate.invalid",
        "6,106,MR BAD PHONE,12345,",
    ]
    .join("\r\n");
    let answer = crate::support::http::Client::send(
        admin.request(reqwest::Method::POST, "/api/v1/roster").header("content-type", "text/csv").body(roster),
    )
    .await;
    assert_eq!((answer.status, answer.body["created"].as_u64()), (200, Some(2)), "{answer:?}");
    let errors: Vec<(u64, String)> = answer.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["line"].as_u64().unwrap_or(0), e["message"].as_str().unwrap_or("").to_owned()))
        .collect();
    let lines: Vec<u64> = errors.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, vec![5, 6, 7, 8], "{errors:?}");
    assert!(errors[0].1.contains("control character (U+0000)"), "{errors:?}");
    assert_eq!(errors[1].1, "the flat number is missing");
    assert!(errors[2].1.contains("already given on line 3 (flat F-101)"), "{errors:?}");
    assert!(errors[3].1.contains("12345"), "{errors:?}");
    assert!(errors.iter().all(|(_, m)| !m.contains("database")), "no store's own words: {errors:?}");

    let db = app.log.database();
    let names: Vec<String> = with_pool!(db, |pool| sqlx::query_scalar(
        "SELECT owner_names FROM roster_entries WHERE block = 'F' ORDER BY flat"
    )
    .fetch_all(pool)
    .await)
    .expect("entries");
    assert_eq!(names, ["Anil D'Souza", "Mary-Ann O'Brien"]);
}

/// `GET /api/v1/roster` and `khaki roster list`: the flats in order, filtered by block and by
/// whether their owner has claimed them, paged; strict about its query; for administrators and
/// facility managers only.
async fn the_roster_is_read_back_by_block_and_claim_a_page_at_a_time(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let admin = app.sign_in("estate.warden").await;
    for block in ["D", "E"] {
        let roster = ROSTER.replace("BLOCK-D", &format!("BLOCK-{block}"));
        let imported = crate::support::http::Client::send(
            admin.request(reqwest::Method::POST, "/api/v1/roster").header("content-type", "text/csv").body(roster),
        )
        .await;
        assert_eq!(imported.body["created"], 2, "{imported:?}");
    }
    let owner = admin.post("/api/v1/residents", registration("arun.nair", "D-101", "owner")).await;
    assert_eq!(owner.status, 201, "{owner:?}");
    let flats = |answer: &crate::support::http::Answer| -> Vec<String> {
        answer.body["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["flat"].as_str().unwrap_or("").to_owned())
            .collect()
    };

    let all = admin.get("/api/v1/roster").await;
    assert_eq!(all.status, 200, "{all:?}");
    assert_eq!(flats(&all), ["D-101", "D-102", "E-101", "E-102"]);
    assert_eq!(all.body["next"], serde_json::Value::Null);
    let first = &all.body["entries"][0];
    assert_eq!(
        (first["owner_names"].as_str(), first["phone"].as_str(), first["email"].as_str(), first["block"].as_str()),
        (Some("Arun Nair"), Some("+919830425757"), Some("arun@estate.invalid"), Some("D"))
    );
    assert_eq!(
        (first["claimed"].as_bool(), first["claimed_by"].as_str()),
        (Some(true), owner.body["resident"]["id"].as_str())
    );
    assert_eq!(flats(&admin.get("/api/v1/roster?block=e").await), ["E-101", "E-102"]);
    assert_eq!(flats(&admin.get("/api/v1/roster?claimed=true").await), ["D-101"]);
    assert_eq!(flats(&admin.get("/api/v1/roster?claimed=false&block=D").await), ["D-102"]);

    let mut paged = Vec::new();
    let mut path = "/api/v1/roster?limit=3".to_owned();
    loop {
        let page = admin.get(&path).await;
        assert_eq!(page.status, 200, "{page:?}");
        paged.extend(flats(&page));
        match page.body["next"].as_str() {
            Some(next) => path = format!("/api/v1/roster?limit=3&after={next}"),
            None => break,
        }
    }
    assert_eq!(paged, flats(&all), "pages follow on without a gap or a repeat");

    for (query, field) in
        [("colour=red", "query"), ("claimed=maybe", "claimed"), ("limit=0", "limit"), ("limit=201", "limit")]
    {
        let refused = admin.get(&format!("/api/v1/roster?{query}")).await;
        assert_eq!(
            (refused.status, refused.code(), refused.body["error"]["details"]["field"].as_str()),
            (400, "invalid_input", Some(field)),
            "{query}: {refused:?}"
        );
    }
    let manager = app.sign_in_as(estate.staff(khaki_domain::StaffRole::FacilityManager).await.account).await;
    assert_eq!(manager.get("/api/v1/roster").await.status, 200);
    let resident = app.sign_in_with("arun.nair", "a long password").await;
    let refused = resident.get("/api/v1/roster").await;
    assert_eq!((refused.status, refused.code()), (403, "not_allowed"), "{refused:?}");

    let list = |args: &'static [&'static str]| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_khaki"));
        command.args(app.database.flags()).args(["roster", "list"]).args(args);
        async move {
            let output = command.output().await.expect("roster list runs");
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
    };
    let table = list(&["--block", "D"]).await;
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 3, "a heading and two flats: {table}");
    assert!(rows[1].starts_with("D-101") && rows[1].contains("Arun Nair") && rows[1].ends_with("yes"), "{table}");
    assert!(rows[2].starts_with("D-102") && rows[2].ends_with("no"), "{table}");
    let lines = list(&["--claimed", "false", "--json"]).await;
    let waiting: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("a JSON line")["flat"].as_str().unwrap_or("").to_owned()
        })
        .collect();
    assert_eq!(waiting, ["D-102", "E-101", "E-102"]);
}
