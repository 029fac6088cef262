//! Given / when / then tests of the resident aggregate.

use chrono::{NaiveDate, TimeZone, Utc};
use cqrs_es::test::TestFramework;

use crate::actor::{Actor, Issued};
use crate::ids::AccountId;
use crate::preferences::NotificationPreferences;
use crate::resident::{FlatNumber, Register, Resident, ResidentCommand, ResidentEvent, ResidentRefusal, ResidentType};
use crate::roles::StaffRole;

type Scenario = TestFramework<Resident>;

fn id(n: u128) -> AccountId {
    AccountId::from_uuid(uuid::Uuid::from_u128(n))
}

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().expect("valid")
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, d).expect("valid")
}

fn manager() -> Actor {
    Actor::staff(id(2), StaffRole::FacilityManager, StaffRole::FacilityManager.default_permissions())
}

fn registered() -> ResidentEvent {
    ResidentEvent::ResidentRegistered {
        id: id(9),
        flat: FlatNumber::parse("A-101").expect("valid"),
        resident_type: ResidentType::Owner,
        committee: false,
        move_in: day(1),
        notifications: NotificationPreferences::default(),
        at: at(),
    }
}

fn by(actor: Actor, command: ResidentCommand) -> Issued<ResidentCommand> {
    Issued::new(actor, at(), command)
}

#[test]
fn facility_managers_register_residents_and_residents_do_not() {
    let register = ResidentCommand::Register(Register {
        id: id(9),
        flat: FlatNumber::parse("a-101").expect("valid"),
        resident_type: ResidentType::Owner,
        committee: false,
        move_in: day(1),
        notifications: NotificationPreferences::default(),
    });
    Scenario::with(())
        .given_no_previous_events()
        .when(by(manager(), register.clone()))
        .then_expect_events(vec![registered()]);
    Scenario::with(())
        .given_no_previous_events()
        .when(by(Actor::resident(id(3), true), register))
        .then_expect_error(ResidentRefusal::NotResidentManagement);
}

#[test]
fn residents_set_their_own_preferences_but_not_their_committee_seat() {
    let me = Actor::resident(id(9), false);
    let quiet = NotificationPreferences { email: false, sms: false, urgent_only: true };
    Scenario::with(())
        .given(vec![registered()])
        .when(by(me.clone(), ResidentCommand::SetNotifications { preferences: quiet }))
        .then_expect_events(vec![ResidentEvent::NotificationPreferencesSet { preferences: quiet, at: at() }]);
    Scenario::with(())
        .given(vec![registered()])
        .when(by(me, ResidentCommand::SetCommittee { member: true }))
        .then_expect_error(ResidentRefusal::NotResidentManagement);
    Scenario::with(())
        .given(vec![registered()])
        .when(by(Actor::resident(id(8), false), ResidentCommand::RecordContactChange))
        .then_expect_error(ResidentRefusal::NotSelfOrResidentManagement);
}

#[test]
fn a_resident_moves_out_once_and_not_before_moving_in() {
    let moved = ResidentEvent::ResidentMovedOut { on: day(20), at: at() };
    Scenario::with(())
        .given(vec![registered()])
        .when(by(manager(), ResidentCommand::MoveOut { on: day(20) }))
        .then_expect_events(vec![moved.clone()]);
    Scenario::with(())
        .given(vec![registered(), ResidentEvent::ResidentMovedOut { on: day(4), at: at() }])
        .when(by(manager(), ResidentCommand::MoveOut { on: day(21) }))
        .then_expect_error(ResidentRefusal::MovedOut);
    // Recorded ahead of time, a move-out has not happened yet: it may be moved to another day.
    Scenario::with(())
        .given(vec![registered(), moved])
        .when(by(manager(), ResidentCommand::MoveOut { on: day(21) }))
        .then_expect_events(vec![ResidentEvent::ResidentMovedOut { on: day(21), at: at() }]);
    let mut late = registered();
    if let ResidentEvent::ResidentRegistered { move_in, .. } = &mut late {
        *move_in = day(10);
    }
    Scenario::with(())
        .given(vec![late])
        .when(by(manager(), ResidentCommand::MoveOut { on: day(2) }))
        .then_expect_error(ResidentRefusal::MoveOutBeforeMoveIn);
}

#[test]
fn a_move_out_takes_effect_on_its_date_not_when_it_is_recorded() {
    let mut resident = Resident::default();
    resident.evolve(registered());
    resident.evolve(ResidentEvent::ResidentMovedOut { on: day(20), at: at() });
    let record = resident.record().expect("registered");
    assert!(record.lives_there_on(day(5)), "recorded on the 5th, still living there");
    assert!(record.lives_there_on(day(19)));
    assert!(!record.lives_there_on(day(20)), "gone on the day of the move-out");
}
