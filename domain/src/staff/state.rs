//! A staff record as it stands, and how each recorded fact changes it.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::ids::AccountId;
use crate::preferences::NotificationPreferences;
use crate::roles::{Permission, Permissions, StaffRole};
use crate::staff::event::StaffEvent;
use crate::values::Text;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum StaffMember {
    #[default]
    NotOnboarded,
    Onboarded(StaffRecord),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffRecord {
    pub id: AccountId,
    pub employee_id: EmployeeId,
    pub role: StaffRole,
    pub department: Text,
    pub employment: EmploymentStatus,
    pub hire_date: NaiveDate,
    pub supervisor: Option<AccountId>,
    pub schedule: Option<Text>,
    pub available_24x7: bool,
    /// Employed; a deactivated staff member can neither act as staff nor be assigned.
    pub active: bool,
    pub permissions: Permissions,
    pub notifications: NotificationPreferences,
    pub onboarded_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentStatus {
    FullTime,
    PartTime,
    Contract,
    Consultant,
}

impl EmploymentStatus {
    pub const fn name(self) -> &'static str {
        match self {
            Self::FullTime => "full_time",
            Self::PartTime => "part_time",
            Self::Contract => "contract",
            Self::Consultant => "consultant",
        }
    }
}

/// An employee id, unique across all staff: 1–20 letters, digits, `-` or `_`, kept in capitals
/// so `emp-001` and `EMP-001` are one id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EmployeeId(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an employee id is 1 to 20 letters, digits, '-' or '_'")]
pub struct EmployeeIdError;

impl EmployeeId {
    pub fn parse(text: &str) -> Result<Self, EmployeeIdError> {
        let text = text.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if (1..=20).contains(&text.len()) && text.chars().all(allowed) {
            Ok(Self(text.to_ascii_uppercase()))
        } else {
            Err(EmployeeIdError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmployeeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EmployeeId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// How a staff member's flags differ from their role's row of the table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FlagDifference {
    pub granted_beyond_role: Vec<Permission>,
    pub missing_from_role: Vec<Permission>,
}

impl StaffRecord {
    /// `None` when the flags are exactly the role's defaults (the diagnostics report's question).
    pub fn flags_differing_from_role(&self) -> Option<FlagDifference> {
        let defaults = self.role.default_permissions();
        let difference = FlagDifference {
            granted_beyond_role: self.permissions.difference(&defaults).copied().collect(),
            missing_from_role: defaults.difference(&self.permissions).copied().collect(),
        };
        (difference != FlagDifference::default()).then_some(difference)
    }
}

impl StaffMember {
    pub fn record(&self) -> Option<&StaffRecord> {
        match self {
            Self::Onboarded(record) => Some(record),
            Self::NotOnboarded => None,
        }
    }

    /// Applies one recorded fact; facts from the log are never refused.
    pub fn evolve(&mut self, event: StaffEvent) {
        match (self, event) {
            (
                state @ Self::NotOnboarded,
                StaffEvent::StaffOnboarded {
                    id,
                    employee_id,
                    role,
                    department,
                    employment,
                    hire_date,
                    supervisor,
                    schedule,
                    available_24x7,
                    permissions,
                    notifications,
                    at,
                },
            ) => {
                *state = Self::Onboarded(StaffRecord {
                    id,
                    employee_id,
                    role,
                    department,
                    employment,
                    hire_date,
                    supervisor,
                    schedule,
                    available_24x7,
                    active: true,
                    permissions,
                    notifications,
                    onboarded_at: at,
                });
            }
            (Self::Onboarded(record), event) => record.evolve(event),
            (Self::NotOnboarded, _) => {}
        }
    }
}

impl StaffRecord {
    fn evolve(&mut self, event: StaffEvent) {
        match event {
            StaffEvent::StaffOnboarded { .. } => {}
            StaffEvent::StaffAppointed { to, .. } => self.role = to,
            StaffEvent::PermissionGranted { permission, .. } => {
                self.permissions.insert(permission);
            }
            StaffEvent::PermissionRevoked { permission, .. } => {
                self.permissions.remove(&permission);
            }
            StaffEvent::PermissionsReset { permissions, .. } => self.permissions = permissions,
            StaffEvent::SupervisorSet { supervisor, .. } => self.supervisor = supervisor,
            StaffEvent::ProfileRevised { department, .. } => self.department = department,
            StaffEvent::AvailabilitySet { available_24x7, schedule, .. } => {
                self.available_24x7 = available_24x7;
                self.schedule = schedule;
            }
            StaffEvent::NotificationPreferencesSet { preferences, .. } => self.notifications = preferences,
            StaffEvent::EmploymentStatusSet { status, .. } => self.employment = status,
            StaffEvent::StaffActivated { .. } => self.active = true,
            StaffEvent::StaffDeactivated { .. } => self.active = false,
        }
    }
}
