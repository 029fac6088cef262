//! The facts recorded about an account.
//!
//! A stored contract: renaming is a migration; new fields are optional or upcast. No username,
//! e-mail, name, phone or password hash is ever recorded here.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::account::state::AccountKind;
use crate::ids::AccountId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountEvent {
    AccountOpened { id: AccountId, kind: AccountKind, administrator: bool, at: DateTime<Utc> },
    AccountDeactivated { at: DateTime<Utc> },
    AccountReactivated { at: DateTime<Utc> },
    AdministratorGranted { at: DateTime<Utc> },
    AdministratorRevoked { at: DateTime<Utc> },
    AuditorGranted { at: DateTime<Utc> },
    AuditorRevoked { at: DateTime<Utc> },
    PasswordChanged { at: DateTime<Utc> },
    PersonalDataErased { at: DateTime<Utc> },
}

impl AccountEvent {
    pub const fn name(&self) -> &'static str {
        match self {
            Self::AccountOpened { .. } => "AccountOpened",
            Self::AccountDeactivated { .. } => "AccountDeactivated",
            Self::AccountReactivated { .. } => "AccountReactivated",
            Self::AdministratorGranted { .. } => "AdministratorGranted",
            Self::AdministratorRevoked { .. } => "AdministratorRevoked",
            Self::AuditorGranted { .. } => "AuditorGranted",
            Self::AuditorRevoked { .. } => "AuditorRevoked",
            Self::PasswordChanged { .. } => "PasswordChanged",
            Self::PersonalDataErased { .. } => "PersonalDataErased",
        }
    }
}

impl DomainEvent for AccountEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
