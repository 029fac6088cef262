//! The facts recorded about a staff member.
//!
//! This is a stored contract: renaming a variant or field is a migration; a new field is optional
//! (`#[serde(default)]`) or arrives through an upcaster; `event_type()` is fixed per variant.
//! No personal data (names, phones, e-mails) is ever recorded here: those live with the account.

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::preferences::NotificationPreferences;
use crate::roles::{Permission, Permissions, StaffRole};
use crate::staff::state::{EmployeeId, EmploymentStatus};
use crate::values::Text;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum StaffEvent {
    StaffOnboarded {
        id: AccountId,
        employee_id: EmployeeId,
        role: StaffRole,
        department: Text,
        employment: EmploymentStatus,
        hire_date: NaiveDate,
        supervisor: Option<AccountId>,
        schedule: Option<Text>,
        available_24x7: bool,
        permissions: Permissions,
        notifications: NotificationPreferences,
        at: DateTime<Utc>,
    },
    StaffAppointed {
        from: StaffRole,
        to: StaffRole,
        at: DateTime<Utc>,
    },
    PermissionGranted {
        permission: Permission,
        at: DateTime<Utc>,
    },
    PermissionRevoked {
        permission: Permission,
        at: DateTime<Utc>,
    },
    PermissionsReset {
        permissions: Permissions,
        at: DateTime<Utc>,
    },
    SupervisorSet {
        supervisor: Option<AccountId>,
        at: DateTime<Utc>,
    },
    ProfileRevised {
        department: Text,
        at: DateTime<Utc>,
    },
    AvailabilitySet {
        available_24x7: bool,
        schedule: Option<Text>,
        at: DateTime<Utc>,
    },
    NotificationPreferencesSet {
        preferences: NotificationPreferences,
        at: DateTime<Utc>,
    },
    EmploymentStatusSet {
        status: EmploymentStatus,
        at: DateTime<Utc>,
    },
    StaffActivated {
        at: DateTime<Utc>,
    },
    StaffDeactivated {
        at: DateTime<Utc>,
    },
}

impl StaffEvent {
    pub const fn name(&self) -> &'static str {
        match self {
            Self::StaffOnboarded { .. } => "StaffOnboarded",
            Self::StaffAppointed { .. } => "StaffAppointed",
            Self::PermissionGranted { .. } => "PermissionGranted",
            Self::PermissionRevoked { .. } => "PermissionRevoked",
            Self::PermissionsReset { .. } => "PermissionsReset",
            Self::SupervisorSet { .. } => "SupervisorSet",
            Self::ProfileRevised { .. } => "ProfileRevised",
            Self::AvailabilitySet { .. } => "AvailabilitySet",
            Self::NotificationPreferencesSet { .. } => "NotificationPreferencesSet",
            Self::EmploymentStatusSet { .. } => "EmploymentStatusSet",
            Self::StaffActivated { .. } => "StaffActivated",
            Self::StaffDeactivated { .. } => "StaffDeactivated",
        }
    }
}

impl DomainEvent for StaffEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
