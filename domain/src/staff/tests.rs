//! Given / when / then tests of the staff aggregate.

use chrono::{NaiveDate, TimeZone, Utc};
use cqrs_es::test::TestFramework;

use crate::actor::{Actor, Issued};
use crate::ids::AccountId;
use crate::preferences::NotificationPreferences;
use crate::roles::{Permission, StaffRole};
use crate::staff::{
    EmployeeId, EmploymentStatus, Onboard, StaffCommand, StaffEvent, StaffMember, StaffRefusal, SupervisorFacts,
};
use crate::values::Text;

type Scenario = TestFramework<StaffMember>;

fn id(n: u128) -> AccountId {
    AccountId::from_uuid(uuid::Uuid::from_u128(n))
}

const MEMBER: u128 = 20;

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().expect("valid")
}

fn admin() -> Actor {
    Actor::administrator(id(1))
}

fn manager() -> Actor {
    Actor::staff(id(2), StaffRole::FacilityManager, StaffRole::FacilityManager.default_permissions())
}

fn by(actor: Actor, command: StaffCommand) -> Issued<StaffCommand> {
    Issued::new(actor, at(), command)
}

fn department() -> Text {
    Text::parse("department", "Maintenance", 100).expect("valid")
}

fn onboard(role: StaffRole, supervisor: Option<SupervisorFacts>) -> StaffCommand {
    StaffCommand::Onboard(Onboard {
        id: id(MEMBER),
        employee_id: EmployeeId::parse("emp-020").expect("valid"),
        role,
        department: department(),
        employment: EmploymentStatus::FullTime,
        hire_date: NaiveDate::from_ymd_opt(2025, 4, 1).expect("valid"),
        supervisor,
        schedule: None,
        available_24x7: false,
        notifications: None,
    })
}

fn onboarded(role: StaffRole) -> StaffEvent {
    StaffEvent::StaffOnboarded {
        id: id(MEMBER),
        employee_id: EmployeeId::parse("EMP-020").expect("valid"),
        role,
        department: department(),
        employment: EmploymentStatus::FullTime,
        hire_date: NaiveDate::from_ymd_opt(2025, 4, 1).expect("valid"),
        supervisor: None,
        schedule: None,
        available_24x7: false,
        permissions: role.default_permissions(),
        notifications: role.default_notifications(),
        at: at(),
    }
}

fn supervisor(n: u128) -> SupervisorFacts {
    SupervisorFacts { staff: id(n), active_staff: true, reports_to_member: false }
}

#[test]
fn a_new_staff_member_gets_the_role_defaults() {
    Scenario::with(())
        .given_no_previous_events()
        .when(by(admin(), onboard(StaffRole::Electrician, None)))
        .then_expect_events(vec![onboarded(StaffRole::Electrician)]);
}

#[test]
fn role_notification_defaults_follow_the_spec() {
    let sms_everything = NotificationPreferences { email: true, sms: true, urgent_only: false };
    let sms_urgent = NotificationPreferences { email: false, sms: true, urgent_only: true };
    assert_eq!(StaffRole::FacilityManager.default_notifications(), sms_everything);
    assert_eq!(StaffRole::SecurityHead.default_notifications(), sms_everything);
    assert_eq!(StaffRole::Plumber.default_notifications(), sms_urgent);
    assert_eq!(StaffRole::Electrician.default_notifications(), sms_urgent);
    assert_eq!(StaffRole::Cleaner.default_notifications(), NotificationPreferences::default());
}

#[test]
fn only_administrators_and_facility_managers_manage_staff() {
    Scenario::with(())
        .given_no_previous_events()
        .when(by(manager(), onboard(StaffRole::Plumber, None)))
        .then_expect_events(vec![onboarded(StaffRole::Plumber)]);
    let supervisor_actor =
        Actor::staff(id(3), StaffRole::MaintenanceSupervisor, StaffRole::MaintenanceSupervisor.default_permissions());
    for actor in [supervisor_actor, Actor::resident(id(4), true)] {
        Scenario::with(())
            .given_no_previous_events()
            .when(by(actor.clone(), onboard(StaffRole::Plumber, None)))
            .then_expect_error(StaffRefusal::NotStaffManagement);
        Scenario::with(())
            .given(vec![onboarded(StaffRole::Plumber)])
            .when(by(actor, StaffCommand::Deactivate))
            .then_expect_error(StaffRefusal::NotStaffManagement);
    }
}

#[test]
fn changing_role_keeps_flags_unless_a_reset_is_asked() {
    let appointed =
        StaffEvent::StaffAppointed { from: StaffRole::Electrician, to: StaffRole::MaintenanceSupervisor, at: at() };
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Electrician)])
        .when(by(
            admin(),
            StaffCommand::ChangeRole { role: StaffRole::MaintenanceSupervisor, reset_permissions: false },
        ))
        .then_expect_events(vec![appointed.clone()]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Electrician)])
        .when(by(admin(), StaffCommand::ChangeRole { role: StaffRole::MaintenanceSupervisor, reset_permissions: true }))
        .then_expect_events(vec![
            appointed,
            StaffEvent::PermissionsReset {
                permissions: StaffRole::MaintenanceSupervisor.default_permissions(),
                at: at(),
            },
        ]);
}

#[test]
fn flags_are_granted_and_revoked_one_by_one_and_reset_to_the_role_row() {
    let granted = StaffEvent::PermissionGranted { permission: Permission::Assign, at: at() };
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(admin(), StaffCommand::Grant { permission: Permission::Assign }))
        .then_expect_events(vec![granted.clone()]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber), granted.clone()])
        .when(by(admin(), StaffCommand::Grant { permission: Permission::Assign }))
        .then_expect_events(vec![]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(admin(), StaffCommand::Revoke { permission: Permission::Close }))
        .then_expect_events(vec![StaffEvent::PermissionRevoked { permission: Permission::Close, at: at() }]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber), granted])
        .when(by(admin(), StaffCommand::ResetPermissions))
        .then_expect_events(vec![StaffEvent::PermissionsReset {
            permissions: StaffRole::Plumber.default_permissions(),
            at: at(),
        }]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(admin(), StaffCommand::ResetPermissions))
        .then_expect_events(vec![]);
}

#[test]
fn diagnostics_see_flags_that_differ_from_the_role() {
    let mut state = StaffMember::default();
    state.evolve(onboarded(StaffRole::Plumber));
    assert_eq!(state.record().and_then(|r| r.flags_differing_from_role()), None);
    state.evolve(StaffEvent::PermissionGranted { permission: Permission::Assign, at: at() });
    state.evolve(StaffEvent::PermissionRevoked { permission: Permission::Close, at: at() });
    let difference = state.record().and_then(|r| r.flags_differing_from_role()).expect("differs");
    assert_eq!(difference.granted_beyond_role, vec![Permission::Assign]);
    assert_eq!(difference.missing_from_role, vec![Permission::Close]);
}

#[test]
fn a_supervisor_is_another_active_staff_member_and_never_closes_a_loop() {
    let set = |facts| by(admin(), StaffCommand::SetSupervisor { supervisor: Some(facts) });
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(set(supervisor(2)))
        .then_expect_events(vec![StaffEvent::SupervisorSet { supervisor: Some(id(2)), at: at() }]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(set(supervisor(MEMBER)))
        .then_expect_error(StaffRefusal::SupervisorIsSelf);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(set(SupervisorFacts { active_staff: false, ..supervisor(2) }))
        .then_expect_error(StaffRefusal::SupervisorNotActive);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(set(SupervisorFacts { reports_to_member: true, ..supervisor(2) }))
        .then_expect_error(StaffRefusal::SupervisorCycle);
    Scenario::with(())
        .given_no_previous_events()
        .when(by(admin(), onboard(StaffRole::Plumber, Some(SupervisorFacts { active_staff: false, ..supervisor(2) }))))
        .then_expect_error(StaffRefusal::SupervisorNotActive);
}

#[test]
fn staff_set_their_own_availability_and_preferences_but_nothing_else() {
    let me = Actor::staff(id(MEMBER), StaffRole::Plumber, StaffRole::Plumber.default_permissions());
    let schedule = Text::parse("schedule", "Mon-Sat 9-6", 500).ok();
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(me.clone(), StaffCommand::SetAvailability { available_24x7: true, schedule: schedule.clone() }))
        .then_expect_events(vec![StaffEvent::AvailabilitySet { available_24x7: true, schedule, at: at() }]);
    let quiet = NotificationPreferences { email: false, sms: false, urgent_only: true };
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(me.clone(), StaffCommand::SetNotifications { preferences: quiet }))
        .then_expect_events(vec![StaffEvent::NotificationPreferencesSet { preferences: quiet, at: at() }]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(me, StaffCommand::Grant { permission: Permission::Assign }))
        .then_expect_error(StaffRefusal::NotStaffManagement);
    let other = Actor::staff(id(21), StaffRole::Plumber, StaffRole::Plumber.default_permissions());
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(other, StaffCommand::SetAvailability { available_24x7: true, schedule: None }))
        .then_expect_error(StaffRefusal::NotSelfOrStaffManagement);
}

#[test]
fn activation_and_deactivation_record_only_a_change() {
    let deactivated = StaffEvent::StaffDeactivated { at: at() };
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(admin(), StaffCommand::Deactivate))
        .then_expect_events(vec![deactivated.clone()]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber), deactivated.clone()])
        .when(by(admin(), StaffCommand::Deactivate))
        .then_expect_events(vec![]);
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber), deactivated])
        .when(by(admin(), StaffCommand::Activate))
        .then_expect_events(vec![StaffEvent::StaffActivated { at: at() }]);
}

#[test]
fn employment_status_and_profile_are_recorded() {
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(admin(), StaffCommand::SetEmployment { status: EmploymentStatus::Contract }))
        .then_expect_events(vec![StaffEvent::EmploymentStatusSet { status: EmploymentStatus::Contract, at: at() }]);
    let estates = Text::parse("department", "Estates", 100).expect("valid");
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(admin(), StaffCommand::ReviseProfile { department: estates.clone() }))
        .then_expect_events(vec![StaffEvent::ProfileRevised { department: estates, at: at() }]);
}

#[test]
fn a_staff_member_is_onboarded_once_and_commands_need_one() {
    Scenario::with(())
        .given(vec![onboarded(StaffRole::Plumber)])
        .when(by(admin(), onboard(StaffRole::Plumber, None)))
        .then_expect_error(StaffRefusal::AlreadyOnboarded);
    Scenario::with(())
        .given_no_previous_events()
        .when(by(admin(), StaffCommand::Activate))
        .then_expect_error(StaffRefusal::NotFound);
}

#[test]
fn employee_ids_are_short_codes_kept_in_capitals() {
    assert_eq!(EmployeeId::parse(" emp-7 ").map(|e| e.to_string()), Ok("EMP-7".into()));
    for bad in ["", "has space", "x".repeat(21).as_str(), "émp"] {
        assert!(EmployeeId::parse(bad).is_err(), "{bad}");
    }
}
