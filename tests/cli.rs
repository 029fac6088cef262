//! The `khaki` binary as a newcomer uses it: demo, then serve, then look at the events.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::on_both_stores;
use crate::support::app::TestDatabase;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    a_demo_estate_is_served_and_its_events_listed,
    the_first_administrator_is_created_from_the_command_line,
    init_without_a_terminal_asks_for_the_password_on_standard_input,
    the_demo_estate_is_made_only_in_an_empty_store,
    administrators_are_made_and_passwords_reset_from_the_command_line,
    printing_commands_end_quietly_when_their_reader_goes_away,
);

fn khaki(database: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_khaki"));
    command.args(database.flags()).env_remove("DATABASE_URL").env_remove("KHAKI_DATA").kill_on_drop(true);
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

async fn a_demo_estate_is_served_and_its_events_listed(store: Store) {
    let database = TestDatabase::create(store).await;
    let demo = khaki(&database).args(["demo", "--requests", "25"]).output().await.expect("demo runs");
    assert!(demo.status.success(), "demo failed: {}", String::from_utf8_lossy(&demo.stderr));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("demo estate ready"));

    let port = free_port();
    let mut server = khaki(&database)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let client = reqwest::Client::new();
    let mut health = None;
    for _ in 0..100 {
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}/health")).send().await {
            health = Some(response.json::<serde_json::Value>().await.expect("health is JSON"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let health = health.expect("the server answered");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["store"], if store == Store::Postgres { "postgres" } else { "sqlite" });
    assert!(health["log_head"].as_i64().unwrap_or(0) > 300, "{health}");
    server.kill().await.expect("stopped");

    let listed = khaki(&database).args(["events", "--limit", "5"]).output().await.expect("events runs");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["event_type"], "AccountOpened");
    assert!(lines.iter().all(|e| e["metadata"]["correlation_id"].is_string()));
}

async fn the_first_administrator_is_created_from_the_command_line(store: Store) {
    let database = TestDatabase::create(store).await;
    let init = |username: &'static str, password: &'static str| {
        let mut command = khaki(&database);
        command
            .args(["init", "--admin-username", username, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        async move {
            let mut child = command.spawn().expect("init starts");
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(format!("{password}\n").as_bytes()).await.expect("written");
            drop(stdin);
            child.wait_with_output().await.expect("init ends")
        }
    };
    let short = init("chief", "short").await;
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    let made = init("chief", "a long enough secret").await;
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    // A second `init`, under any name, would make a second "first administrator".
    for username in ["chief", "deputy"] {
        let again = init(username, "a long enough secret").await;
        let said = String::from_utf8_lossy(&again.stderr);
        assert!(!again.status.success(), "a second init by {username} is refused");
        assert!(
            said.contains("already has an administrator ('chief')") && said.contains("khaki admin create"),
            "{said}"
        );
    }
    let db = database.open().await;
    let administrators = khaki_commands::accounts::active_administrators(&db).await.expect("readable");
    assert_eq!(administrators.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(), ["chief"]);
    db.close().await;
}

/// Without a terminal to prompt on (a script, a pipe, a service), `init` says how to give the
/// password instead of failing with "No such device or address".
async fn init_without_a_terminal_asks_for_the_password_on_standard_input(store: Store) {
    let database = TestDatabase::create(store).await;
    let mut command = khaki(&database);
    command.args(["init", "--admin-username", "chief"]).stdin(Stdio::null());
    let tried = command.output().await.expect("init runs");
    let said = String::from_utf8_lossy(&tried.stderr);
    assert!(!tried.status.success());
    assert!(said.contains("no terminal") && said.contains("--password-stdin"), "{said}");
    assert!(!said.contains("os error"), "{said}");
}

/// `khaki demo` after `khaki init` would mix made-up people and months of made-up history into a
/// real estate: it is refused, and nothing is added.
async fn the_demo_estate_is_made_only_in_an_empty_store(store: Store) {
    let database = TestDatabase::create(store).await;
    let mut init = khaki(&database);
    init.args(["init", "--admin-username", "chief", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = init.spawn().expect("init starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"a long enough secret\n").await.expect("written");
    drop(stdin);
    let made = child.wait_with_output().await.expect("init ends");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let db = database.open().await;
    let before = khaki_projections::log_head(&db).await.expect("readable");

    let demo = khaki(&database).args(["demo", "--requests", "3"]).output().await.expect("demo runs");
    let said = String::from_utf8_lossy(&demo.stderr);
    assert!(!demo.status.success(), "the demo is refused: {}", String::from_utf8_lossy(&demo.stdout));
    assert!(said.contains("not empty") && said.contains("khaki init"), "{said}");
    assert_eq!(khaki_projections::log_head(&db).await.expect("readable"), before, "nothing was added");
    db.close().await;
}

/// `khaki admin create`, `khaki admin reset-password` and `khaki staff diagnostics`.
async fn administrators_are_made_and_passwords_reset_from_the_command_line(store: Store) {
    let database = TestDatabase::create(store).await;
    let run = |args: &'static [&'static str], stdin: &'static str| {
        let mut command = khaki(&database);
        command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        async move {
            let mut child = command.spawn().expect("starts");
            let mut input = child.stdin.take().expect("stdin");
            input.write_all(stdin.as_bytes()).await.expect("written");
            drop(input);
            child.wait_with_output().await.expect("ends")
        }
    };
    let made =
        run(&["admin", "create", "--username", "second.admin", "--password-stdin"], "first long password\n").await;
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let reset = run(&["admin", "reset-password", "second.admin", "--password-stdin"], "second long password\n").await;
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
    let unknown = run(&["admin", "reset-password", "nobody.here", "--password-stdin"], "third long password\n").await;
    assert!(!unknown.status.success());
    let db = database.open().await;
    let hash: String = khaki_migrations::with_pool!(&db, |pool| {
        sqlx::query_scalar("SELECT password_hash FROM accounts WHERE username = 'second.admin'").fetch_one(pool).await
    })
    .expect("account");
    assert!(khaki_commands::password::verify("second long password", &hash));
    let diagnostics = run(&["staff", "diagnostics"], "").await;
    assert!(
        String::from_utf8_lossy(&diagnostics.stdout).contains("every staff member holds exactly their role's flags")
    );
    db.close().await;
}

/// `khaki replay … | head`: every command that prints stops without a panic, and successfully,
/// when the reader of its output has gone before it is done.
async fn printing_commands_end_quietly_when_their_reader_goes_away(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let (_, ticket) = estate.submit(&resident, "Plumbing issue").await;
    let ticket = ticket.to_string();
    let commands: [&[&str]; 8] = [
        &["events", "--limit", "100000"],
        &["roster", "list"],
        &["replay", "--request", &ticket],
        &["projections", "status"],
        &["staff", "diagnostics"],
        &["audit", "verify"],
        &["audit", "public-key"],
        &["migrate"],
    ];
    let mut noisy = Vec::new();
    for args in commands {
        let mut command = khaki(&app.database);
        command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("starts");
        // The reader goes away before the command has printed anything.
        drop(child.stdout.take());
        let ended = child.wait_with_output().await.expect("ends");
        let stderr = String::from_utf8_lossy(&ended.stderr);
        if ended.status.code() != Some(0) || stderr.contains("panicked") || stderr.contains("Broken pipe") {
            noisy.push(format!("khaki {}: {:?}, {stderr}", args.join(" "), ended.status));
        }
    }
    assert!(noisy.is_empty(), "{}", noisy.join("\n"));
}
