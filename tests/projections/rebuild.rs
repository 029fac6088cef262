//! Rebuilding at any time: while the runner keeps the live tables current and commands keep
//! coming, the rebuild swaps its tables in without losing or doubling anything, and readers are
//! answered throughout.

use std::time::Duration;

use khaki_projections::request_list::{list_requests, Page, RequestFilter, Scope};
use khaki_projections::{rebuild, Calendar, Runner, RunnerSettings};

use super::workload::{assert_list_follows_the_domain, assert_staff_figures_follow_the_ledger, Workload};
use super::{assert_rebuild_equals_live, at, caught_up, Bench};
use crate::on_both_stores;
use crate::support::Store;

on_both_stores!(a_rebuild_under_load_swaps_in_without_losing_anything);

async fn a_rebuild_under_load_swaps_in_without_losing_anything(store: Store) {
    let bench = Bench::new(store).await;
    let db = bench.db().clone();
    let mut workload = Workload::new(&bench.log).await;
    workload.run(3, 60).await;
    let settings = RunnerSettings { batch_size: 5, idle_wait: Duration::from_millis(5), ..RunnerSettings::default() };
    let runner = Runner::start(db.clone(), settings);

    let reading = async {
        // Readers keep being answered while the tables are rebuilt and swapped.
        for _ in 0..40 {
            let page = Page { size: 20, ..Page::default() };
            list_requests(&db, &RequestFilter::default(), &Scope::Everything, &page, at(2026, 6, 1, 0, 0))
                .await
                .expect("the list answers during a rebuild");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let calendar = Calendar::default();
    let (rebuilt, (), ()) = tokio::join!(rebuild(&db, &calendar, &[], |_, _| {}), workload.run(4, 40), reading);
    rebuilt.expect("rebuilt under load");
    caught_up(&db).await;
    runner.stop().await;
    assert_list_follows_the_domain(&bench.log, &workload.requests(), 4).await;
    assert_staff_figures_follow_the_ledger(&bench.log, 4).await;
    assert_rebuild_equals_live(&db, "after a rebuild under load").await;
    bench.close().await;
}
