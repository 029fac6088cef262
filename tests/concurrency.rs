//! The rules that failed under concurrency in the system this replaces, each raced from two
//! command sides (as two `khaki serve` processes would be) on one database.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use futures::future::join_all;
use khaki_commands::requests::{self, AssignTo, NewRequest};
use khaki_commands::{CommandError, EventLog, Origin};
use khaki_domain::request::{MaintenanceRequest, Revision};
use khaki_domain::{CommentId, Priority, StaffRole, TicketNumber};
use khaki_migrations::with_pool;

use crate::on_both_stores;
use crate::support::estate::text;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    sixty_four_concurrent_submissions_get_sixty_four_consecutive_ticket_numbers,
    ticket_numbers_restart_at_the_estate_s_new_year,
    refused_and_repeated_submissions_among_concurrent_ones_take_no_number,
    twenty_concurrent_assignments_to_someone_holding_nine_give_exactly_one_success,
    of_many_racing_acknowledgements_exactly_one_wins,
    a_pinned_version_refuses_the_slower_of_two_commands,
    no_comment_is_lost_when_many_arrive_at_once,
);

async fn sixty_four_concurrent_submissions_get_sixty_four_consecutive_ticket_numbers(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let mut residents = Vec::new();
    for _ in 0..8 {
        residents.push(estate.resident().await);
    }
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    let submissions = (0..64).map(|n| {
        let log = servers[n % 2].clone();
        let resident = residents[n % residents.len()].clone();
        tokio::spawn(async move {
            requests::submit(&log, &Origin::new(resident), Estate::new_request("Plumbing issue")).await
        })
    });
    let results = join_all(submissions).await;
    let mut tickets: Vec<TicketNumber> =
        results.into_iter().map(|r| r.expect("task ran").expect("every submission succeeds").ticket).collect();
    tickets.sort();
    let year = app.log.rules().local_year(Utc::now());
    let expected: Vec<TicketNumber> = (1..=64).map(|n| TicketNumber::new(year, n).expect("valid")).collect();
    assert_eq!(tickets, expected, "64 unique, consecutive ticket numbers");
}

/// Submissions are numbered a batch at a time: one refused, or one that reuses a request id,
/// must neither take a number nor spoil the others'.
async fn refused_and_repeated_submissions_among_concurrent_ones_take_no_number(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    let valid: Vec<_> = (0..30).map(|_| Estate::new_request("Plumbing issue")).collect();
    let mut all = valid.clone();
    // Above the category's maximum priority: refused by the rules.
    all.extend((0..6).map(|_| NewRequest { priority: Some(Priority::Emergency), ..Estate::new_request("Painting") }));
    // The same request filed twice.
    all.extend(valid[..4].iter().cloned());
    let submissions = all.into_iter().enumerate().map(|(n, new)| {
        let log = servers[n % 2].clone();
        let origin = Origin::new(resident.clone());
        tokio::spawn(async move { requests::submit(&log, &origin, new).await })
    });
    let results: Vec<_> = join_all(submissions).await.into_iter().map(|r| r.expect("task ran")).collect();
    let mut tickets: Vec<TicketNumber> = results.iter().filter_map(|r| r.as_ref().ok()).map(|s| s.ticket).collect();
    tickets.sort();
    let year = app.log.rules().local_year(Utc::now());
    let expected: Vec<TicketNumber> = (1..=30).map(|n| TicketNumber::new(year, n).expect("valid")).collect();
    assert_eq!(tickets, expected, "each distinct valid request once, numbered without gaps");
    let refused = results.iter().filter(|r| matches!(r, Err(CommandError::Refused(_)))).count();
    let conflicts = results.iter().filter(|r| matches!(r, Err(CommandError::Conflict { .. }))).count();
    let failures: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(refused + conflicts, 10, "{failures:?}");
    assert!(refused >= 6, "the six over-priority submissions are refused: {failures:?}");
}

async fn ticket_numbers_restart_at_the_estate_s_new_year(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    // 18:29 UTC on 31 December is 23:59 in Kolkata; 18:31 UTC is already 1 January there.
    let moments = [(2026, 12, 31, 18, 29), (2026, 12, 31, 18, 31), (2026, 12, 31, 20, 0)];
    let mut tickets = Vec::new();
    for (y, mo, d, h, mi) in moments {
        let at = Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("valid time");
        let origin = Origin::new(resident.clone()).at(at);
        tickets.push(
            requests::submit(&app.log, &origin, Estate::new_request("Painting"))
                .await
                .expect("submitted")
                .ticket
                .to_string(),
        );
    }
    assert_eq!(tickets, ["MNT-2026-0001", "MNT-2027-0001", "MNT-2027-0002"]);
}

async fn twenty_concurrent_assignments_to_someone_holding_nine_give_exactly_one_success(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let plumber = estate.staff(StaffRole::Plumber).await;
    let resident = estate.resident().await;
    let mut ids = Vec::new();
    for _ in 0..29 {
        ids.push(estate.submit(&resident, "Plumbing issue").await.0);
    }
    let to = AssignTo { staff: plumber.account, due: None, estimated_cost: None };
    for id in &ids[..9] {
        requests::assign(&app.log, &Origin::new(manager.clone()), *id, to.clone()).await.expect("under the limit");
    }
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    let races = ids[9..].iter().enumerate().map(|(n, id)| {
        let (log, manager, to, id) = (servers[n % 2].clone(), manager.clone(), to.clone(), *id);
        tokio::spawn(async move { requests::assign(&log, &Origin::new(manager), id, to).await })
    });
    let results: Vec<_> = join_all(races).await.into_iter().map(|r| r.expect("task ran")).collect();
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "exactly one assignment fits under the limit: {results:?}");
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        match refused {
            CommandError::Refused(refusal) => {
                assert_eq!(refusal.code(), "workload_limit_reached", "{refusal}")
            }
            other => panic!("expected a workload-limit refusal, got {other}"),
        }
    }
    let db = app.log.database();
    let open: i32 = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT open_assignments FROM staff_ledger WHERE staff_id = $1")
            .bind(plumber.account.as_uuid())
            .fetch_one(pool)
            .await
    })
    .expect("ledger row");
    let held: i64 = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM request_holdings WHERE staff_id = $1")
            .bind(plumber.account.as_uuid())
            .fetch_one(pool)
            .await
    })
    .expect("holdings");
    assert_eq!((open, held), (10, 10));
}

async fn of_many_racing_acknowledgements_exactly_one_wins(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let resident = estate.resident().await;
    let (id, _) = estate.submit(&resident, "Electrical fault").await;
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    let races = (0..20).map(|n| {
        let (log, manager) = (servers[n % 2].clone(), manager.clone());
        tokio::spawn(async move { requests::acknowledge(&log, &Origin::new(manager), id).await })
    });
    let results: Vec<_> = join_all(races).await.into_iter().map(|r| r.expect("task ran")).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(refused, CommandError::Refused(r) if r.code() == "refused_transition"), "{refused}");
    }
    let events = app.log.reader().stream::<MaintenanceRequest>(&id.to_string()).await.expect("stream");
    assert_eq!(events.iter().filter(|e| e.event_type == "RequestAcknowledged").count(), 1);
}

async fn a_pinned_version_refuses_the_slower_of_two_commands(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let resident = estate.resident().await;
    let (id, _) = estate.submit(&resident, "Painting").await;
    let seen = app.log.load::<MaintenanceRequest>(&id.to_string()).await.expect("loads").version;
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    let races = (0..2).map(|n| {
        let (log, manager) = (servers[n].clone(), manager.clone());
        let due = Utc::now() + chrono::Duration::days(3 + n as i64);
        tokio::spawn(async move {
            requests::revise(&log, &Origin::new(manager).expecting(Some(seen)), id, Revision::due(due)).await
        })
    });
    let results: Vec<_> = join_all(races).await.into_iter().map(|r| r.expect("task ran")).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(
        results.iter().any(|r| matches!(r, Err(CommandError::VersionMismatch { expected, .. }) if *expected == seen)),
        "{results:?}"
    );
}

async fn no_comment_is_lost_when_many_arrive_at_once(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let resident = estate.resident().await;
    let (id, _) = estate.submit(&resident, "Lift breakdown").await;
    let servers: [Arc<EventLog>; 2] = [app.log.clone(), Arc::new(app.second_server().await)];
    let writers = (0..40).map(|n| {
        let (log, who) = (servers[n % 2].clone(), if n % 3 == 0 { resident.clone() } else { manager.clone() });
        tokio::spawn(async move {
            let comment = CommentId::from_uuid(uuid::Uuid::new_v4());
            requests::comment(&log, &Origin::new(who), id, comment, text(&format!("update {n}")), false).await
        })
    });
    for result in join_all(writers).await {
        result.expect("task ran").expect("every comment is recorded");
    }
    let events = app.log.reader().stream::<MaintenanceRequest>(&id.to_string()).await.expect("stream");
    assert_eq!(events.iter().filter(|e| e.event_type == "CommentPosted").count(), 40);
    let sequences: Vec<usize> = events.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, (1..=events.len()).collect::<Vec<_>>(), "the stream has no gaps");
}
