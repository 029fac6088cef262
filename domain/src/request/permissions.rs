//! SPEC §2's action table: who may do what to a request. One function, [`authorise`], decides it
//! for every action; [`actions_available`] uses it to tell a caller what they can do now.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::ids::AccountId;
use crate::request::state::{Request, Status};
use crate::roles::{Permission, StaffRole};

/// Every action on a filed request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Acknowledge,
    Assign,
    Unassign,
    StartWork,
    HandBack,
    Resolve,
    Close,
    Reopen,
    Cancel,
    Rate,
    SetDueTime,
    EstimateCost,
    Reprioritise,
    Comment,
    CommentInternally,
    Escalate,
    AutoClose,
    EndAssignment,
}

/// What the actor would need to be or hold to take the action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "needs", content = "permission")]
pub enum Requirement {
    Permission(Permission),
    AssignOrAccessAll,
    AssigneeOr(Permission),
    SubmitterOr(Permission),
    SubmitterAssigneeOr(Permission),
    Submitter,
    /// The submitter before work starts, or the permission at any time.
    SubmitterBeforeWorkOr(Permission),
    Staff,
    ResidentOrStaff,
    System,
    StaffManagement,
}

/// A refusal naming what was missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NotAllowed {
    pub action: Action,
    pub requirement: Requirement,
}

impl Action {
    pub const ALL: [Action; 19] = [
        Self::Submit,
        Self::Acknowledge,
        Self::Assign,
        Self::Unassign,
        Self::StartWork,
        Self::HandBack,
        Self::Resolve,
        Self::Close,
        Self::Reopen,
        Self::Cancel,
        Self::Rate,
        Self::SetDueTime,
        Self::EstimateCost,
        Self::Reprioritise,
        Self::Comment,
        Self::CommentInternally,
        Self::Escalate,
        Self::AutoClose,
        Self::EndAssignment,
    ];

    pub const fn verb(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Acknowledge => "acknowledge",
            Self::Assign => "assign",
            Self::Unassign => "unassign",
            Self::StartWork => "start work on",
            Self::HandBack => "hand back",
            Self::Resolve => "resolve",
            Self::Close => "close",
            Self::Reopen => "reopen",
            Self::Cancel => "cancel",
            Self::Rate => "rate",
            Self::SetDueTime => "set the due time of",
            Self::EstimateCost => "estimate the cost of",
            Self::Reprioritise => "change the priority of",
            Self::Comment => "comment on",
            Self::CommentInternally => "post an internal comment on",
            Self::Escalate => "escalate",
            Self::AutoClose => "close automatically",
            Self::EndAssignment => "end the assignment of",
        }
    }

    /// The statuses in which the action can apply at all (SPEC §2's machine and table).
    pub fn applies_in(self, status: Status) -> bool {
        use Status::*;
        match self {
            Self::Submit => false,
            Self::Acknowledge => status == Submitted,
            Self::Assign => matches!(status, Submitted | Acknowledged | Assigned | InProgress),
            Self::Unassign => status == Assigned,
            Self::StartWork => matches!(status, Acknowledged | Assigned),
            Self::HandBack | Self::Resolve => status == InProgress,
            Self::Close | Self::Reopen | Self::AutoClose => status == Resolved,
            Self::Cancel => status.may_move(Cancelled),
            Self::Rate => matches!(status, Resolved | Closed),
            Self::SetDueTime | Self::EstimateCost | Self::Reprioritise => !status.is_terminal(),
            Self::Comment | Self::CommentInternally => true,
            Self::Escalate => matches!(status, Submitted | Acknowledged | Assigned | InProgress),
            Self::EndAssignment => status.is_open_assignment(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

impl Requirement {
    /// The permission flag that would have been enough, if one would.
    pub const fn permission(self) -> Option<Permission> {
        match self {
            Self::Permission(p)
            | Self::AssigneeOr(p)
            | Self::SubmitterOr(p)
            | Self::SubmitterAssigneeOr(p)
            | Self::SubmitterBeforeWorkOr(p) => Some(p),
            Self::AssignOrAccessAll => Some(Permission::Assign),
            _ => None,
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Permission(p) => write!(f, "staff holding the {p} permission"),
            Self::AssignOrAccessAll => f.write_str("staff holding the assign or access_all_requests permission"),
            Self::AssigneeOr(p) => write!(f, "the assignee or staff holding the {p} permission"),
            Self::SubmitterOr(p) => write!(f, "the submitter or staff holding the {p} permission"),
            Self::SubmitterAssigneeOr(p) => {
                write!(f, "the submitter, the assignee or staff holding the {p} permission")
            }
            Self::Submitter => f.write_str("the submitter"),
            Self::SubmitterBeforeWorkOr(p) => {
                write!(f, "staff holding the {p} permission (or the submitter, before work has started)")
            }
            Self::Staff => f.write_str("staff"),
            Self::ResidentOrStaff => f.write_str("residents and staff"),
            Self::System => f.write_str("the estate's own scheduled jobs"),
            Self::StaffManagement => f.write_str("administrators and facility managers"),
        }
    }
}

impl fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.action, self.requirement) {
            (Action::Submit, Requirement::Staff) => f.write_str("only staff may file a request for another resident"),
            (Action::Submit, requirement) => write!(f, "only {requirement} may submit requests"),
            (action, requirement) => write!(f, "only {requirement} may {action} this request"),
        }
    }
}

/// Whether `actor` may take `action` on `request` as things stand. Visibility (SPEC "who sees
/// what") is checked before this: a request the actor cannot see is not found, not forbidden.
pub fn authorise(actor: &Actor, action: Action, request: &Request) -> Result<(), NotAllowed> {
    use Permission::*;
    let holds = |p| actor.holds(p);
    let submitter = actor.account == request.submitter;
    let assignee = request.assignee() == Some(actor.account);
    let (allowed, requirement) = match action {
        Action::Submit => (false, Requirement::ResidentOrStaff),
        Action::Acknowledge => {
            (actor.is_system() || holds(Assign) || holds(AccessAllRequests), Requirement::AssignOrAccessAll)
        }
        Action::Assign => (actor.is_system() || holds(Assign), Requirement::Permission(Assign)),
        Action::Unassign => (holds(Assign), Requirement::Permission(Assign)),
        // Taking on an acknowledged request is open to any staff member who could be assigned;
        // whether they can is the assignment rules' answer, not a permission.
        Action::StartWork if request.status() == Status::Acknowledged => (actor.is_staff(), Requirement::Staff),
        Action::StartWork | Action::HandBack => (assignee || holds(Assign), Requirement::AssigneeOr(Assign)),
        Action::Resolve => (assignee || holds(Close), Requirement::AssigneeOr(Close)),
        Action::Close => (submitter || assignee || holds(Close), Requirement::SubmitterAssigneeOr(Close)),
        Action::Reopen => (submitter || holds(Close), Requirement::SubmitterOr(Close)),
        Action::Cancel => {
            let before_work = matches!(request.status(), Status::Submitted | Status::Acknowledged | Status::Assigned);
            (holds(Assign) || (submitter && before_work), Requirement::SubmitterBeforeWorkOr(Assign))
        }
        Action::Rate => (submitter, Requirement::Submitter),
        Action::SetDueTime | Action::EstimateCost | Action::Reprioritise => {
            (holds(Assign), Requirement::Permission(Assign))
        }
        Action::Comment => (submitter || actor.is_staff(), Requirement::ResidentOrStaff),
        Action::CommentInternally => (actor.is_staff(), Requirement::Staff),
        Action::Escalate | Action::AutoClose => (actor.is_system(), Requirement::System),
        Action::EndAssignment => (actor.is_system() || may_manage_staff(actor), Requirement::StaffManagement),
    };
    if allowed {
        Ok(())
    } else {
        Err(NotAllowed { action, requirement })
    }
}

/// Submitting is open to an active resident filing for themselves, and to staff filing for a
/// resident (recorded as such).
pub fn authorise_submission(actor: &Actor, submitter: AccountId) -> Result<(), NotAllowed> {
    let for_themselves = actor.is_resident() && actor.account == submitter;
    if for_themselves || actor.is_staff() {
        return Ok(());
    }
    let requirement = if actor.is_resident() { Requirement::Staff } else { Requirement::ResidentOrStaff };
    Err(NotAllowed { action: Action::Submit, requirement })
}

/// Staff management (SPEC §1) is for administrators and facility managers.
pub fn may_manage_staff(actor: &Actor) -> bool {
    actor.administrator || actor.employed_staff().is_some_and(|s| s.role == StaffRole::FacilityManager)
}

/// The actions `actor` could take on `request` now: allowed to them and possible in its status.
/// Rule checks that need facts from outside (workload, assignability) are left to the command.
pub fn actions_available(actor: &Actor, request: &Request) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|action| action.applies_in(request.status()))
        .filter(|action| !(matches!(action, Action::Rate) && request.rating.is_some()))
        .filter(|action| authorise(actor, *action, request).is_ok())
        .collect()
}
