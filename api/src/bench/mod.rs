//! `khaki bench`: loads a realistic estate into a fresh database, serves it with a `khaki serve`
//! of its own on loopback, drives the scenarios at several concurrencies from this (separate)
//! process, and prints each figure beside the database's own limit for the same work, measured in
//! the same run. docs/performance.md has the latest figures and what limits each.

mod measure;
mod offline;
mod raw;
mod report;
pub mod scenarios;
pub mod seed;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use khaki_commands::{EventLog, Rules};
use khaki_domain::StaffRole;
use khaki_migrations::{with_pool, Database, Location};
use serde_json::json;
use tokio::process::{Child, Command};

pub use scenarios::SCENARIOS;

use crate::bench::report::{Report, Row};
use crate::cli::out::say;
use crate::cli::Failure;

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Which store to measure.
    #[arg(long, value_enum, default_value_t = BenchStore::Sqlite)]
    pub store: BenchStore,
    /// Requests to seed, with their histories.
    #[arg(long, default_value_t = 10_000)]
    pub requests: u64,
    /// Seconds each scenario runs at each concurrency.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrencies to run each scenario at.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32,64")]
    pub concurrency: Vec<usize>,
    /// Only these scenarios (default: all).
    #[arg(long, value_delimiter = ',')]
    pub scenarios: Vec<String>,
    /// The PostgreSQL server to make the bench database on. The default is the local server's Unix
    /// socket, as a service deployed beside its database would connect (no TCP, no TLS).
    #[arg(long, default_value = "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/postgres")]
    pub postgres: String,
    /// Seed the requests through the command path instead of in bulk.
    #[arg(long)]
    pub through_commands: bool,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where the JSON results go.
    #[arg(long, default_value = "bench/results")]
    pub out: PathBuf,
    /// Keep the bench database afterwards.
    #[arg(long)]
    pub keep: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BenchStore {
    Postgres,
    Sqlite,
}

/// Staff per trade: enough that no one is overloaded by the plan.
const WORKERS_PER_ROLE: usize = 8;
const RESIDENTS: usize = 200;
/// The request with a long history, for the history and as-of scenario.
const LONG_HISTORY: usize = 1000;

pub async fn run(args: BenchArgs) -> Result<(), Failure> {
    let started = chrono::Utc::now();
    let (location, postgres_name, folder) = create_database(&args).await?;
    let outcome = measure_all(&args, &location).await;
    if !args.keep {
        if let Some(name) = postgres_name {
            if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&args.postgres).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
            }
        }
        if let Some(folder) = folder {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
    let report = outcome?;
    say!("{}", report.table())?;
    std::fs::create_dir_all(&args.out)?;
    let file = args.out.join(format!("{}-{}-{}.json", report.store, report.requests, started.format("%Y%m%dT%H%M%S")));
    std::fs::write(&file, serde_json::to_string_pretty(&report)?)?;
    say!("results written to {}", file.display())?;
    Ok(())
}

async fn create_database(args: &BenchArgs) -> Result<(Location, Option<String>, Option<PathBuf>), Failure> {
    let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S%f");
    match args.store {
        BenchStore::Postgres => {
            let name = format!("khaki_bench_{stamp}");
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&args.postgres).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
            let server = args.postgres.rsplit_once('/').map_or(args.postgres.as_str(), |(server, _)| server);
            Ok((Location::Postgres { url: format!("{server}/{name}") }, Some(name), None))
        }
        BenchStore::Sqlite => {
            let folder = std::env::temp_dir().join(format!("khaki-bench-{stamp}"));
            Ok((Location::Sqlite { file: folder.join("khaki.db") }, None, Some(folder)))
        }
    }
}

fn progress(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    bar
}

async fn measure_all(args: &BenchArgs, location: &Location) -> Result<Report, Failure> {
    // The raw limit gets a connection per client, up to 48 (PostgreSQL allows 100, and the
    // server holds up to 32 and its followers a few more).
    let clients = args.concurrency.iter().copied().max().unwrap_or(1).clamp(16, 48);
    let db = Database::open(location, u32::try_from(clients).unwrap_or(16)).await?;
    let rules = Rules { workload_limit: 100_000_000, ..Rules::default() };
    let log = EventLog::new(db.clone(), rules);
    let seeding = Instant::now();
    let now = chrono::Utc::now();
    let cast =
        seed::people::cast(&log, args.seed, RESIDENTS, WORKERS_PER_ROLE, now - chrono::Duration::days(800)).await?;
    let mut plan = seed::plan::plan(args.requests, args.seed, RESIDENTS, WORKERS_PER_ROLE, now, 720);
    let long = seed::plan::long_story(args.seed, LONG_HISTORY - 3, now);
    let long_id = long.0.id;
    plan.push(long);
    let bar = progress(plan.len() as u64, "seeding requests");
    if args.through_commands {
        seed::commands::run(&log, &cast, &plan, |n| bar.inc(n)).await?;
    } else {
        seed::bulk::run(&log, &cast, &plan, |n| bar.inc(n)).await?;
    }
    bar.finish();
    let middle: i64 = with_pool!(&db, |pool| {
        sqlx::query_scalar("SELECT position FROM events WHERE aggregate_id = $1 AND sequence = $2")
            .bind(long_id.to_string())
            .bind((LONG_HISTORY / 2) as i64)
            .fetch_one(pool)
            .await
    })?;
    let long = (long_id.to_string(), middle);
    let seeding_seconds = seeding.elapsed().as_secs_f64();
    // A live estate's tables are analysed by autovacuum as they grow; the bulk load outruns it.
    with_pool!(&db, |pool| sqlx::query("ANALYZE").execute(pool).await.map(|_| ()))?;
    let events: i64 = with_pool!(&db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(pool).await)?;
    let mut report = Report {
        store: match args.store {
            BenchStore::Postgres => "postgres".into(),
            BenchStore::Sqlite => "sqlite".into(),
        },
        requests: args.requests,
        events,
        seeding_seconds,
        seeding_path: if args.through_commands { "through commands".into() } else { "in bulk".into() },
        machine: report::machine(),
        ..Report::default()
    };
    offline::measure(&db, &log, &mut report).await?;

    // The server seals the log as it starts; sealing it here first keeps that one-off catch-up
    // out of the server's measured memory and first scenarios.
    let key_folder = std::env::temp_dir().join(format!("khaki-bench-key-{}", std::process::id()));
    let key = crate::cli::audit::signing_key(&key_folder.join("audit.key"))?;
    khaki_projections::audit::seal(&db, &key, chrono::Utc::now()).await?;
    let (mut server, base) = serve(location, &key_folder).await?;
    let signed = sign_in(&base, &cast, long).await?;
    raw::prepare(&db).await?;
    let wanted: Vec<&'static str> = scenarios::SCENARIOS
        .into_iter()
        .filter(|s| args.scenarios.is_empty() || args.scenarios.iter().any(|w| w == s))
        .collect();
    let duration = Duration::from_secs(args.seconds);
    // Reads first, on the estate as seeded; then writes, which grow it.
    for &concurrency in &args.concurrency {
        let raw_list = raw::list_query(&db, concurrency, duration).await;
        report.rows.push(raw_row("raw: list query", &report.store, concurrency, raw_list.clone()));
        for scenario in wanted.iter().copied().filter(|s| !scenarios::writes(s)) {
            let measured = scenario_run(&signed, scenario, concurrency, duration).await;
            report.rows.push(compared(scenario, &report.store, concurrency, measured, "list query", &raw_list));
        }
    }
    for (run_id, &concurrency) in args.concurrency.iter().enumerate() {
        let raw_append = raw::append(&db, concurrency, duration, run_id as u64).await;
        report.rows.push(raw_row("raw: append", &report.store, concurrency, raw_append));
        let raw_load_append = raw::load_and_append(&db, concurrency, duration, run_id as u64).await;
        report.rows.push(raw_row("raw: load+append", &report.store, concurrency, raw_load_append.clone()));
        for scenario in wanted.iter().copied().filter(|s| scenarios::writes(s)) {
            let measured = scenario_run(&signed, scenario, concurrency, duration).await;
            report.rows.push(compared(scenario, &report.store, concurrency, measured, "load+append", &raw_load_append));
        }
    }
    let place = |name: &str| {
        ["raw: append", "raw: load+append", "raw: list query"]
            .into_iter()
            .chain(scenarios::SCENARIOS)
            .position(|known| known == name)
            .unwrap_or(usize::MAX)
    };
    report.rows.sort_by_key(|row| (row.concurrency, place(&row.scenario)));
    report.server_peak_rss_mb = server.id().and_then(report::peak_rss_mb);
    report.server_rss_at_end_mb = server.id().and_then(report::rss_mb);
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&key_folder);
    db.close().await;
    Ok(report)
}

async fn scenario_run(
    cast: &scenarios::Cast,
    scenario: &'static str,
    concurrency: usize,
    duration: Duration,
) -> measure::Measured {
    let cast = cast.clone();
    measure::run(
        concurrency,
        duration,
        move |n| scenarios::worker(n, cast.clone()),
        move |worker, iteration| async move {
            let took = scenarios::step(scenario, &worker, iteration).await;
            (worker, took)
        },
    )
    .await
}

fn compared(
    scenario: &str,
    store: &str,
    concurrency: usize,
    measured: measure::Measured,
    raw_limit: &str,
    raw: &measure::Measured,
) -> Row {
    Row {
        scenario: scenario.to_owned(),
        store: store.to_owned(),
        concurrency,
        ratio: Some(measured.per_second / raw.per_second),
        measured,
        raw_limit: Some(raw_limit.to_owned()),
        raw_per_second: Some(raw.per_second),
    }
}

fn raw_row(name: &str, store: &str, concurrency: usize, measured: measure::Measured) -> Row {
    Row {
        scenario: name.to_owned(),
        store: store.to_owned(),
        concurrency,
        measured,
        raw_limit: None,
        raw_per_second: None,
        ratio: None,
    }
}

async fn serve(location: &Location, key_folder: &std::path::Path) -> Result<(Child, String), Failure> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut command = Command::new(std::env::current_exe()?);
    match location {
        Location::Postgres { url } => command.args(["--database-url", url]),
        Location::Sqlite { file } => command.arg("--data").arg(file.parent().unwrap_or(file)),
    };
    command
        .args(["--workload-limit", "100000000", "--max-connections", "32"])
        .arg("--audit-key-file")
        .arg(key_folder.join("audit.key"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env_remove("DATABASE_URL")
        .env("KHAKI_LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true);
    let child = command.spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/health")).await.is_ok_and(|r| r.status().is_success()) {
            return Ok((child, base));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("the bench's khaki serve did not come up".into())
}

async fn sign_in(base: &str, cast: &seed::people::Cast, long: (String, i64)) -> Result<scenarios::Cast, Failure> {
    let http = reqwest::Client::new();
    let token = |username: String| {
        let http = http.clone();
        let url = format!("{base}/api/v1/session");
        async move {
            let answer: serde_json::Value = http
                .post(url)
                .json(&json!({"username": username, "password": seed::people::BENCH_PASSWORD}))
                .send()
                .await?
                .json()
                .await?;
            answer["token"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| Failure::from(format!("{username} could not sign in: {answer}")))
        }
    };
    let name = |actor: &khaki_domain::Actor| cast.usernames.get(&actor.account).cloned().unwrap_or_default();
    let mut residents = Vec::new();
    for resident in cast.residents.iter().take(64) {
        residents.push(token(name(resident)).await?);
    }
    let mut plumbers = Vec::new();
    for plumber in &cast.staff[&StaffRole::Plumber] {
        plumbers.push((token(name(plumber)).await?, plumber.account.to_string()));
    }
    Ok(scenarios::Cast {
        base: base.to_owned(),
        manager: token(name(&cast.manager)).await?,
        residents,
        plumbers,
        accountant: token(name(&cast.staff[&StaffRole::Accountant][0])).await?,
        histories: vec![long],
    })
}
