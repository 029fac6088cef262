//! An account as it stands.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::account::event::AccountEvent;
use crate::ids::AccountId;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Account {
    #[default]
    NotOpened,
    Opened(AccountRecord),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub id: AccountId,
    pub kind: AccountKind,
    pub administrator: bool,
    pub auditor: bool,
    pub active: bool,
    pub erased: bool,
}

/// An account is a resident's or a staff member's; a few (the first administrator) are neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Resident,
    Staff,
    AccountOnly,
}

impl AccountKind {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Staff => "staff",
            Self::AccountOnly => "account_only",
        }
    }
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for AccountKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Self::Resident, Self::Staff, Self::AccountOnly]
            .into_iter()
            .find(|k| k.name() == text)
            .ok_or_else(|| format!("unknown account kind '{text}'"))
    }
}

impl AccountRecord {
    /// An administrator who can act: active, and not an auditor (auditors issue no command).
    pub fn runs_the_estate(&self) -> bool {
        self.active && self.administrator && !self.auditor
    }
}

impl Account {
    pub fn record(&self) -> Option<&AccountRecord> {
        match self {
            Self::Opened(record) => Some(record),
            Self::NotOpened => None,
        }
    }

    pub fn evolve(&mut self, event: AccountEvent) {
        match (self, event) {
            (state @ Self::NotOpened, AccountEvent::AccountOpened { id, kind, administrator, .. }) => {
                *state = Self::Opened(AccountRecord {
                    id,
                    kind,
                    administrator,
                    auditor: false,
                    active: true,
                    erased: false,
                });
            }
            (Self::Opened(record), event) => match event {
                AccountEvent::AccountOpened { .. } | AccountEvent::PasswordChanged { .. } => {}
                AccountEvent::AccountDeactivated { .. } => record.active = false,
                AccountEvent::AccountReactivated { .. } => record.active = true,
                AccountEvent::AdministratorGranted { .. } => record.administrator = true,
                AccountEvent::AdministratorRevoked { .. } => record.administrator = false,
                AccountEvent::AuditorGranted { .. } => record.auditor = true,
                AccountEvent::AuditorRevoked { .. } => record.auditor = false,
                AccountEvent::PersonalDataErased { .. } => record.erased = true,
            },
            (Self::NotOpened, _) => {}
        }
    }
}
