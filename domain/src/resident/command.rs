//! What can be asked of a resident's record.

use chrono::NaiveDate;

use crate::ids::AccountId;
use crate::preferences::NotificationPreferences;
use crate::resident::state::{FlatNumber, ResidentType};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResidentCommand {
    Register(Register),
    SetCommittee {
        member: bool,
    },
    SetNotifications {
        preferences: NotificationPreferences,
    },
    /// Phones or emergency contact changed in the accounts table; the fact is recorded.
    RecordContactChange,
    MoveOut {
        on: NaiveDate,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    pub id: AccountId,
    pub flat: FlatNumber,
    pub resident_type: ResidentType,
    pub committee: bool,
    pub move_in: NaiveDate,
    pub notifications: NotificationPreferences,
}
