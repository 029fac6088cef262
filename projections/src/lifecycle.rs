//! A request's status and current assignee as its events move them — the part of the domain's
//! `evolve` (`khaki_domain::request::Request`) every request read model follows, in one place.

use khaki_domain::request::{RequestEvent, Status};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    pub status: Status,
    /// The domain's `assignee()`: set while assigned, in progress, resolved or closed.
    pub assignee: Option<Uuid>,
    pub assigned_by: Option<Uuid>,
}

impl Lifecycle {
    pub fn submitted() -> Self {
        Self { status: Status::Submitted, assignee: None, assigned_by: None }
    }

    /// A status as a row stores it; rows only ever hold names this crate wrote.
    pub fn from_row(status: &str, assignee: Option<Uuid>, assigned_by: Option<Uuid>) -> Self {
        Self { status: status.parse().unwrap_or(Status::Submitted), assignee, assigned_by }
    }

    /// Applies one event; returns the staff member who newly holds the request, if it gave the
    /// request to someone (they then count as having held it, for "formerly assigned to me").
    pub fn apply(&mut self, event: &RequestEvent) -> Option<Uuid> {
        let mut holder = None;
        match event {
            RequestEvent::RequestAcknowledged { .. } => self.release(Status::Acknowledged),
            RequestEvent::RequestAssigned { assignee, by, .. } => {
                self.hold(assignee.as_uuid(), by.as_uuid());
                holder = self.assignee;
                // A reassignment of work in progress keeps it in progress.
                if self.status != Status::InProgress {
                    self.status = Status::Assigned;
                }
            }
            RequestEvent::RequestUnassigned { .. } => self.release(Status::Acknowledged),
            RequestEvent::WorkStarted { assignee, by, took_on, .. } => {
                if *took_on || self.status != Status::Assigned {
                    self.hold(assignee.as_uuid(), by.as_uuid());
                    holder = self.assignee;
                }
                self.status = Status::InProgress;
            }
            RequestEvent::WorkHandedBack { assignee, by, .. } => {
                if self.status != Status::InProgress {
                    self.hold(assignee.as_uuid(), by.as_uuid());
                }
                self.status = Status::Assigned;
            }
            RequestEvent::RequestResolved { by, .. } => self.keep_or_hold(by.as_uuid(), Status::Resolved),
            RequestEvent::RequestClosed { by, .. } => self.keep_or_hold(by.as_uuid(), Status::Closed),
            RequestEvent::RequestReopened { by, .. } => self.keep_or_hold(by.as_uuid(), Status::InProgress),
            RequestEvent::RequestCancelled { .. } => self.release(Status::Cancelled),
            RequestEvent::RequestSubmitted { .. }
            | RequestEvent::WorkRated { .. }
            | RequestEvent::DueTimeSet { .. }
            | RequestEvent::CostEstimated { .. }
            | RequestEvent::Reprioritised { .. }
            | RequestEvent::CommentPosted { .. }
            | RequestEvent::RequestEscalated { .. } => {}
        }
        holder
    }

    fn hold(&mut self, assignee: Uuid, by: Uuid) {
        self.assignee = Some(assignee);
        self.assigned_by = Some(by);
    }

    fn release(&mut self, status: Status) {
        self.assignee = None;
        self.assigned_by = None;
        self.status = status;
    }

    /// Resolving, closing or reopening a request nobody held makes the actor its assignee, as the
    /// domain's state does.
    fn keep_or_hold(&mut self, by: Uuid, status: Status) {
        if self.assignee.is_none() {
            self.hold(by, by);
        }
        self.status = status;
    }
}
