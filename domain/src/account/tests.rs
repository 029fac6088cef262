//! Given / when / then tests of the account aggregate.

use chrono::{TimeZone, Utc};
use cqrs_es::test::TestFramework;

use crate::account::{Account, AccountCommand, AccountEvent, AccountKind, AccountRefusal};
use crate::actor::{Actor, Issued};
use crate::ids::AccountId;
use crate::roles::StaffRole;

type Scenario = TestFramework<Account>;

fn id(n: u128) -> AccountId {
    AccountId::from_uuid(uuid::Uuid::from_u128(n))
}

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().expect("valid")
}

fn admin() -> Actor {
    Actor::administrator(id(1))
}

fn manager() -> Actor {
    Actor::staff(id(2), StaffRole::FacilityManager, StaffRole::FacilityManager.default_permissions())
}

fn opened() -> AccountEvent {
    AccountEvent::AccountOpened { id: id(9), kind: AccountKind::Resident, administrator: false, at: at() }
}

fn by(actor: Actor, command: AccountCommand) -> Issued<AccountCommand> {
    Issued::new(actor, at(), command)
}

#[test]
fn the_first_administrator_is_opened_by_the_system() {
    Scenario::with(())
        .given_no_previous_events()
        .when(by(
            Actor::system(),
            AccountCommand::Open { id: id(1), kind: AccountKind::AccountOnly, administrator: true },
        ))
        .then_expect_events(vec![AccountEvent::AccountOpened {
            id: id(1),
            kind: AccountKind::AccountOnly,
            administrator: true,
            at: at(),
        }]);
}

#[test]
fn facility_managers_open_accounts_but_only_administrators_make_administrators() {
    Scenario::with(())
        .given_no_previous_events()
        .when(by(manager(), AccountCommand::Open { id: id(9), kind: AccountKind::Resident, administrator: false }))
        .then_expect_events(vec![opened()]);
    Scenario::with(())
        .given_no_previous_events()
        .when(by(manager(), AccountCommand::Open { id: id(9), kind: AccountKind::Staff, administrator: true }))
        .then_expect_error(AccountRefusal::NotAdministrator);
    Scenario::with(())
        .given_no_previous_events()
        .when(by(
            Actor::resident(id(5), true),
            AccountCommand::Open { id: id(9), kind: AccountKind::Resident, administrator: false },
        ))
        .then_expect_error(AccountRefusal::NotAccountManagement);
}

#[test]
fn auditor_rights_are_granted_by_administrators_only() {
    Scenario::with(())
        .given(vec![opened()])
        .when(by(admin(), AccountCommand::SetAuditor { auditor: true }))
        .then_expect_events(vec![AccountEvent::AuditorGranted { at: at() }]);
    Scenario::with(())
        .given(vec![opened()])
        .when(by(manager(), AccountCommand::SetAuditor { auditor: true }))
        .then_expect_error(AccountRefusal::NotAdministrator);
}

#[test]
fn deactivation_is_recorded_once_and_an_erased_account_stays_closed() {
    let deactivated = AccountEvent::AccountDeactivated { at: at() };
    Scenario::with(())
        .given(vec![opened()])
        .when(by(manager(), AccountCommand::Deactivate))
        .then_expect_events(vec![deactivated.clone()]);
    Scenario::with(())
        .given(vec![opened(), deactivated.clone()])
        .when(by(manager(), AccountCommand::Deactivate))
        .then_expect_events(vec![]);
    Scenario::with(())
        .given(vec![opened()])
        .when(by(admin(), AccountCommand::RecordErasure))
        .then_expect_events(vec![deactivated.clone(), AccountEvent::PersonalDataErased { at: at() }]);
    Scenario::with(())
        .given(vec![opened(), deactivated, AccountEvent::PersonalDataErased { at: at() }])
        .when(by(admin(), AccountCommand::Reactivate))
        .then_expect_error(AccountRefusal::Erased);
}

#[test]
fn people_change_their_own_password_and_administrators_reset_anyone_s() {
    let me = Actor::resident(id(9), false);
    Scenario::with(())
        .given(vec![opened()])
        .when(by(me, AccountCommand::RecordPasswordChange))
        .then_expect_events(vec![AccountEvent::PasswordChanged { at: at() }]);
    Scenario::with(())
        .given(vec![opened()])
        .when(by(admin(), AccountCommand::RecordPasswordChange))
        .then_expect_events(vec![AccountEvent::PasswordChanged { at: at() }]);
    Scenario::with(())
        .given(vec![opened()])
        .when(by(Actor::resident(id(8), false), AccountCommand::RecordPasswordChange))
        .then_expect_error(AccountRefusal::NotSelfOrAdministrator);
}
