//! Every event type the domain can emit, driven through the real use cases (the roster import
//! included), then read by every reader of the log: each read model reaches the head without a
//! failure, a rebuild equals the live tables, the command side folds every stream, auditors' history
//! and as-of fold the request and staff streams, every stream exports as a verifiable bundle, and
//! the whole log verifies. The list of event types comes from the read side's registry and each
//! event enum's own declaration, so a new aggregate or event joins this test when it is declared.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use ed25519_dalek::SigningKey;
use khaki_commands::accounts::{change_account, erase, set_password, AccountChange};
use khaki_commands::requests::{self, AssignTo};
use khaki_commands::residents::{self, ContactDetails};
use khaki_commands::staff::{self, set_supervisor};
use khaki_commands::{roster, EventLog, Origin};
use khaki_domain::account::Account;
use khaki_domain::request::{MaintenanceRequest, Revision};
use khaki_domain::resident::{Resident, ResidentCommand, ResidentType};
use khaki_domain::roster::RosterEntry;
use khaki_domain::staff::{EmploymentStatus, StaffCommand, StaffMember};
use khaki_domain::{CommentId, NotificationPreferences, Permission, Priority, Rating, Rupees, StaffRole};
use khaki_migrations::{with_pool, Database};
use khaki_projections::audit::bundle::{export, verify_bundle};
use khaki_projections::audit::history::{as_of, history, AsOf};
use khaki_projections::audit::{seal, verify_log, verify_stream};
use khaki_projections::facts::AGGREGATES;
use khaki_projections::status;

use crate::on_both_stores;
use crate::projections::{assert_rebuild_equals_live, settle, Bench};
use crate::support::estate::text;
use crate::support::{Estate, Store};

on_both_stores!(every_event_type_reaches_every_reader_of_the_log);

const ROSTER: &str = "Ser No,Flat No,Name of Owners,Phone No,E-mail Id
BLOCK-A,,,,
1,901,SHRI RAMESH KUMAR,9830425757,ramesh@example.org
";

async fn every_event_type_reaches_every_reader_of_the_log(store: Store) {
    let bench = Bench::new(store).await;
    let log = &bench.log;
    emit_every_event(log).await;
    let db = bench.db();

    let recorded = recorded_types(db).await;
    for aggregate in AGGREGATES {
        for event_type in (aggregate.event_types)() {
            assert!(
                recorded.contains(&(aggregate.aggregate_type.to_owned(), (*event_type).to_owned())),
                "{} {event_type} was never emitted: add the use case that records it to emit_every_event",
                aggregate.aggregate_type
            );
        }
    }
    let registered: BTreeSet<&str> = AGGREGATES.iter().map(|a| a.aggregate_type).collect();
    for (aggregate_type, _) in &recorded {
        assert!(registered.contains(aggregate_type.as_str()), "{aggregate_type} is in the log but no reader knows it");
    }

    settle(db).await;
    for projection in status(db).await.expect("status") {
        assert_eq!(projection.lag_events, 0, "{} reached the head of the log", projection.name);
        assert_eq!(projection.last_error, None, "{} applied every event", projection.name);
    }
    assert_rebuild_equals_live(db, "every event type").await;

    let key = SigningKey::from_bytes(&[7; 32]);
    seal(db, &key, Utc::now()).await.expect("sealed").expect("a checkpoint over the whole log");
    let public_key = key.verifying_key().to_bytes();
    for (aggregate_type, id) in streams(db).await {
        fold_on_the_command_side(log, &aggregate_type, &id).await;
        let bundle = export(db, &aggregate_type, &id).await.unwrap_or_else(|e| panic!("{aggregate_type} {id}: {e}"));
        verify_bundle(&bundle, &public_key).unwrap_or_else(|e| panic!("{aggregate_type} {id} bundle: {e}"));
        let verified = verify_stream(db, &aggregate_type, &id).await.expect("stream verifiable");
        assert!(verified.ok, "{aggregate_type} {id} verifies: {verified:?}");
    }
    let verified = verify_log(db, Some(&public_key)).await.expect("verifiable");
    assert!(verified.ok, "the whole log verifies: {verified:?}");
    bench.close().await;
}

/// Every (aggregate type, event type) in the log.
async fn recorded_types(db: &Database) -> BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> =
        with_pool!(db, |pool| sqlx::query_as("SELECT DISTINCT aggregate_type, event_type FROM events")
            .fetch_all(pool)
            .await)
        .expect("readable");
    rows.into_iter().collect()
}

async fn streams(db: &Database) -> Vec<(String, String)> {
    with_pool!(db, |pool| sqlx::query_as("SELECT DISTINCT aggregate_type, aggregate_id FROM events ORDER BY 1, 2")
        .fetch_all(pool)
        .await)
    .expect("readable")
}

/// Folds a stream as the command side loads it, and as auditors read it where they do.
async fn fold_on_the_command_side(log: &EventLog, aggregate_type: &str, id: &str) {
    let db = log.database();
    let now = AsOf::Time(Utc::now() + Duration::days(1));
    let version = match aggregate_type {
        "MaintenanceRequest" => {
            let (entries, _) = history::<MaintenanceRequest>(db, id).await.expect("request history");
            let (_, version) = as_of::<MaintenanceRequest>(db, id, now).await.expect("request as of");
            assert_eq!(entries.len() as u64, version, "request {id}: one history entry per event");
            log.load::<MaintenanceRequest>(id).await.expect("loads").version
        }
        "Staff" => {
            let (entries, _) = history::<StaffMember>(db, id).await.expect("staff history");
            let (_, version) = as_of::<StaffMember>(db, id, now).await.expect("staff as of");
            assert_eq!(entries.len() as u64, version, "staff {id}: one history entry per event");
            log.load::<StaffMember>(id).await.expect("loads").version
        }
        "Account" => log.load::<Account>(id).await.expect("loads").version,
        "Resident" => log.load::<Resident>(id).await.expect("loads").version,
        "RosterEntry" => log.load::<RosterEntry>(id).await.expect("loads").version,
        other => panic!("no command-side reader for {other}: add it here"),
    };
    assert!(version > 0, "{aggregate_type} {id} folds to a version");
}

/// Drives every command that records something, each through its use case.
async fn emit_every_event(log: &EventLog) {
    let estate = Estate::new(log).await;
    let admin = estate.as_admin();
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let plumber = estate.staff(StaffRole::Plumber).await;
    let other_plumber = estate.staff(StaffRole::Plumber).await;
    let cleaner = estate.staff(StaffRole::Cleaner).await;
    let resident = estate.resident().await;
    let as_manager = Origin::new(manager.clone());
    let as_plumber = Origin::new(plumber.clone());
    let as_resident = Origin::new(resident.clone());
    let to = |staff: &khaki_domain::Actor| AssignTo { staff: staff.account, due: None, estimated_cost: None };

    // The roster: imported, revised by a second import, claimed by the owner's registration.
    roster::import(log, &admin, ROSTER, false).await.expect("imported");
    roster::import(log, &admin, &ROSTER.replace("ramesh@", "r.kumar@"), false).await.expect("revised");
    estate.resident_at("A-901", ResidentType::Owner).await;

    // A request through its whole life, and a second one that is cancelled.
    let (id, _) = estate.submit(&resident, "Plumbing issue").await;
    requests::acknowledge(log, &as_manager, id).await.expect("acknowledged");
    requests::assign(log, &as_manager, id, to(&plumber)).await.expect("assigned");
    requests::assign(log, &as_manager, id, to(&other_plumber)).await.expect("reassigned");
    requests::unassign(log, &as_manager, id).await.expect("unassigned");
    requests::assign(log, &as_manager, id, to(&plumber)).await.expect("assigned again");
    let revision = Revision {
        due: Some(Utc::now() + Duration::hours(2)),
        estimated_cost: Some(Rupees::parse("1500.00").expect("amount")),
        priority: Some(Priority::Medium),
    };
    requests::revise(log, &as_manager, id, revision).await.expect("revised");
    requests::start_work(log, &as_plumber, id).await.expect("started");
    requests::hand_back(log, &as_plumber, id).await.expect("handed back");
    requests::start_work(log, &as_plumber, id).await.expect("started again");
    let comment = CommentId::from_uuid(uuid::Uuid::new_v4());
    requests::comment(log, &as_plumber, id, comment, text("Washer ordered"), true).await.expect("commented");
    let late = Origin::system().at(Utc::now() + Duration::days(2));
    requests::escalate(log, &late, id).await.expect("escalated");
    requests::resolve(log, &as_plumber, id, Some(Rupees::parse("450.00").expect("amount")), Some(text("New washer")))
        .await
        .expect("resolved");
    requests::reopen(log, &as_resident, id, text("Still dripping")).await.expect("reopened");
    requests::resolve(log, &as_plumber, id, None, None).await.expect("resolved again");
    requests::rate(log, &as_resident, id, Rating::new(4).expect("rating"), None).await.expect("rated");
    requests::close(log, &as_resident, id).await.expect("closed");
    let (second, _) = estate.submit(&resident, "Painting").await;
    requests::cancel(log, &as_resident, second, text("Done it myself")).await.expect("cancelled");

    // Staff records.
    let staff_change = |name: &'static str, command: StaffCommand| {
        let admin = admin.clone();
        async move { staff::change(log, &admin, cleaner.account, name, command).await.expect(name) }
    };
    staff_change("change_role", StaffCommand::ChangeRole { role: StaffRole::Gardener, reset_permissions: false }).await;
    staff_change("grant", StaffCommand::Grant { permission: Permission::Close }).await;
    staff_change("revoke", StaffCommand::Revoke { permission: Permission::Close }).await;
    staff_change("grant", StaffCommand::Grant { permission: Permission::Assign }).await;
    staff_change("reset_permissions", StaffCommand::ResetPermissions).await;
    staff_change("revise_profile", StaffCommand::ReviseProfile { department: text("Gardens") }).await;
    staff_change("set_availability", StaffCommand::SetAvailability { available_24x7: false, schedule: None }).await;
    let quiet = NotificationPreferences { email: false, sms: true, urgent_only: true };
    staff_change("set_notifications", StaffCommand::SetNotifications { preferences: quiet }).await;
    staff_change("set_employment", StaffCommand::SetEmployment { status: EmploymentStatus::Contract }).await;
    set_supervisor(log, &admin, cleaner.account, Some(manager.account)).await.expect("supervisor set");
    staff::deactivate(log, &admin, cleaner.account).await.expect("deactivated");
    staff_change("activate", StaffCommand::Activate).await;

    // Accounts.
    for change in [
        AccountChange::Deactivate,
        AccountChange::Reactivate,
        AccountChange::SetAdministrator(true),
        AccountChange::SetAdministrator(false),
        AccountChange::SetAuditor(true),
        AccountChange::SetAuditor(false),
    ] {
        change_account(log, &admin, other_plumber.account, change)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", change.name()));
    }
    let hash = crate::support::estate::password_hash().expect("hash");
    set_password(log, &admin, other_plumber.account, &hash).await.expect("password changed");

    // Residents, the last of whom moves out and is erased.
    let leaving = estate.resident().await;
    let change = |name: &'static str, command: ResidentCommand| {
        let admin = admin.clone();
        async move { residents::change(log, &admin, leaving.account, name, command).await.expect(name) }
    };
    change("set_committee", ResidentCommand::SetCommittee { member: true }).await;
    let preferences = NotificationPreferences { urgent_only: true, ..NotificationPreferences::default() };
    change("set_notifications", ResidentCommand::SetNotifications { preferences }).await;
    let contact = ContactDetails { alternate_phone: Some("+919830400000".into()), ..ContactDetails::default() };
    residents::revise_contact(log, &admin, leaving.account, contact).await.expect("contact revised");
    change("move_out", ResidentCommand::MoveOut { on: Utc::now().date_naive() }).await;
    erase(log, &Origin::system(), leaving.account).await.expect("erased");
}
