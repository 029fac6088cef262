//! `decide` for accounts: who may open, close and change them (SPEC §1 "People and accounts"),
//! and the estate always keeping an administrator who can act.

use chrono::{DateTime, Utc};

use crate::account::command::{AccountCommand, OtherAdministrators};
use crate::account::event::AccountEvent;
use crate::account::refusal::AccountRefusal;
use crate::account::state::{Account, AccountRecord};
use crate::actor::{Actor, Issued};
use crate::request::may_manage_staff;

type Decision = Result<Vec<AccountEvent>, AccountRefusal>;

pub fn decide(state: &Account, issued: &Issued<AccountCommand>) -> Decision {
    let Issued { by, at, command } = issued;
    match (state, command) {
        (Account::NotOpened, AccountCommand::Open { id, kind, administrator }) => {
            // The first administrator is opened by the system from the command line.
            let may_open = by.is_system() || may_manage_staff(by);
            if !may_open {
                return Err(AccountRefusal::NotAccountManagement);
            }
            if *administrator && !(by.is_system() || by.administrator) {
                return Err(AccountRefusal::NotAdministrator);
            }
            Ok(vec![AccountEvent::AccountOpened { id: *id, kind: *kind, administrator: *administrator, at: *at }])
        }
        (Account::Opened(_), AccountCommand::Open { .. }) => Err(AccountRefusal::AlreadyOpened),
        (Account::NotOpened, _) => Err(AccountRefusal::NotFound),
        (Account::Opened(record), command) => decide_on_record(record, by, *at, command),
    }
}

fn decide_on_record(record: &AccountRecord, by: &Actor, at: DateTime<Utc>, command: &AccountCommand) -> Decision {
    let administrator = by.is_system() || by.administrator;
    let manager = administrator || may_manage_staff(by);
    let when = |differs: bool, event: AccountEvent| if differs { vec![event] } else { Vec::new() };
    // Deactivating, revoking the administrator right, granting the auditor right and erasing each
    // end the standing of an administrator who can act; the last one keeps it.
    let last = |others: &OtherAdministrators| record.runs_the_estate() && others.0 == 0;
    match command {
        AccountCommand::Open { .. } => Err(AccountRefusal::AlreadyOpened),
        AccountCommand::Deactivate { .. } | AccountCommand::Reactivate if !manager => {
            Err(AccountRefusal::NotAccountManagement)
        }
        AccountCommand::Reactivate if record.erased => Err(AccountRefusal::Erased),
        AccountCommand::Deactivate { others } if last(others) => Err(AccountRefusal::LastAdministrator),
        AccountCommand::Deactivate { .. } => Ok(when(record.active, AccountEvent::AccountDeactivated { at })),
        AccountCommand::Reactivate => Ok(when(!record.active, AccountEvent::AccountReactivated { at })),
        AccountCommand::SetAdministrator { .. }
        | AccountCommand::SetAuditor { .. }
        | AccountCommand::RecordErasure { .. }
            if !administrator =>
        {
            Err(AccountRefusal::NotAdministrator)
        }
        AccountCommand::SetAdministrator { administrator: true, .. } => {
            Ok(when(!record.administrator, AccountEvent::AdministratorGranted { at }))
        }
        AccountCommand::SetAdministrator { administrator: false, others } if last(others) => {
            Err(AccountRefusal::LastAdministrator)
        }
        AccountCommand::SetAdministrator { administrator: false, .. } => {
            Ok(when(record.administrator, AccountEvent::AdministratorRevoked { at }))
        }
        // An auditor issues no command, so whoever made themself one could never undo it.
        AccountCommand::SetAuditor { auditor: true, .. } if by.account == record.id => Err(AccountRefusal::SelfAuditor),
        AccountCommand::SetAuditor { auditor: true, others } if last(others) => Err(AccountRefusal::LastAdministrator),
        AccountCommand::SetAuditor { auditor: true, .. } => {
            Ok(when(!record.auditor, AccountEvent::AuditorGranted { at }))
        }
        AccountCommand::SetAuditor { auditor: false, .. } => {
            Ok(when(record.auditor, AccountEvent::AuditorRevoked { at }))
        }
        AccountCommand::RecordPasswordChange if !(administrator || by.account == record.id) => {
            Err(AccountRefusal::NotSelfOrAdministrator)
        }
        AccountCommand::RecordPasswordChange => Ok(vec![AccountEvent::PasswordChanged { at }]),
        AccountCommand::RecordErasure { others } if last(others) => Err(AccountRefusal::LastAdministrator),
        AccountCommand::RecordErasure { .. } => {
            let mut events = when(record.active, AccountEvent::AccountDeactivated { at });
            events.extend(when(!record.erased, AccountEvent::PersonalDataErased { at }));
            Ok(events)
        }
    }
}
