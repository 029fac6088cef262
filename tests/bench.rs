//! The benchmark tool keeps working: its bulk seeding writes what the command path writes (the
//! read models built from either are identical), and a short run of `khaki bench` completes with
//! every scenario answering and no errors.

use chrono::{Duration, Utc};
use khaki_api::bench::seed::{bulk, commands, people, plan};
use tokio::process::Command;

use crate::on_both_stores;
use crate::projections::{settle, snapshot, Bench};
use crate::support::Store;

on_both_stores!(
    bulk_seeding_builds_the_read_models_the_command_path_builds,
    a_short_bench_run_measures_every_scenario_without_errors
);

async fn bulk_seeding_builds_the_read_models_the_command_path_builds(store: Store) {
    let now = Utc::now();
    let mut plan = plan::plan(60, 11, 12, 2, now, 20);
    plan.push(plan::long_story(11, 12, now));
    let (through_commands, in_bulk) = (Bench::new(store).await, Bench::new(store).await);
    for (estate, bulk_path) in [(&through_commands, false), (&in_bulk, true)] {
        let cast = people::cast(&estate.log, 11, 12, 2, now - Duration::days(40)).await.expect("people");
        if bulk_path {
            bulk::run(&estate.log, &cast, &plan, |_| {}).await.expect("bulk seeding");
        } else {
            commands::run(&estate.log, &cast, &plan, |_| {}).await.expect("seeding through commands");
        }
        crate::support::settled(estate.db()).await;
        settle(estate.db()).await;
    }
    let (a, b) = (snapshot(through_commands.db()).await, snapshot(in_bulk.db()).await);
    assert!(a.get("request_list").is_some_and(|rows| rows.len() == 61));
    for (table, rows) in &a {
        assert_eq!(b.get(table), Some(rows), "{table} is the same whichever path seeded it");
    }
    through_commands.close().await;
    in_bulk.close().await;
}

async fn a_short_bench_run_measures_every_scenario_without_errors(store: Store) {
    let out = tempfile::tempdir().expect("temp folder");
    let store_name = if store == Store::Postgres { "postgres" } else { "sqlite" };
    let output = Command::new(env!("CARGO_BIN_EXE_khaki"))
        .args([
            "bench",
            "--store",
            store_name,
            "--requests",
            "1000",
            "--seconds",
            "2",
            "--concurrency",
            "2",
            "--postgres",
        ])
        .arg(crate::support::app::postgres_admin_url())
        .arg("--out")
        .arg(out.path())
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("khaki bench runs");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{printed}\n{}", String::from_utf8_lossy(&output.stderr));
    let file = std::fs::read_dir(out.path()).expect("results").next().expect("a results file").expect("entry").path();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("json")).expect("a report");
    let rows = report["rows"].as_array().expect("rows");
    for scenario in khaki_api::bench::SCENARIOS {
        let row =
            rows.iter().find(|r| r["scenario"] == scenario).unwrap_or_else(|| panic!("{scenario} measured: {printed}"));
        assert_eq!(row["measured"]["errors"], 0, "{scenario} ran without errors: {printed}");
        assert!(row["measured"]["operations"].as_u64().unwrap_or(0) > 0, "{scenario} did something");
    }
    assert!(report["rebuild_events_per_second"].as_f64().unwrap_or(0.0) > 0.0);
    assert!(report["verify_events_per_second"].as_f64().unwrap_or(0.0) > 0.0);
    assert!(report["chain_links_per_second"].as_f64().unwrap_or(0.0) > 0.0);
    let order: Vec<(u64, &str)> =
        rows.iter().map(|r| (r["concurrency"].as_u64().unwrap_or(0), r["scenario"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        order.first().map(|(_, s)| *s),
        Some("raw: append"),
        "each concurrency's rows start with the raw limits"
    );
}
