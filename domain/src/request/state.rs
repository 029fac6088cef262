//! What a maintenance request is at a moment, and how each recorded fact changes it (`evolve`).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::ids::{AccountId, CommentId, RequestId};
use crate::money::Rupees;
use crate::request::event::RequestEvent;
use crate::ticket::TicketNumber;
use crate::values::{Priority, Rating, Text};

/// The aggregate: nothing until submitted, then a filed request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum MaintenanceRequest {
    #[default]
    NotSubmitted,
    Filed(Request),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: RequestId,
    pub ticket: TicketNumber,
    pub title: Text,
    pub description: Text,
    pub category: Category,
    pub location: Text,
    pub priority: Priority,
    pub submitter: AccountId,
    pub filed_by: Option<AccountId>,
    pub submitted_at: DateTime<Utc>,
    pub due: DateTime<Utc>,
    pub estimated_cost: Option<Rupees>,
    pub actual_cost: Option<Rupees>,
    pub resolution_note: Option<Text>,
    pub rating: Option<Rating>,
    pub feedback: Option<Text>,
    pub comments: Vec<Comment>,
    pub milestones: Milestones,
    pub escalation: Option<Escalation>,
    /// Everyone who has held the request, for "formerly assigned" visibility.
    pub assignees_so_far: Vec<AccountId>,
    pub stage: Stage,
}

/// Where the request is in its life. Stages that always have an assignee carry it, so a request
/// in progress without an assignee cannot be written down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Submitted,
    Acknowledged,
    Assigned(Assignment),
    InProgress(Assignment),
    Resolved { assignment: Assignment, resolved_at: DateTime<Utc> },
    Closed { assignment: Assignment },
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub assignee: AccountId,
    pub assigned_by: AccountId,
    pub assigned_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub author: AccountId,
    pub text: Text,
    pub internal: bool,
    pub at: DateTime<Utc>,
}

/// The time each status was first reached (SPEC §2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestones {
    pub acknowledged: Option<DateTime<Utc>>,
    pub assigned: Option<DateTime<Utc>>,
    pub in_progress: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    pub closed: Option<DateTime<Utc>>,
    pub cancelled: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub level: u8,
    pub at: DateTime<Utc>,
}

/// The status names of SPEC §2's state machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    Acknowledged,
    Assigned,
    InProgress,
    Resolved,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Self::Submitted,
        Self::Acknowledged,
        Self::Assigned,
        Self::InProgress,
        Self::Resolved,
        Self::Closed,
        Self::Cancelled,
    ];

    /// SPEC §2's state machine: where a request in this status may move next.
    pub const fn may_move_to(self) -> &'static [Status] {
        use Status::*;
        match self {
            Submitted => &[Acknowledged, Cancelled],
            Acknowledged => &[Assigned, InProgress, Cancelled],
            Assigned => &[InProgress, Acknowledged, Cancelled],
            InProgress => &[Resolved, Assigned, Cancelled],
            Resolved => &[Closed, InProgress],
            Closed | Cancelled => &[],
        }
    }

    pub fn may_move(self, to: Status) -> bool {
        self.may_move_to().contains(&to)
    }

    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Closed | Self::Cancelled)
    }

    /// Holding the request as open work: counts towards the assignee's workload limit.
    pub const fn is_open_assignment(self) -> bool {
        matches!(self, Self::Assigned | Self::InProgress)
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Acknowledged => "acknowledged",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Status {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|s| s.name() == text).ok_or_else(|| format!("unknown status '{text}'"))
    }
}

impl Stage {
    pub const fn status(&self) -> Status {
        match self {
            Self::Submitted => Status::Submitted,
            Self::Acknowledged => Status::Acknowledged,
            Self::Assigned(_) => Status::Assigned,
            Self::InProgress(_) => Status::InProgress,
            Self::Resolved { .. } => Status::Resolved,
            Self::Closed { .. } => Status::Closed,
            Self::Cancelled => Status::Cancelled,
        }
    }

    /// The current assignment, if the request has one in this stage.
    pub fn assignment(&self) -> Option<&Assignment> {
        match self {
            Self::Assigned(a) | Self::InProgress(a) => Some(a),
            Self::Resolved { assignment, .. } | Self::Closed { assignment } => Some(assignment),
            Self::Submitted | Self::Acknowledged | Self::Cancelled => None,
        }
    }
}

impl Request {
    pub fn status(&self) -> Status {
        self.stage.status()
    }

    pub fn assignee(&self) -> Option<AccountId> {
        self.stage.assignment().map(|a| a.assignee)
    }

    /// Who holds this request as open work (assigned or in progress), if anyone.
    pub fn open_holder(&self) -> Option<AccountId> {
        match &self.stage {
            Stage::Assigned(a) | Stage::InProgress(a) => Some(a.assignee),
            _ => None,
        }
    }

    /// Overdue: due time passed and not resolved, closed or cancelled (SPEC §2).
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        now > self.due && !matches!(self.status(), Status::Resolved | Status::Closed | Status::Cancelled)
    }
}

impl MaintenanceRequest {
    pub fn filed(&self) -> Option<&Request> {
        match self {
            Self::Filed(request) => Some(request),
            Self::NotSubmitted => None,
        }
    }

    /// Who holds this request as open work, if anyone; the workload ledger follows this.
    pub fn open_holder(&self) -> Option<AccountId> {
        self.filed().and_then(Request::open_holder)
    }

    /// Applies one recorded fact. Facts are trusted: an event in the log is never refused here,
    /// even if today's rules would not allow it.
    pub fn evolve(&mut self, event: RequestEvent) {
        match (self, event) {
            (
                state @ Self::NotSubmitted,
                RequestEvent::RequestSubmitted {
                    id,
                    ticket,
                    title,
                    description,
                    category,
                    location,
                    priority,
                    submitter,
                    filed_by,
                    due,
                    at,
                },
            ) => {
                *state = Self::Filed(Request {
                    id,
                    ticket,
                    title,
                    description,
                    category,
                    location,
                    priority,
                    submitter,
                    filed_by,
                    submitted_at: at,
                    due,
                    estimated_cost: None,
                    actual_cost: None,
                    resolution_note: None,
                    rating: None,
                    feedback: None,
                    comments: Vec::new(),
                    milestones: Milestones::default(),
                    escalation: None,
                    assignees_so_far: Vec::new(),
                    stage: Stage::Submitted,
                });
            }
            (Self::Filed(request), event) => request.evolve(event),
            // A fact about a request that was never submitted cannot come from our own log.
            (Self::NotSubmitted, _) => {}
        }
    }
}

impl Request {
    fn evolve(&mut self, event: RequestEvent) {
        let first = |slot: &mut Option<DateTime<Utc>>, at| {
            slot.get_or_insert(at);
        };
        match event {
            RequestEvent::RequestSubmitted { .. } => {}
            RequestEvent::RequestAcknowledged { at, .. } => {
                first(&mut self.milestones.acknowledged, at);
                self.stage = Stage::Acknowledged;
            }
            RequestEvent::RequestAssigned { assignee, by, at, .. } => {
                first(&mut self.milestones.assigned, at);
                if !self.assignees_so_far.contains(&assignee) {
                    self.assignees_so_far.push(assignee);
                }
                let assignment = Assignment { assignee, assigned_by: by, assigned_at: at };
                self.stage = match self.stage {
                    Stage::InProgress(_) => Stage::InProgress(assignment),
                    _ => Stage::Assigned(assignment),
                };
            }
            RequestEvent::RequestUnassigned { .. } => self.stage = Stage::Acknowledged,
            RequestEvent::WorkStarted { assignee, by, took_on, at } => {
                first(&mut self.milestones.in_progress, at);
                let assignment = match (&self.stage, took_on) {
                    (Stage::Assigned(a), false) => a.clone(),
                    _ => {
                        if !self.assignees_so_far.contains(&assignee) {
                            self.assignees_so_far.push(assignee);
                        }
                        Assignment { assignee, assigned_by: by, assigned_at: at }
                    }
                };
                self.stage = Stage::InProgress(assignment);
            }
            RequestEvent::WorkHandedBack { assignee, by, at } => {
                let assignment = match &self.stage {
                    Stage::InProgress(a) => a.clone(),
                    _ => Assignment { assignee, assigned_by: by, assigned_at: at },
                };
                self.stage = Stage::Assigned(assignment);
            }
            RequestEvent::RequestResolved { actual_cost, note, at, by } => {
                first(&mut self.milestones.resolved, at);
                if actual_cost.is_some() {
                    self.actual_cost = actual_cost;
                }
                if note.is_some() {
                    self.resolution_note = note;
                }
                let assignment = self.stage.assignment().cloned().unwrap_or(Assignment {
                    assignee: by,
                    assigned_by: by,
                    assigned_at: at,
                });
                self.stage = Stage::Resolved { assignment, resolved_at: at };
            }
            RequestEvent::RequestClosed { at, by, .. } => {
                first(&mut self.milestones.closed, at);
                let assignment = self.stage.assignment().cloned().unwrap_or(Assignment {
                    assignee: by,
                    assigned_by: by,
                    assigned_at: at,
                });
                self.stage = Stage::Closed { assignment };
            }
            RequestEvent::RequestReopened { by, at, .. } => {
                let assignment = self.stage.assignment().cloned().unwrap_or(Assignment {
                    assignee: by,
                    assigned_by: by,
                    assigned_at: at,
                });
                self.stage = Stage::InProgress(assignment);
            }
            RequestEvent::RequestCancelled { at, .. } => {
                first(&mut self.milestones.cancelled, at);
                self.stage = Stage::Cancelled;
            }
            RequestEvent::WorkRated { rating, feedback, .. } => {
                self.rating = Some(rating);
                self.feedback = feedback;
            }
            RequestEvent::DueTimeSet { due, .. } => self.due = due,
            RequestEvent::CostEstimated { cost, .. } => self.estimated_cost = Some(cost),
            RequestEvent::Reprioritised { to, .. } => self.priority = to,
            RequestEvent::CommentPosted { comment, author, text, internal, at } => {
                self.comments.push(Comment { id: comment, author, text, internal, at });
            }
            RequestEvent::RequestEscalated { level, raised_to, at } => {
                self.escalation = Some(Escalation { level, at });
                if let Some(priority) = raised_to {
                    self.priority = priority;
                }
            }
        }
    }
}
