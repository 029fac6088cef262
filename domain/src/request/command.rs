//! What people (and the estate's own jobs) ask of a maintenance request. Each command carries the
//! facts from outside the request that its rules need, looked up by the command handler.

use chrono::{DateTime, Utc};

use crate::assignment::{Candidate, RankedCandidate};
use crate::category::Category;
use crate::ids::{AccountId, CommentId, RequestId};
use crate::money::Rupees;
use crate::ticket::TicketNumber;
use crate::values::{Priority, Rating, Text};

#[derive(Clone, Debug, PartialEq)]
pub enum RequestCommand {
    Submit(Submit),
    Acknowledge,
    Assign(Assign),
    Unassign,
    StartWork(StartWork),
    HandBack,
    Resolve(Resolve),
    Close,
    Reopen(Reopen),
    Cancel {
        reason: Text,
    },
    Rate {
        rating: Rating,
        feedback: Option<Text>,
    },
    /// Sets any of due time, estimated cost and priority, all or nothing.
    Revise(Revision),
    Comment {
        id: CommentId,
        text: Text,
        internal: bool,
    },
    /// Hourly escalation of an overdue request (system only); the level due is worked out here.
    Escalate(Escalate),
    /// Closing a request left resolved too long (system only).
    AutoClose {
        after_days: u32,
    },
    /// The assignee was deactivated: the request goes back to `acknowledged` (SPEC §1).
    EndAssignment {
        assignee: AccountId,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Submit {
    pub id: RequestId,
    /// Allocated by the command handler, unique and gap-free per estate-local year.
    pub ticket: TicketNumber,
    /// The resident the request is for: the actor, or the resident a staff member files for.
    pub submitter: AccountId,
    /// Facts about `submitter`: whether they are an active resident.
    pub submitter_is_active_resident: bool,
    pub title: Text,
    pub description: Text,
    pub category: Category,
    pub location: Text,
    /// Defaults to the category's maximum priority.
    pub priority: Option<Priority>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assign {
    /// The staff member to be given the request, with the facts that decide whether they can be.
    pub assignee: Candidate,
    pub workload_limit: u32,
    pub due: Option<DateTime<Utc>>,
    pub estimated_cost: Option<Rupees>,
    /// When the system chooses (emergencies), the ranking it chose from, kept for the record.
    pub ranking: Vec<RankedCandidate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StartWork {
    /// The actor as a possible assignee; needed when they take on an acknowledged request.
    pub taker: Option<Candidate>,
    pub workload_limit: u32,
}

/// The request details staff with the assign permission may set without moving the request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Revision {
    pub due: Option<DateTime<Utc>>,
    pub estimated_cost: Option<Rupees>,
    pub priority: Option<Priority>,
}

impl Revision {
    pub fn due(due: DateTime<Utc>) -> Self {
        Self { due: Some(due), ..Self::default() }
    }

    pub fn estimated_cost(cost: Rupees) -> Self {
        Self { estimated_cost: Some(cost), ..Self::default() }
    }

    pub fn priority(priority: Priority) -> Self {
        Self { priority: Some(priority), ..Self::default() }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Resolve {
    pub actual_cost: Option<Rupees>,
    pub note: Option<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reopen {
    pub reason: Text,
    /// Whether the person who did the work is still employed; if not, the reopened request goes
    /// back for reassignment instead of to them.
    pub assignee_employed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Escalate {
    /// Hours after level 1 at which level 2 is due (SPEC default 24).
    pub level_two_after_hours: u32,
}
