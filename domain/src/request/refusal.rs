//! Why a command on a maintenance request was refused: one variant per broken rule, each message
//! written for the person refused.

use chrono::{DateTime, Utc};

use crate::assignment::Unassignable;
use crate::ids::AccountId;
use crate::request::permissions::{Action, NotAllowed};
use crate::request::state::Status;
use crate::values::Priority;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RequestRefusal {
    #[error("no such request")]
    NotFound,
    #[error("this request has already been submitted")]
    AlreadySubmitted,
    #[error("cannot {action} a request that is {status}; from {status} it may move to {}", list(allowed))]
    RefusedTransition { action: Action, status: Status, allowed: &'static [Status] },
    #[error("{0}")]
    NotAllowed(NotAllowed),
    #[error("cannot give this request to that staff member: {reason}")]
    NotAssignable { staff: AccountId, reason: Unassignable },
    #[error("the request is already assigned to that staff member")]
    AlreadyTheAssignee,
    #[error("requests can only be filed for an active resident")]
    SubmitterNotActiveResident,
    #[error("priority {requested} is above the '{category}' category's maximum of {maximum}; residents may file up to the maximum")]
    PriorityAboveCategoryMaximum { requested: Priority, maximum: Priority, category: String },
    #[error("this request has already been rated; a rating is given once")]
    AlreadyRated,
    #[error("a request can be rated once it is resolved or closed; this one is {status}")]
    NotFinished { status: Status },
    #[error("a request that is {status} can no longer be changed")]
    Finished { status: Status },
    #[error("the due time {due} is not after the request's submission at {submitted_at}")]
    DueBeforeSubmission { due: DateTime<Utc>, submitted_at: DateTime<Utc> },
    #[error("the request is not overdue")]
    NotOverdue,
    #[error("no escalation is due yet (currently at level {level})")]
    EscalationNotDue { level: u8 },
    #[error("the request has not been resolved long enough to close automatically")]
    NotDueForAutoClose,
    #[error("the request is not held by that staff member")]
    NotHeldBy { staff: AccountId },
}

/// The families of refusal, which decide the HTTP status (SPEC §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalKind {
    /// 404
    NotFound,
    /// 403
    NotAllowed,
    /// 409: conflicts with the current state
    Conflict,
    /// 422: a rule refuses it
    RuleBroken,
}

impl RequestRefusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Self::NotFound => RefusalKind::NotFound,
            Self::NotAllowed(_) => RefusalKind::NotAllowed,
            Self::AlreadySubmitted
            | Self::RefusedTransition { .. }
            | Self::AlreadyTheAssignee
            | Self::AlreadyRated
            | Self::NotFinished { .. }
            | Self::Finished { .. }
            | Self::NotOverdue
            | Self::EscalationNotDue { .. }
            | Self::NotDueForAutoClose
            | Self::NotHeldBy { .. } => RefusalKind::Conflict,
            Self::NotAssignable { .. }
            | Self::SubmitterNotActiveResident
            | Self::PriorityAboveCategoryMaximum { .. }
            | Self::DueBeforeSubmission { .. } => RefusalKind::RuleBroken,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "request_not_found",
            Self::AlreadySubmitted => "already_submitted",
            Self::RefusedTransition { .. } => "refused_transition",
            Self::NotAllowed(_) => "not_allowed",
            Self::NotAssignable { reason: Unassignable::WorkloadLimitReached { .. }, .. } => "workload_limit_reached",
            Self::NotAssignable { .. } => "not_assignable",
            Self::AlreadyTheAssignee => "already_the_assignee",
            Self::SubmitterNotActiveResident => "submitter_not_active_resident",
            Self::PriorityAboveCategoryMaximum { .. } => "priority_above_category_maximum",
            Self::AlreadyRated => "already_rated",
            Self::NotFinished { .. } => "not_finished",
            Self::Finished { .. } => "request_finished",
            Self::DueBeforeSubmission { .. } => "due_before_submission",
            Self::NotOverdue => "not_overdue",
            Self::EscalationNotDue { .. } => "escalation_not_due",
            Self::NotDueForAutoClose => "not_due_for_auto_close",
            Self::NotHeldBy { .. } => "not_held_by_staff_member",
        }
    }
}

fn list(statuses: &[Status]) -> String {
    if statuses.is_empty() {
        "nothing (it is final)".to_owned()
    } else {
        statuses.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
    }
}
