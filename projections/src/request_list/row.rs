//! One request as the list shows it, and how each request event changes that row: the row copies
//! what the events say, and status and assignee move as [`Lifecycle`] says.

use chrono::{DateTime, Utc};
use khaki_domain::request::{RequestEvent, Status};
use serde::Serialize;
use uuid::Uuid;

use crate::facts::Fact;
use crate::lifecycle::Lifecycle;
use crate::store::Cell;

#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct RequestRow {
    pub id: Uuid,
    pub submitted_position: i64,
    pub ticket: String,
    pub title: String,
    pub category: String,
    pub trade: String,
    /// 1 low … 4 emergency.
    pub priority: i32,
    /// A status name of SPEC §2 (`in_progress`, …).
    pub status: String,
    pub location: String,
    pub submitter: Uuid,
    pub filed_by: Option<Uuid>,
    pub assignee: Option<Uuid>,
    pub assigned_by: Option<Uuid>,
    pub block: Option<String>,
    pub flat: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
    pub escalation_level: i32,
    pub escalated_at: Option<DateTime<Utc>>,
    /// Paise.
    #[serde(serialize_with = "crate::money::optional_rupees")]
    pub estimated_cost: Option<i64>,
    #[serde(serialize_with = "crate::money::optional_rupees")]
    pub actual_cost: Option<i64>,
    pub rating: Option<i32>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub last_position: i64,
}

pub const COLUMNS: &[&str] = &[
    "id",
    "submitted_position",
    "ticket",
    "title",
    "category",
    "trade",
    "priority",
    "status",
    "location",
    "submitter",
    "filed_by",
    "assignee",
    "assigned_by",
    "block",
    "flat",
    "submitted_at",
    "acknowledged_at",
    "assigned_at",
    "started_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "due_at",
    "escalation_level",
    "escalated_at",
    "estimated_cost",
    "actual_cost",
    "rating",
    "updated_at",
    "version",
    "last_position",
];

/// A flat as the list records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flat {
    pub flat: String,
    pub block: String,
}

impl RequestRow {
    /// The row a `RequestSubmitted` starts; `None` for any other event.
    pub fn submitted(fact: &Fact, event: &RequestEvent, flat: Option<&Flat>) -> Option<Self> {
        let RequestEvent::RequestSubmitted {
            ticket,
            title,
            category,
            location,
            priority,
            submitter,
            filed_by,
            due,
            at,
            ..
        } = event
        else {
            return None;
        };
        Some(Self {
            id: fact.id,
            submitted_position: fact.position(),
            ticket: ticket.to_string(),
            title: title.to_string(),
            category: category.name.clone(),
            trade: category.trade.name().to_owned(),
            priority: i32::from(priority.level()),
            status: Status::Submitted.name().to_owned(),
            location: location.to_string(),
            submitter: submitter.as_uuid(),
            filed_by: filed_by.map(|f| f.as_uuid()),
            assignee: None,
            assigned_by: None,
            block: flat.map(|f| f.block.clone()),
            flat: flat.map(|f| f.flat.clone()),
            submitted_at: *at,
            acknowledged_at: None,
            assigned_at: None,
            started_at: None,
            resolved_at: None,
            closed_at: None,
            cancelled_at: None,
            due_at: *due,
            escalation_level: 0,
            escalated_at: None,
            estimated_cost: None,
            actual_cost: None,
            rating: None,
            updated_at: *at,
            version: fact.sequence,
            last_position: fact.position(),
        })
    }

    /// Applies one later event. Returns the staff member who newly holds the request, if the
    /// event gave it to someone (for "formerly assigned to me").
    pub fn apply(&mut self, fact: &Fact, event: &RequestEvent) -> Option<Uuid> {
        let mut life = Lifecycle::from_row(&self.status, self.assignee, self.assigned_by);
        let holder = life.apply(event);
        life.status.name().clone_into(&mut self.status);
        self.assignee = life.assignee;
        self.assigned_by = life.assigned_by;
        match event {
            RequestEvent::RequestAcknowledged { at, .. } => {
                self.acknowledged_at.get_or_insert(*at);
            }
            RequestEvent::RequestAssigned { at, .. } => {
                self.assigned_at.get_or_insert(*at);
            }
            RequestEvent::WorkStarted { at, .. } => {
                self.started_at.get_or_insert(*at);
            }
            RequestEvent::RequestResolved { actual_cost, at, .. } => {
                self.resolved_at.get_or_insert(*at);
                if let Some(cost) = actual_cost {
                    self.actual_cost = Some(cost.paise());
                }
            }
            RequestEvent::RequestClosed { at, .. } => {
                self.closed_at.get_or_insert(*at);
            }
            RequestEvent::RequestCancelled { at, .. } => {
                self.cancelled_at.get_or_insert(*at);
            }
            RequestEvent::WorkRated { rating, .. } => self.rating = Some(i32::from(rating.stars())),
            RequestEvent::DueTimeSet { due, .. } => self.due_at = *due,
            RequestEvent::CostEstimated { cost, .. } => self.estimated_cost = Some(cost.paise()),
            RequestEvent::Reprioritised { to, .. } => self.priority = i32::from(to.level()),
            RequestEvent::RequestEscalated { level, raised_to, at } => {
                self.escalation_level = i32::from(*level);
                self.escalated_at = Some(*at);
                if let Some(priority) = raised_to {
                    self.priority = i32::from(priority.level());
                }
            }
            RequestEvent::RequestSubmitted { .. }
            | RequestEvent::RequestUnassigned { .. }
            | RequestEvent::WorkHandedBack { .. }
            | RequestEvent::RequestReopened { .. }
            | RequestEvent::CommentPosted { .. } => {}
        }
        self.updated_at = event.at();
        self.version = self.version.max(fact.sequence);
        self.last_position = fact.position();
        holder
    }

    pub fn cells(&self) -> Vec<Cell> {
        vec![
            self.id.into(),
            self.submitted_position.into(),
            self.ticket.as_str().into(),
            self.title.as_str().into(),
            self.category.as_str().into(),
            self.trade.as_str().into(),
            self.priority.into(),
            self.status.as_str().into(),
            self.location.as_str().into(),
            self.submitter.into(),
            self.filed_by.into(),
            self.assignee.into(),
            self.assigned_by.into(),
            self.block.clone().into(),
            self.flat.clone().into(),
            self.submitted_at.into(),
            self.acknowledged_at.into(),
            self.assigned_at.into(),
            self.started_at.into(),
            self.resolved_at.into(),
            self.closed_at.into(),
            self.cancelled_at.into(),
            self.due_at.into(),
            self.escalation_level.into(),
            self.escalated_at.into(),
            self.estimated_cost.into(),
            self.actual_cost.into(),
            self.rating.into(),
            self.updated_at.into(),
            self.version.into(),
            self.last_position.into(),
        ]
    }
}
