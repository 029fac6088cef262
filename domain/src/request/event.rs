//! The facts recorded about a maintenance request.
//!
//! This is a stored contract: every variant below is in the log forever. Renaming a variant or a
//! field is a migration; a new field is optional (`#[serde(default)]`) or arrives through an
//! upcaster registered in the command side's event store; `event_type()` is fixed per variant and
//! `event_version()` changes only together with an upcaster (see docs/architecture.md).

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::assignment::RankedCandidate;
use crate::category::Category;
use crate::ids::{AccountId, CommentId, RequestId};
use crate::money::Rupees;
use crate::ticket::TicketNumber;
use crate::values::{Priority, Rating, Text};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RequestEvent {
    RequestSubmitted {
        id: RequestId,
        ticket: TicketNumber,
        title: Text,
        description: Text,
        category: Category,
        location: Text,
        priority: Priority,
        submitter: AccountId,
        /// The staff member who filed it for the resident, when not the resident themself.
        filed_by: Option<AccountId>,
        due: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    RequestAcknowledged {
        by: AccountId,
        at: DateTime<Utc>,
    },
    /// A first assignment or a reassignment (`previous` is then the one it was taken from).
    RequestAssigned {
        assignee: AccountId,
        by: AccountId,
        previous: Option<AccountId>,
        /// The ranking the system chose from; empty when a person chose.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ranking: Vec<RankedCandidate>,
        at: DateTime<Utc>,
    },
    RequestUnassigned {
        previous: AccountId,
        by: AccountId,
        reason: UnassignReason,
        at: DateTime<Utc>,
    },
    WorkStarted {
        assignee: AccountId,
        by: AccountId,
        /// The actor took on an acknowledged request and became its assignee.
        took_on: bool,
        at: DateTime<Utc>,
    },
    WorkHandedBack {
        assignee: AccountId,
        by: AccountId,
        at: DateTime<Utc>,
    },
    RequestResolved {
        by: AccountId,
        actual_cost: Option<Rupees>,
        note: Option<Text>,
        at: DateTime<Utc>,
    },
    RequestClosed {
        by: AccountId,
        how: ClosedHow,
        at: DateTime<Utc>,
    },
    RequestReopened {
        by: AccountId,
        reason: Text,
        at: DateTime<Utc>,
    },
    RequestCancelled {
        by: AccountId,
        reason: Text,
        at: DateTime<Utc>,
    },
    WorkRated {
        rating: Rating,
        feedback: Option<Text>,
        /// Whose work was rated, so staff figures need no second lookup.
        assignee: AccountId,
        at: DateTime<Utc>,
    },
    DueTimeSet {
        due: DateTime<Utc>,
        by: AccountId,
        at: DateTime<Utc>,
    },
    CostEstimated {
        cost: Rupees,
        by: AccountId,
        at: DateTime<Utc>,
    },
    Reprioritised {
        from: Priority,
        to: Priority,
        by: AccountId,
        at: DateTime<Utc>,
    },
    CommentPosted {
        comment: CommentId,
        author: AccountId,
        text: Text,
        internal: bool,
        at: DateTime<Utc>,
    },
    RequestEscalated {
        level: u8,
        /// Level 2 raises the priority one step (up to high); this is the new priority if it did.
        raised_to: Option<Priority>,
        at: DateTime<Utc>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnassignReason {
    /// Someone with the assign permission took the request back.
    Unassigned,
    /// The assignee was deactivated (SPEC §1).
    StaffDeactivated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedHow {
    /// By staff holding the close permission, or the assignee.
    ByStaff,
    /// The submitter confirmed the fix.
    ConfirmedBySubmitter,
    /// Left resolved for the configured number of days.
    Automatically,
}

impl RequestEvent {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::RequestSubmitted { at, .. }
            | Self::RequestAcknowledged { at, .. }
            | Self::RequestAssigned { at, .. }
            | Self::RequestUnassigned { at, .. }
            | Self::WorkStarted { at, .. }
            | Self::WorkHandedBack { at, .. }
            | Self::RequestResolved { at, .. }
            | Self::RequestClosed { at, .. }
            | Self::RequestReopened { at, .. }
            | Self::RequestCancelled { at, .. }
            | Self::WorkRated { at, .. }
            | Self::DueTimeSet { at, .. }
            | Self::CostEstimated { at, .. }
            | Self::Reprioritised { at, .. }
            | Self::CommentPosted { at, .. }
            | Self::RequestEscalated { at, .. } => *at,
        }
    }

    pub const fn name(&self) -> &'static str {
        match self {
            Self::RequestSubmitted { .. } => "RequestSubmitted",
            Self::RequestAcknowledged { .. } => "RequestAcknowledged",
            Self::RequestAssigned { .. } => "RequestAssigned",
            Self::RequestUnassigned { .. } => "RequestUnassigned",
            Self::WorkStarted { .. } => "WorkStarted",
            Self::WorkHandedBack { .. } => "WorkHandedBack",
            Self::RequestResolved { .. } => "RequestResolved",
            Self::RequestClosed { .. } => "RequestClosed",
            Self::RequestReopened { .. } => "RequestReopened",
            Self::RequestCancelled { .. } => "RequestCancelled",
            Self::WorkRated { .. } => "WorkRated",
            Self::DueTimeSet { .. } => "DueTimeSet",
            Self::CostEstimated { .. } => "CostEstimated",
            Self::Reprioritised { .. } => "Reprioritised",
            Self::CommentPosted { .. } => "CommentPosted",
            Self::RequestEscalated { .. } => "RequestEscalated",
        }
    }
}

impl DomainEvent for RequestEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
