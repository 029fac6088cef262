//! Staff roles, the five permission flags, and what each role gets by default (SPEC §1).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::category::Trade;
use crate::preferences::NotificationPreferences;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    FacilityManager,
    MaintenanceSupervisor,
    Accountant,
    SecurityHead,
    Electrician,
    Plumber,
    Cleaner,
    Gardener,
}

/// One permission flag a staff member may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    AccessAllRequests,
    Assign,
    Close,
    ManageFinances,
    SendAnnouncements,
}

/// The flags a staff member holds.
pub type Permissions = BTreeSet<Permission>;

impl Permission {
    pub const ALL: [Permission; 5] =
        [Self::AccessAllRequests, Self::Assign, Self::Close, Self::ManageFinances, Self::SendAnnouncements];

    pub const fn name(self) -> &'static str {
        match self {
            Self::AccessAllRequests => "access_all_requests",
            Self::Assign => "assign",
            Self::Close => "close",
            Self::ManageFinances => "manage_finances",
            Self::SendAnnouncements => "send_announcements",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Permission {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|p| p.name() == text).ok_or_else(|| format!("unknown permission '{text}'"))
    }
}

impl StaffRole {
    /// The role as a sentence says it, with its article: "an electrician", "a facility manager".
    pub fn with_article(self) -> String {
        let words = self.name().replace('_', " ");
        let article = if words.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        format!("{article} {words}")
    }

    pub const ALL: [StaffRole; 8] = [
        Self::FacilityManager,
        Self::MaintenanceSupervisor,
        Self::Accountant,
        Self::SecurityHead,
        Self::Electrician,
        Self::Plumber,
        Self::Cleaner,
        Self::Gardener,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::FacilityManager => "facility_manager",
            Self::MaintenanceSupervisor => "maintenance_supervisor",
            Self::Accountant => "accountant",
            Self::SecurityHead => "security_head",
            Self::Electrician => "electrician",
            Self::Plumber => "plumber",
            Self::Cleaner => "cleaner",
            Self::Gardener => "gardener",
        }
    }

    /// The row of SPEC §1's permission table for this role.
    pub fn default_permissions(self) -> Permissions {
        use Permission::*;
        let flags: &[Permission] = match self {
            Self::FacilityManager => &[AccessAllRequests, Assign, Close, SendAnnouncements],
            Self::MaintenanceSupervisor => &[AccessAllRequests, Assign, Close],
            Self::Accountant => &[ManageFinances, SendAnnouncements],
            Self::SecurityHead => &[SendAnnouncements],
            Self::Electrician | Self::Plumber => &[Close],
            Self::Cleaner | Self::Gardener => &[],
        };
        flags.iter().copied().collect()
    }

    /// The trade this role does by its own skill; managers take any trade through the
    /// "access all requests" flag instead (see [`can_take_trade`]).
    pub const fn own_trade(self) -> Option<Trade> {
        match self {
            Self::Electrician => Some(Trade::Electrical),
            Self::Plumber => Some(Trade::Plumbing),
            Self::SecurityHead => Some(Trade::Security),
            Self::Cleaner => Some(Trade::Cleaning),
            Self::Gardener => Some(Trade::Landscaping),
            Self::FacilityManager | Self::MaintenanceSupervisor | Self::Accountant => None,
        }
    }

    /// Notification defaults by role (SPEC §1): facility manager and security head get SMS for
    /// everything; electrician and plumber SMS for urgent matters only; others e-mail and in-app.
    pub fn default_notifications(self) -> NotificationPreferences {
        match self {
            Self::FacilityManager | Self::SecurityHead => {
                NotificationPreferences { email: true, sms: true, urgent_only: false }
            }
            Self::Electrician | Self::Plumber => NotificationPreferences { email: false, sms: true, urgent_only: true },
            _ => NotificationPreferences { email: true, sms: false, urgent_only: false },
        }
    }
}

/// Whether a staff member of `role` holding `permissions` can be given work of `trade`: their role
/// does that trade, or they hold "access all requests" and so can take any trade.
pub fn can_take_trade(role: StaffRole, permissions: &Permissions, trade: Trade) -> bool {
    role.own_trade() == Some(trade) || permissions.contains(&Permission::AccessAllRequests)
}

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for StaffRole {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.name() == text).ok_or_else(|| format!("unknown staff role '{text}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    /// SPEC §1's table, row by row: access all, assign, close, finances, announcements.
    #[test]
    fn each_role_starts_with_its_row_of_the_permission_table() {
        let table = [
            (StaffRole::FacilityManager, [true, true, true, false, true]),
            (StaffRole::MaintenanceSupervisor, [true, true, true, false, false]),
            (StaffRole::Accountant, [false, false, false, true, true]),
            (StaffRole::SecurityHead, [false, false, false, false, true]),
            (StaffRole::Electrician, [false, false, true, false, false]),
            (StaffRole::Plumber, [false, false, true, false, false]),
            (StaffRole::Cleaner, [false, false, false, false, false]),
            (StaffRole::Gardener, [false, false, false, false, false]),
        ];
        for (role, row) in table {
            let held = role.default_permissions();
            let got = [AccessAllRequests, Assign, Close, ManageFinances, SendAnnouncements].map(|p| held.contains(&p));
            assert_eq!(got, row, "{role}");
        }
    }

    #[test]
    fn trades_go_to_their_roles_and_managers_take_any() {
        let cases = [
            (StaffRole::Electrician, Trade::Electrical, true),
            (StaffRole::Electrician, Trade::Plumbing, false),
            (StaffRole::Plumber, Trade::Plumbing, true),
            (StaffRole::SecurityHead, Trade::Security, true),
            (StaffRole::Cleaner, Trade::Cleaning, true),
            (StaffRole::Gardener, Trade::Landscaping, true),
            (StaffRole::Gardener, Trade::Hvac, false),
            (StaffRole::Accountant, Trade::General, false),
            (StaffRole::FacilityManager, Trade::Hvac, true),
            (StaffRole::MaintenanceSupervisor, Trade::General, true),
        ];
        for (role, trade, expected) in cases {
            assert_eq!(can_take_trade(role, &role.default_permissions(), trade), expected, "{role} on {trade}");
        }
    }

    #[test]
    fn a_manager_without_access_all_takes_no_trade() {
        let mut flags = StaffRole::FacilityManager.default_permissions();
        flags.remove(&AccessAllRequests);
        assert!(!can_take_trade(StaffRole::FacilityManager, &flags, Trade::General));
    }

    #[test]
    fn names_read_back() {
        for role in StaffRole::ALL {
            assert_eq!(role.name().parse::<StaffRole>(), Ok(role));
        }
        for flag in Permission::ALL {
            assert_eq!(flag.name().parse::<Permission>(), Ok(flag));
        }
    }
}
