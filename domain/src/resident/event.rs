//! The facts recorded about a resident.
//!
//! A stored contract: renaming is a migration; new fields are optional or upcast. Phones,
//! e-mails and names are never recorded here.

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::preferences::NotificationPreferences;
use crate::resident::state::{FlatNumber, ResidentType};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResidentEvent {
    ResidentRegistered {
        id: AccountId,
        flat: FlatNumber,
        resident_type: ResidentType,
        committee: bool,
        move_in: NaiveDate,
        notifications: NotificationPreferences,
        at: DateTime<Utc>,
    },
    CommitteeMembershipSet {
        member: bool,
        at: DateTime<Utc>,
    },
    NotificationPreferencesSet {
        preferences: NotificationPreferences,
        at: DateTime<Utc>,
    },
    ContactDetailsRevised {
        at: DateTime<Utc>,
    },
    ResidentMovedOut {
        on: NaiveDate,
        at: DateTime<Utc>,
    },
}

impl ResidentEvent {
    pub const fn name(&self) -> &'static str {
        match self {
            Self::ResidentRegistered { .. } => "ResidentRegistered",
            Self::CommitteeMembershipSet { .. } => "CommitteeMembershipSet",
            Self::NotificationPreferencesSet { .. } => "NotificationPreferencesSet",
            Self::ContactDetailsRevised { .. } => "ContactDetailsRevised",
            Self::ResidentMovedOut { .. } => "ResidentMovedOut",
        }
    }
}

impl DomainEvent for ResidentEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
