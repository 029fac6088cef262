//! Given / when / then tests of the account aggregate.

use chrono::{TimeZone, Utc};
use cqrs_es::test::TestFramework;

use crate::account::{Account, AccountCommand, AccountEvent, AccountKind, AccountRefusal, OtherAdministrators};
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

/// Another administrator who can act, as the command side would have found.
const ONE_OTHER: OtherAdministrators = OtherAdministrators(1);
const NO_OTHER: OtherAdministrators = OtherAdministrators(0);

/// Account 1 opened as an administrator (the estate's first).
fn administrator_opened() -> AccountEvent {
    AccountEvent::AccountOpened { id: id(1), kind: AccountKind::AccountOnly, administrator: true, at: at() }
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
        .when(by(admin(), AccountCommand::SetAuditor { auditor: true, others: ONE_OTHER }))
        .then_expect_events(vec![AccountEvent::AuditorGranted { at: at() }]);
    Scenario::with(())
        .given(vec![opened()])
        .when(by(manager(), AccountCommand::SetAuditor { auditor: true, others: ONE_OTHER }))
        .then_expect_error(AccountRefusal::NotAdministrator);
}

#[test]
fn deactivation_is_recorded_once_and_an_erased_account_stays_closed() {
    let deactivated = AccountEvent::AccountDeactivated { at: at() };
    Scenario::with(())
        .given(vec![opened()])
        .when(by(manager(), AccountCommand::Deactivate { others: ONE_OTHER }))
        .then_expect_events(vec![deactivated.clone()]);
    Scenario::with(())
        .given(vec![opened(), deactivated.clone()])
        .when(by(manager(), AccountCommand::Deactivate { others: ONE_OTHER }))
        .then_expect_events(vec![]);
    Scenario::with(())
        .given(vec![opened()])
        .when(by(admin(), AccountCommand::RecordErasure { others: ONE_OTHER }))
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

#[test]
fn an_administrator_may_not_make_themself_an_auditor() {
    // Auditors issue no command: the right, once taken, could not be given back by its holder.
    Scenario::with(())
        .given(vec![administrator_opened()])
        .when(by(admin(), AccountCommand::SetAuditor { auditor: true, others: ONE_OTHER }))
        .then_expect_error(AccountRefusal::SelfAuditor);
    Scenario::with(())
        .given(vec![administrator_opened()])
        .when(by(Actor::administrator(id(3)), AccountCommand::SetAuditor { auditor: true, others: ONE_OTHER }))
        .then_expect_events(vec![AccountEvent::AuditorGranted { at: at() }]);
}

#[test]
fn the_last_administrator_who_can_act_is_neither_deactivated_nor_demoted_nor_made_an_auditor_nor_erased() {
    let system = Actor::system;
    let ending = [
        AccountCommand::Deactivate { others: NO_OTHER },
        AccountCommand::SetAdministrator { administrator: false, others: NO_OTHER },
        AccountCommand::SetAuditor { auditor: true, others: NO_OTHER },
        AccountCommand::RecordErasure { others: NO_OTHER },
    ];
    for command in ending {
        Scenario::with(())
            .given(vec![administrator_opened()])
            .when(by(system(), command))
            .then_expect_error(AccountRefusal::LastAdministrator);
    }
    // A facility manager may deactivate accounts, but not the last administrator's.
    Scenario::with(())
        .given(vec![administrator_opened()])
        .when(by(manager(), AccountCommand::Deactivate { others: NO_OTHER }))
        .then_expect_error(AccountRefusal::LastAdministrator);
}

#[test]
fn with_another_administrator_who_can_act_any_administrator_may_step_down() {
    Scenario::with(())
        .given(vec![administrator_opened()])
        .when(by(
            Actor::administrator(id(3)),
            AccountCommand::SetAdministrator { administrator: false, others: ONE_OTHER },
        ))
        .then_expect_events(vec![AccountEvent::AdministratorRevoked { at: at() }]);
    Scenario::with(())
        .given(vec![administrator_opened()])
        .when(by(admin(), AccountCommand::Deactivate { others: ONE_OTHER }))
        .then_expect_events(vec![AccountEvent::AccountDeactivated { at: at() }]);
}

#[test]
fn an_administrator_who_cannot_act_anyway_may_lose_the_right_when_no_other_can_act() {
    // An auditor, or someone deactivated, runs nothing: taking their right leaves nobody worse off.
    let auditor = AccountEvent::AuditorGranted { at: at() };
    Scenario::with(())
        .given(vec![administrator_opened(), auditor])
        .when(by(Actor::system(), AccountCommand::SetAdministrator { administrator: false, others: NO_OTHER }))
        .then_expect_events(vec![AccountEvent::AdministratorRevoked { at: at() }]);
    Scenario::with(())
        .given(vec![administrator_opened(), AccountEvent::AccountDeactivated { at: at() }])
        .when(by(Actor::system(), AccountCommand::SetAdministrator { administrator: false, others: NO_OTHER }))
        .then_expect_events(vec![AccountEvent::AdministratorRevoked { at: at() }]);
    // Nor does a change that changes nothing.
    Scenario::with(())
        .given(vec![opened()])
        .when(by(admin(), AccountCommand::Deactivate { others: NO_OTHER }))
        .then_expect_events(vec![AccountEvent::AccountDeactivated { at: at() }]);
}
