//! Who is acting, as the command handler found them when the command arrived.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::roles::{Permission, Permissions, StaffRole};

/// The person (or the system itself) behind a command, with the standing that decides what they
/// may do. The facts are as they are now, looked up by the command handler; the domain trusts them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub account: AccountId,
    pub standing: Standing,
    /// Manages the estate's set-up (staff, categories); separate from being a resident or staff.
    pub administrator: bool,
    /// Reads every history and verifies the log, and issues no command.
    #[serde(default)]
    pub auditor: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Standing {
    Resident {
        committee: bool,
    },
    Staff(StaffStanding),
    /// An account that is neither resident nor staff, such as the first administrator.
    AccountOnly,
    /// The estate's own jobs: escalation, auto-close, emergency assignment.
    System,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffStanding {
    pub role: StaffRole,
    pub permissions: Permissions,
    /// Employed (the staff record's active flag); a deactivated staff member holds no permission.
    pub employed: bool,
}

/// The account id the system acts under; it is never a person's account.
pub const SYSTEM_ACCOUNT: AccountId = AccountId::from_uuid(uuid::Uuid::nil());

impl Actor {
    pub fn system() -> Self {
        Self { account: SYSTEM_ACCOUNT, standing: Standing::System, administrator: false, auditor: false }
    }

    pub fn resident(account: AccountId, committee: bool) -> Self {
        Self { account, standing: Standing::Resident { committee }, administrator: false, auditor: false }
    }

    pub fn staff(account: AccountId, role: StaffRole, permissions: Permissions) -> Self {
        Self {
            account,
            standing: Standing::Staff(StaffStanding { role, permissions, employed: true }),
            administrator: false,
            auditor: false,
        }
    }

    /// An account that is neither resident nor staff, with the administrator flag.
    pub fn administrator(account: AccountId) -> Self {
        Self { account, standing: Standing::AccountOnly, administrator: true, auditor: false }
    }

    pub fn is_system(&self) -> bool {
        matches!(self.standing, Standing::System)
    }

    pub fn is_resident(&self) -> bool {
        matches!(self.standing, Standing::Resident { .. })
    }

    /// Staff who are still employed.
    pub fn employed_staff(&self) -> Option<&StaffStanding> {
        match &self.standing {
            Standing::Staff(staff) if staff.employed => Some(staff),
            _ => None,
        }
    }

    pub fn is_staff(&self) -> bool {
        self.employed_staff().is_some()
    }

    pub fn holds(&self, permission: Permission) -> bool {
        self.employed_staff().is_some_and(|staff| staff.permissions.contains(&permission))
    }

    pub fn is_committee_member(&self) -> bool {
        matches!(self.standing, Standing::Resident { committee: true })
    }

    /// The role recorded with every event this actor causes (SPEC §6: "role at the time").
    pub fn role_name(&self) -> &'static str {
        match &self.standing {
            Standing::Resident { committee: true } => "committee_member",
            Standing::Resident { committee: false } => "resident",
            Standing::Staff(staff) => staff.role.name(),
            Standing::AccountOnly if self.administrator => "administrator",
            Standing::AccountOnly if self.auditor => "auditor",
            Standing::AccountOnly => "account",
            Standing::System => "system",
        }
    }
}

/// A command as issued: by whom and when. Time comes in with the command so that the domain
/// never reads a clock.
#[derive(Clone, Debug, PartialEq)]
pub struct Issued<C> {
    pub by: Actor,
    pub at: DateTime<Utc>,
    pub command: C,
}

impl<C> Issued<C> {
    pub fn new(by: Actor, at: DateTime<Utc>, command: C) -> Self {
        Self { by, at, command }
    }
}
