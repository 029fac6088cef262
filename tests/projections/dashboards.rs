//! The four dashboards, workloads, suitable staff and a timeline, on the known history of
//! `analytics.rs` (its comment lists every request and time).

use khaki_commands::requests;
use khaki_commands::Origin;
use khaki_domain::{CommentId, RequestId, StaffRole, Trade};
use khaki_projections::dashboards::{
    accountant_dashboard, facility_manager_dashboard, resident_dashboard, staff_member_dashboard,
};
use khaki_projections::staff_directory::{staff_workload, suitable_staff};
use khaki_projections::timeline::timeline;
use uuid::Uuid;

use super::analytics::{known_history, now};
use super::{at, settle, Bench};
use crate::on_both_stores;
use crate::support::estate::text;
use crate::support::Store;

on_both_stores!(the_dashboards_show_a_known_history);

const KOLKATA: chrono_tz::Tz = chrono_tz::Asia::Kolkata;

async fn the_dashboards_show_a_known_history(store: Store) {
    let bench = Bench::new(store).await;
    let history = known_history(&bench.log).await;
    let [q1, q2, q3, q4, q5, q6] = history.requests;
    let note = Origin::new(history.manager.clone()).at(at(2026, 3, 2, 11, 5));
    requests::comment(&bench.log, &note, q1, CommentId::from_uuid(Uuid::new_v4()), text("Washer"), true)
        .await
        .expect("commented");
    settle(bench.db()).await;
    let db = bench.db();
    let ids = |rows: Vec<Uuid>| rows.into_iter().map(RequestId::from_uuid).collect::<Vec<_>>();

    let manager = facility_manager_dashboard(db, now(), KOLKATA, 10).await.expect("dashboard");
    let open: Vec<_> = manager.open_by_status.iter().map(|c| (c.status.as_str(), c.requests)).collect();
    assert_eq!(open, vec![("acknowledged", 1), ("assigned", 1)]);
    assert_eq!((manager.pending_assignment, manager.overdue), (1, 2));
    let plumber_row = manager.team.iter().find(|m| m.staff_id == history.plumber.account.as_uuid()).expect("plumber");
    assert_eq!((plumber_row.open_assignments, plumber_row.utilisation, plumber_row.resolved), (1, 0.1, 1));
    assert_eq!((plumber_row.average_resolution_seconds, plumber_row.average_rating), (Some(36_000.0), Some(4.0)));
    let electrician = manager.team.iter().find(|m| m.staff_id == history.electrician.account.as_uuid());
    assert_eq!(electrician.map(|m| (m.resolved, m.average_rating)), Some((1, Some(2.0))));
    assert_eq!(manager.team.len(), 3);
    assert_eq!(manager.trends.len(), 12);
    let submitted: Vec<i64> = manager.trends.iter().rev().take(3).map(|t| t.submitted).collect();
    assert_eq!(submitted, vec![1, 4, 1], "April, March, February");
    assert_eq!(manager.trends[10].average_rating, Some(3.0));

    let accountant = accountant_dashboard(db, now(), KOLKATA, 3, 20, 10).await.expect("dashboard");
    let costs: Vec<_> = accountant
        .monthly_costs
        .iter()
        .map(|c| (c.month.to_string(), c.category.as_str(), c.resolved, c.actual_cost, c.estimated_cost, c.costed))
        .collect();
    assert_eq!(
        costs,
        vec![
            ("2026-03-01".into(), "Electrical fault", 1, 80_000, 50_000, 1),
            ("2026-03-01".into(), "Painting", 1, 0, 0, 0),
            ("2026-03-01".into(), "Plumbing issue", 1, 110_000, 100_000, 1),
        ]
    );
    assert_eq!(ids(accountant.overruns.iter().map(|o| o.id).collect()), vec![q2], "60 % over; Q1 only 10 %");
    assert_eq!(accountant.overruns[0].percent_over(), Some(60.0));
    assert_eq!((accountant.overrun_total.count, accountant.overrun_total.exact), (1, true));
    let lenient = accountant_dashboard(db, now(), KOLKATA, 3, 5, 10).await.expect("dashboard");
    assert_eq!(ids(lenient.overruns.iter().map(|o| o.id).collect()), vec![q2, q1], "largest first");

    let resident = resident_dashboard(db, history.residents[0].account, now(), 20).await.expect("dashboard");
    assert_eq!(ids(resident.requests.iter().map(|r| r.request.id).collect()), vec![q6, q5, q1, q4], "newest first");
    let mine: Vec<_> = resident.by_status.iter().map(|c| (c.status.as_str(), c.requests)).collect();
    assert_eq!(mine, vec![("acknowledged", 1), ("cancelled", 1), ("closed", 2)]);
    assert!(resident.requests[0].overdue && !resident.requests[2].overdue, "Q6 overdue, Q1 closed");

    let plumber = staff_member_dashboard(db, history.plumber.account, now(), KOLKATA, 10, 20)
        .await
        .expect("dashboard")
        .expect("a staff member");
    assert_eq!(ids(plumber.open_requests.iter().map(|r| r.request.id).collect()), vec![q3]);
    assert_eq!((plumber.overdue, plumber.utilisation), (1, 0.1));
    assert_eq!((plumber.workload.completed_this_month, plumber.workload.resolved), (0, 1), "nothing in April");
    let in_march = staff_workload(db, history.plumber.account, at(2026, 3, 15, 0, 0), KOLKATA)
        .await
        .expect("workload")
        .expect("a staff member");
    assert_eq!((in_march.completed_this_month, in_march.average_rating), (1, Some(4.0)));

    let ranked = suitable_staff(db, Trade::Plumbing, 10).await.expect("ranked");
    let order: Vec<_> = ranked.iter().map(|s| (s.ranked.rank, s.ranked.role, s.ranked.open_assignments)).collect();
    assert_eq!(order, vec![(1, StaffRole::Plumber, 1), (2, StaffRole::FacilityManager, 0)], "role match first");
    assert!(ranked.iter().all(|s| s.display_name.is_some()), "names come from the accounts");

    let entries = timeline(db, q1, true).await.expect("timeline");
    let steps: Vec<_> = entries.iter().map(|e| (e.kind.as_str(), e.status_to.as_deref())).collect();
    assert_eq!(
        steps,
        vec![
            ("status", Some("submitted")),
            ("status", Some("acknowledged")),
            ("status", Some("assigned")),
            ("status", Some("in_progress")),
            ("status", Some("resolved")),
            ("status", Some("closed")),
            ("comment", None),
        ]
    );
    assert_eq!(entries[2].assignee, Some(history.plumber.account.as_uuid()));
    assert_eq!(entries[5].actor, history.residents[0].account.as_uuid(), "the resident confirmed the fix");
    assert!(entries[6].internal);
    assert_eq!(timeline(db, q1, false).await.expect("timeline").len(), 6, "internal comments are for staff");
    bench.close().await;
}
