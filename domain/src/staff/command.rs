//! What administrators and facility managers (and staff, for their own availability and
//! preferences) ask of a staff record.

use chrono::NaiveDate;

use crate::ids::AccountId;
use crate::preferences::NotificationPreferences;
use crate::roles::{Permission, StaffRole};
use crate::staff::state::{EmployeeId, EmploymentStatus};
use crate::values::Text;

#[derive(Clone, Debug, PartialEq)]
pub enum StaffCommand {
    Onboard(Onboard),
    /// Flags stay as they are unless `reset_permissions` asks for the new role's defaults.
    ChangeRole {
        role: StaffRole,
        reset_permissions: bool,
    },
    Grant {
        permission: Permission,
    },
    Revoke {
        permission: Permission,
    },
    ResetPermissions,
    /// `None` removes the supervisor.
    SetSupervisor {
        supervisor: Option<SupervisorFacts>,
    },
    ReviseProfile {
        department: Text,
    },
    SetAvailability {
        available_24x7: bool,
        schedule: Option<Text>,
    },
    SetNotifications {
        preferences: NotificationPreferences,
    },
    SetEmployment {
        status: EmploymentStatus,
    },
    Activate,
    Deactivate,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Onboard {
    pub id: AccountId,
    pub employee_id: EmployeeId,
    pub role: StaffRole,
    pub department: Text,
    pub employment: EmploymentStatus,
    pub hire_date: NaiveDate,
    pub supervisor: Option<SupervisorFacts>,
    pub schedule: Option<Text>,
    pub available_24x7: bool,
    /// Defaults to the role's notification defaults.
    pub notifications: Option<NotificationPreferences>,
}

/// The proposed supervisor, with the facts their choice is judged on, looked up by the command
/// handler while holding the lock that keeps reporting-chain changes one at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupervisorFacts {
    pub staff: AccountId,
    /// Onboarded and active.
    pub active_staff: bool,
    /// The proposed supervisor already reports (directly or not) to this staff member.
    pub reports_to_member: bool,
}
