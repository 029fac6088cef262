//! `kill -9` of `khaki serve` in the middle of a write load, on both stores: after a restart on
//! the same store every write it confirmed is there as sent, ticket numbers run on without a
//! gap, and `khaki audit verify` passes.

use std::time::Duration;

use khaki_commands::{EventLog, Rules};
use khaki_domain::StaffRole;
use serde_json::json;

use crate::faults::checks::{lost, ticket_gaps, username};
use crate::faults::load::{Load, Phase};
use crate::on_both_stores;
use crate::support::app::TestDatabase;
use crate::support::process::{audit_verify, serve};
use crate::support::{Estate, Store};

on_both_stores!(a_killed_server_loses_no_confirmed_write);

/// Residents filing at once: enough that the kill lands while submissions are in flight.
const RESIDENTS: usize = 6;

async fn a_killed_server_loses_no_confirmed_write(store: Store) {
    let database = TestDatabase::create(store).await;
    let log = EventLog::new(database.open().await, Rules::default());
    let estate = Estate::new(&log).await;
    let mut residents = Vec::new();
    for _ in 0..RESIDENTS {
        residents.push(username(log.database(), estate.resident().await.account).await);
    }
    let manager = username(log.database(), estate.staff(StaffRole::FacilityManager).await.account).await;
    let flags = database.flags();

    let mut first = serve(&flags).await;
    let load = Load::start(&first.base, &residents, &manager).await;
    assert!(
        load.until_confirmed(Phase::Before, 100, Duration::from_secs(30)).await,
        "the load got going: {:?}",
        load.counts(Phase::Before)
    );
    first.process.start_kill().expect("SIGKILL sent");
    load.enter(Phase::During);
    first.process.wait().await.expect("the killed server is reaped");
    let books = load.stop().await;
    let before = books.counts(Phase::Before);
    assert_eq!(before.failed, 0, "no 5xx but a hinted 503 before the kill: {:#?}", books.failures);

    let second = serve(&flags).await;
    let lost = lost(&second.base, &books.receipts).await;
    let (recorded, gaps) = ticket_gaps(log.database()).await;
    let submissions = books.receipts.len();
    println!(
        "kill -9 on {store:?}: {} writes confirmed ({submissions} submissions, {} acknowledgements), {} lost, \
         {} 5xx ({} of them 503 with Retry-After); {} calls unanswered at the kill; {recorded} tickets recorded, \
         {} of them for unanswered submissions",
        before.confirmed + books.counts(Phase::During).confirmed,
        books.receipts.iter().filter(|r| r.acknowledged).count(),
        lost.len(),
        before.failed + before.unavailable,
        before.unavailable,
        books.counts(Phase::During).unanswered,
        recorded - submissions,
    );
    assert!(lost.is_empty(), "every confirmed write survives the kill: {lost:#?}");
    assert!(gaps.is_empty(), "ticket numbers have no gaps: {gaps:?}");

    let next = next_ticket(&second.base, &books.receipts[0].token).await;
    assert_eq!(next, recorded + 1, "the restarted server numbers on from the last recorded ticket");
    let (verified, said) = audit_verify(&flags).await;
    assert!(verified, "the audit chain verifies after the kill: {said}");
    log.database().close().await;
}

/// Files one more request and answers its ticket's sequence number.
async fn next_ticket(base: &str, token: &str) -> usize {
    let answer = reqwest::Client::new()
        .post(format!("{base}/api/v1/requests"))
        .bearer_auth(token)
        .json(&json!({"title": "After the restart", "description": "d", "category": "Plumbing issue", "location": "Flat"}))
        .send()
        .await
        .expect("the restarted server answers");
    assert_eq!(answer.status(), 201, "the restarted server takes submissions");
    let body: serde_json::Value = answer.json().await.expect("a command answer");
    let ticket = body["request"]["ticket"].as_str().expect("a ticket");
    ticket.rsplit('-').next().and_then(|n| n.parse().ok()).expect("a ticket number")
}
