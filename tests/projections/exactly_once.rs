//! Exactly once: a runner killed mid-batch and restarted leaves nothing missing or doubled; a
//! transaction that commits late is not skipped; and with two server processes on one PostgreSQL
//! database one runner advances each projection, the other taking over when it stops.

use std::time::Duration;

use khaki_commands::requests;
use khaki_commands::{EventLog, Origin};
use khaki_domain::request::{MaintenanceRequest, RequestCommand};
use khaki_domain::CommentId;
use khaki_migrations::{with_pool, Database};
use khaki_projections::checkpoint;
use khaki_projections::timeline::timeline;
use khaki_projections::{
    advance, read_after, status, Calendar, Cursor, Fact, Projection, RecordedEvent, Runner, RunnerSettings, Target,
};

use super::workload::{assert_list_follows_the_domain, random_workload};
use super::{assert_rebuild_equals_live, caught_up, settle, Bench};
use crate::on_both_stores;
use crate::support::estate::text;
use crate::support::{Estate, Store};

on_both_stores!(
    a_runner_killed_mid_batch_leaves_nothing_missing_or_doubled,
    a_transaction_that_commits_late_is_not_skipped
);

async fn a_runner_killed_mid_batch_leaves_nothing_missing_or_doubled(store: Store) {
    let bench = Bench::new(store).await;
    let db = bench.db().clone();
    let requests = random_workload(&bench.log, 5, 60).await;
    let calendar = Calendar::default();

    // Crashes inside a batch's transaction, each at another point: part of the next batch applied
    // to every projection, then the process is gone before the checkpoint is saved (the
    // transaction never commits). Between crashes a runner gets a few batches done.
    for (round, cut) in [3, 17, 1, 29, 8, 40].into_iter().enumerate() {
        let from = checkpoint::read(&db, "request_list").await.expect("checkpoint").cursor;
        let recorded = committed_after(&db, from, 45).await;
        let facts = Fact::decode_all(&recorded).expect("decodes");
        let mut tx = db.begin().await.expect("begins");
        for projection in Projection::ALL {
            let part = &facts[..cut.min(facts.len())];
            projection.apply(&mut tx, &Target::LIVE, &calendar, part).await.expect("applies");
        }
        drop(tx);
        for projection in Projection::ALL {
            for _ in 0..=round % 3 {
                advance(&db, projection, &calendar, 7).await.expect("advances");
            }
        }
    }

    let runner = Runner::start(db.clone(), RunnerSettings { batch_size: 9, ..RunnerSettings::default() });
    caught_up(&db).await;
    runner.stop().await;
    let entries: i64 =
        with_pool!(&db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM request_timeline").fetch_one(pool).await)
            .expect("countable");
    let worth_an_entry: i64 = with_pool!(&db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM events WHERE aggregate_type = 'MaintenanceRequest'
             AND event_type NOT IN ('WorkRated', 'DueTimeSet', 'CostEstimated', 'Reprioritised', 'RequestEscalated')",
        )
        .fetch_one(pool)
        .await
    })
    .expect("countable");
    assert_eq!(entries, worth_an_entry, "one timeline entry per status change, reassignment or comment");
    assert_list_follows_the_domain(&bench.log, &requests, 5).await;
    assert_rebuild_equals_live(&db, "after crashes").await;
    bench.close().await;
}

/// The next `count` committed events after `cursor`, or all there are (a transaction still open
/// elsewhere on the PostgreSQL server, another test's, holds readers back for a moment).
async fn committed_after(db: &Database, cursor: Cursor, count: usize) -> Vec<RecordedEvent> {
    let statuses = status(db).await.expect("status");
    let lag = statuses.iter().find(|s| s.checkpoint == cursor).map_or(0, |s| s.lag_events);
    let count = count.min(usize::try_from(lag).unwrap_or(0));
    for _ in 0..400 {
        let events = read_after(db, cursor, count as i64).await.expect("log readable");
        if events.len() >= count {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the log never showed {count} events after {cursor:?}");
}

async fn a_transaction_that_commits_late_is_not_skipped(store: Store) {
    let bench = Bench::new(store).await;
    let estate = Estate::new(&bench.log).await;
    let resident = estate.resident().await;
    let (slow_request, _) = estate.submit(&resident, "Painting").await;
    let (fast_request, _) = estate.submit(&resident, "Painting").await;
    settle(bench.db()).await;
    let runner = Runner::start(
        bench.db().clone(),
        RunnerSettings { idle_wait: Duration::from_millis(10), ..RunnerSettings::default() },
    );

    // The slow writer appends a comment and holds its transaction open.
    let origin = Origin::new(resident.clone());
    let loaded = bench.log.load::<MaintenanceRequest>(&slow_request.to_string()).await.expect("loads");
    let comment =
        RequestCommand::Comment { id: CommentId::from_uuid(uuid::Uuid::new_v4()), text: text("slow"), internal: false };
    let decided = loaded.decide("comment", origin.issue(comment)).await.expect("allowed");
    let mut slow = bench.log.begin().await.expect("begins");
    decided.append_to(&bench.log, &mut slow, &origin, uuid::Uuid::new_v4()).await.expect("appended");

    // A second server commits a later comment meanwhile (on SQLite it waits for the write lock).
    let second = EventLog::new(bench.database.open().await, bench.log.rules().clone());
    let fast_origin = origin.clone();
    let fast = tokio::spawn(async move {
        let id = CommentId::from_uuid(uuid::Uuid::new_v4());
        requests::comment(&second, &fast_origin, fast_request, id, text("fast"), false).await
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let seen = timeline(bench.db(), fast_request, true).await.expect("readable");
    assert!(seen.iter().all(|e| e.kind != "comment"), "nothing is applied past an open transaction");

    slow.commit().await.expect("slow commit");
    fast.await.expect("task ran").expect("fast comment recorded");
    caught_up(bench.db()).await;
    runner.stop().await;
    for (request, body) in [(slow_request, "slow"), (fast_request, "fast")] {
        let entries = timeline(bench.db(), request, true).await.expect("readable");
        let comments: Vec<_> = entries.iter().filter(|e| e.kind == "comment").map(|e| e.body.as_deref()).collect();
        assert_eq!(comments, vec![Some(body)], "the {body} comment is applied once");
    }
    assert_rebuild_equals_live(bench.db(), "late commit").await;
    bench.close().await;
}

mod postgres_only {
    use super::*;

    fn quick() -> RunnerSettings {
        RunnerSettings {
            idle_wait: Duration::from_millis(10),
            takeover_wait: Duration::from_millis(50),
            ..RunnerSettings::default()
        }
    }

    async fn until(what: &str, check: impl Fn() -> bool) {
        for _ in 0..200 {
            if check() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{what} never happened");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_servers_keep_one_writer_per_projection_and_the_second_takes_over() {
        let bench = Bench::new(Store::Postgres).await;
        let estate = Estate::new(&bench.log).await;
        let resident = estate.resident().await;
        let first = Runner::start(bench.db().clone(), quick());
        let (one, two) = (first.handle(), bench.database.open().await);
        until("the first server leads", || Projection::ALL.iter().all(|p| one.activity(*p).leading)).await;
        let second = Runner::start(two.clone(), quick());
        let other = second.handle();

        for _ in 0..5 {
            estate.submit(&resident, "Plumbing issue").await;
        }
        caught_up(bench.db()).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        for projection in Projection::ALL {
            let (leader, standby) = (one.activity(projection), other.activity(projection));
            assert!(leader.leading && leader.events > 0, "{projection:?}: the first server advances it");
            assert!(!standby.leading && standby.batches == 0, "{projection:?}: the second only waits");
        }

        first.stop().await;
        until("the second server takes over", || Projection::ALL.iter().all(|p| other.activity(*p).leading)).await;
        for _ in 0..3 {
            estate.submit(&resident, "Painting").await;
        }
        caught_up(bench.db()).await;
        for projection in Projection::ALL {
            assert!(other.activity(projection).events > 0, "{projection:?}: the second server advances it now");
        }
        second.stop().await;
        two.close().await;
        assert_rebuild_equals_live(bench.db(), "two servers").await;
        bench.close().await;
    }
}
