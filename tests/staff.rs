//! Staff rules that span aggregates: deactivation returns held work, the reporting chain never
//! loops, employee ids, usernames and flats' owners are unique — also when raced.

use std::sync::Arc;

use futures::future::join_all;
use khaki_commands::accounts::{open_account, Username};
use khaki_commands::requests::{self, AssignTo};
use khaki_commands::residents::ContactDetails;
use khaki_commands::staff::{self, set_supervisor, NewStaff};
use khaki_commands::{residents, CommandError, Origin};
use khaki_domain::request::{MaintenanceRequest, Status};
use khaki_domain::resident::{FlatNumber, Register, ResidentType};
use khaki_domain::staff::{EmployeeId, EmploymentStatus};
use khaki_domain::{NotificationPreferences, RequestId, StaffRole, Text};
use khaki_migrations::with_pool;

use crate::on_both_stores;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    deactivating_a_staff_member_returns_their_open_requests_for_reassignment,
    racing_supervisor_changes_never_close_a_loop,
    an_employee_id_is_taken_once_even_when_raced,
    a_username_is_taken_once_whatever_its_case_even_when_raced,
    a_flat_gets_one_active_owner_even_when_raced,
);

async fn status(app: &TestApp, id: RequestId) -> Status {
    let loaded = app.log.load::<MaintenanceRequest>(&id.to_string()).await.expect("loads");
    loaded.state.filed().expect("filed").status()
}

async fn deactivating_a_staff_member_returns_their_open_requests_for_reassignment(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let plumber = estate.staff(StaffRole::Plumber).await;
    let resident = estate.resident().await;
    let as_manager = Origin::new(manager.clone());
    let to = AssignTo { staff: plumber.account, due: None, estimated_cost: None };
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (id, _) = estate.submit(&resident, "Plumbing issue").await;
        requests::assign(&app.log, &as_manager, id, to.clone()).await.expect("assigned");
        ids.push(id);
    }
    let as_plumber = Origin::new(plumber.clone());
    requests::start_work(&app.log, &as_plumber, ids[1]).await.expect("started");
    requests::start_work(&app.log, &as_plumber, ids[2]).await.expect("started");
    requests::resolve(&app.log, &as_plumber, ids[2], None, None).await.expect("resolved");

    let (_, returned) = staff::deactivate(&app.log, &estate.as_admin(), plumber.account).await.expect("deactivated");
    assert_eq!(returned.len(), 2);
    assert_eq!(
        [status(&app, ids[0]).await, status(&app, ids[1]).await, status(&app, ids[2]).await],
        [Status::Acknowledged, Status::Acknowledged, Status::Resolved]
    );
    let db = app.log.database();
    let open: i32 = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT open_assignments FROM staff_ledger WHERE staff_id = $1")
            .bind(plumber.account.as_uuid())
            .fetch_one(pool)
            .await
    })
    .expect("ledger");
    assert_eq!(open, 0);
    let again = requests::assign(&app.log, &as_manager, ids[0], to).await.expect_err("no work for the deactivated");
    assert!(matches!(&again, CommandError::Refused(r) if r.code() == "not_assignable"), "{again}");
}

async fn racing_supervisor_changes_never_close_a_loop(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    for _round in 0..5 {
        let trio = [
            estate.staff(StaffRole::Electrician).await,
            estate.staff(StaffRole::Plumber).await,
            estate.staff(StaffRole::Cleaner).await,
        ];
        // a → b, b → c, c → a at once: all three would close a loop.
        let races = (0..3).map(|n| {
            let log = servers[n % 2].clone();
            let (member, boss) = (trio[n].account, trio[(n + 1) % 3].account);
            let origin = estate.as_admin();
            tokio::spawn(async move { set_supervisor(&log, &origin, member, Some(boss)).await })
        });
        let results: Vec<_> = join_all(races).await.into_iter().map(|r| r.expect("task ran")).collect();
        let made = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(made, 2, "two links are fine, the third closes a loop: {results:?}");
        assert!(results.iter().any(|r| matches!(r, Err(CommandError::Refused(x)) if x.code() == "supervisor_cycle")));
    }
    let db = app.log.database();
    let links: Vec<(uuid::Uuid, Option<uuid::Uuid>)> =
        with_pool!(db, |pool| sqlx::query_as("SELECT staff_id, supervisor_id FROM staff_ledger").fetch_all(pool).await)
            .expect("ledger");
    for (start, _) in &links {
        let mut seen = vec![*start];
        let mut at = *start;
        while let Some(Some(up)) = links.iter().find(|(id, _)| *id == at).map(|(_, s)| *s) {
            assert!(!seen.contains(&up), "the reporting chain loops at {up}");
            seen.push(up);
            at = up;
        }
    }
}

async fn an_employee_id_is_taken_once_even_when_raced(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    let races = (0..10).map(|n| {
        let log = servers[n % 2].clone();
        let new = NewStaff {
            account: estate.account("tech"),
            employee_id: EmployeeId::parse("EMP-777").expect("valid"),
            role: StaffRole::Electrician,
            department: Text::parse("department", "Estate services", 100).expect("valid"),
            employment: EmploymentStatus::Contract,
            hire_date: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("valid"),
            supervisor: None,
            schedule: None,
            available_24x7: false,
            notifications: None,
        };
        let origin = estate.as_admin();
        tokio::spawn(async move { staff::onboard(&log, &origin, new).await })
    });
    let results: Vec<_> = join_all(races).await.into_iter().map(|r| r.expect("task ran")).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .all(|e| matches!(e, CommandError::Duplicate { field: "employee_id", .. })));
    let db = app.log.database();
    let staff_accounts: i64 =
        with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE kind = 'staff'")
            .fetch_one(pool)
            .await)
        .expect("count");
    assert_eq!(staff_accounts, 1, "a refused onboarding leaves no account behind");
}

async fn a_username_is_taken_once_whatever_its_case_even_when_raced(store: Store) {
    let app = TestApp::spawn(store).await;
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    let races = (0..10).map(|n| {
        let log = servers[n % 2].clone();
        let mut account = crate::support::estate::account_named(if n % 2 == 0 { "Asha.Rao" } else { "asha.rao" });
        account.email = Some(format!("asha{n}@estate.invalid"));
        tokio::spawn(async move { open_account(&log, &Origin::system(), &account, false).await })
    });
    let results: Vec<_> = join_all(races).await.into_iter().map(|r| r.expect("task ran")).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .all(|e| matches!(e, CommandError::Duplicate { field: "username", .. })));
    assert!(Username::parse("asha.rao").is_ok());
}

async fn a_flat_gets_one_active_owner_even_when_raced(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let servers = [app.log.clone(), Arc::new(app.second_server().await)];
    let races = (0..10).map(|n| {
        let log = servers[n % 2].clone();
        let account = estate.account("owner");
        let register = Register {
            id: account.id,
            flat: FlatNumber::parse("B-202").expect("valid"),
            resident_type: ResidentType::Owner,
            committee: false,
            move_in: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid"),
            notifications: NotificationPreferences::default(),
        };
        let origin = estate.as_admin();
        tokio::spawn(
            async move { residents::register(&log, &origin, account, register, ContactDetails::default()).await },
        )
    });
    let results: Vec<_> = join_all(races).await.into_iter().map(|r| r.expect("task ran")).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .all(|e| matches!(e, CommandError::Duplicate { field: "flat", .. })));
    // A tenant and family members may still join the flat.
    estate.resident_at("B-202", ResidentType::Tenant).await;
    estate.resident_at("B-202", ResidentType::Family).await;
    estate.resident_at("B-202", ResidentType::Family).await;
}
