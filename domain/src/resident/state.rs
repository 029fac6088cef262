//! A resident's record as it stands, and the flat number they live at.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::ids::AccountId;
use crate::preferences::NotificationPreferences;
use crate::resident::event::ResidentEvent;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resident {
    #[default]
    NotRegistered,
    Registered(ResidentRecord),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentRecord {
    pub id: AccountId,
    pub flat: FlatNumber,
    pub resident_type: ResidentType,
    pub committee: bool,
    pub move_in: NaiveDate,
    /// The day they move (or moved) out; a later move-out command before that day replaces it.
    pub moved_out: Option<NaiveDate>,
    pub notifications: NotificationPreferences,
}

impl ResidentRecord {
    /// Whether they live at the flat on `day`. A move-out takes effect on its date, not when it is
    /// recorded: a move-out recorded ahead of time leaves them resident until then.
    pub fn lives_there_on(&self, day: NaiveDate) -> bool {
        self.moved_out.is_none_or(|out| day < out)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidentType {
    Owner,
    Tenant,
    Family,
}

impl ResidentType {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Tenant => "tenant",
            Self::Family => "family",
        }
    }
}

/// A flat as the estate writes it: block, `-`, number (`A-101`, `C1-201`). Kept as written in
/// capitals; the block is the part before the dash.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FlatNumber(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a flat is written as block, dash, number, such as A-101 or C1-201")]
pub struct FlatNumberError;

impl FlatNumber {
    pub fn parse(text: &str) -> Result<Self, FlatNumberError> {
        let text = text.trim().to_ascii_uppercase();
        let part = |s: &str| (1..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
        match text.split_once('-') {
            Some((block, number)) if part(block) && part(number) => Ok(Self(text)),
            _ => Err(FlatNumberError),
        }
    }

    pub fn block(&self) -> &str {
        self.0.split_once('-').map_or(self.0.as_str(), |(block, _)| block)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FlatNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for FlatNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Resident {
    pub fn record(&self) -> Option<&ResidentRecord> {
        match self {
            Self::Registered(record) => Some(record),
            Self::NotRegistered => None,
        }
    }

    pub fn evolve(&mut self, event: ResidentEvent) {
        match (self, event) {
            (
                state @ Self::NotRegistered,
                ResidentEvent::ResidentRegistered {
                    id, flat, resident_type, committee, move_in, notifications, ..
                },
            ) => {
                *state = Self::Registered(ResidentRecord {
                    id,
                    flat,
                    resident_type,
                    committee,
                    move_in,
                    moved_out: None,
                    notifications,
                });
            }
            (Self::Registered(record), event) => match event {
                ResidentEvent::ResidentRegistered { .. } | ResidentEvent::ContactDetailsRevised { .. } => {}
                ResidentEvent::CommitteeMembershipSet { member, .. } => record.committee = member,
                ResidentEvent::NotificationPreferencesSet { preferences, .. } => record.notifications = preferences,
                ResidentEvent::ResidentMovedOut { on, .. } => record.moved_out = Some(on),
            },
            (Self::NotRegistered, _) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flats_are_block_dash_number() {
        let flat = FlatNumber::parse(" c1-201 ").expect("valid");
        assert_eq!((flat.as_str(), flat.block()), ("C1-201", "C1"));
        for bad in ["A101", "-101", "A-", "A-1-2", "A 1-101"] {
            assert!(FlatNumber::parse(bad).is_err(), "{bad}");
        }
    }
}
