//! A request as a caller may see it: internal comments only for staff, the actions they can take
//! now, names for the people involved. Also how `{id}` in a path names a request.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use khaki_commands::accounts::display_names;
use khaki_domain::request::{actions_available, Request};
use khaki_domain::{AccountId, Actor, RequestId, TicketNumber};
use khaki_migrations::{with_pool, Database};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::ApiError;

#[derive(Serialize, ToSchema)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    pub name: String,
    pub trade: String,
    pub max_priority: u8,
    pub target_hours: u32,
}

#[derive(Serialize, ToSchema)]
pub struct CommentView {
    pub id: Uuid,
    pub author: PersonRef,
    pub text: String,
    pub internal: bool,
    pub at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct Milestones {
    pub acknowledged: Option<DateTime<Utc>>,
    pub assigned: Option<DateTime<Utc>>,
    pub in_progress: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    pub closed: Option<DateTime<Utc>>,
    pub cancelled: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestView {
    pub id: Uuid,
    /// `MNT-<year>-<sequence>`.
    pub ticket: String,
    pub title: String,
    pub description: String,
    pub category: CategoryView,
    pub location: String,
    /// 1 low, 2 medium, 3 high, 4 emergency.
    pub priority: u8,
    /// submitted, acknowledged, assigned, in_progress, resolved, closed or cancelled.
    pub status: String,
    pub submitter: PersonRef,
    pub filed_by: Option<PersonRef>,
    pub assignee: Option<PersonRef>,
    pub assigned_by: Option<PersonRef>,
    pub submitted_at: DateTime<Utc>,
    pub due: DateTime<Utc>,
    pub overdue: bool,
    /// Rupees with two decimals, e.g. "1250.00".
    pub estimated_cost: Option<String>,
    pub actual_cost: Option<String>,
    pub resolution_note: Option<String>,
    pub rating: Option<u8>,
    pub feedback: Option<String>,
    pub escalation_level: u8,
    pub milestones: Milestones,
    pub comments: Vec<CommentView>,
    /// The request's version: send it back in `If-Match` to act only if nothing changed since.
    pub version: u64,
    /// What the caller may do now (e.g. `assign`, `start_work`, `rate`).
    pub actions: Vec<String>,
}

/// The request as `viewer` may see it.
pub async fn render(db: &Database, viewer: &Actor, request: &Request, version: u64) -> Result<RequestView, ApiError> {
    let staff_view = viewer.is_staff() || viewer.is_system() || viewer.auditor;
    let comments: Vec<_> = request.comments.iter().filter(|c| staff_view || !c.internal).collect();
    let mut people: Vec<AccountId> = vec![request.submitter];
    people.extend(request.filed_by);
    if let Some(assignment) = request.stage.assignment() {
        people.extend([assignment.assignee, assignment.assigned_by]);
    }
    people.extend(comments.iter().map(|c| c.author));
    people.sort();
    people.dedup();
    let names = display_names(db, &people).await?;
    let person = |id: AccountId| PersonRef { id: id.as_uuid(), name: name_of(&names, id) };
    let assignment = request.stage.assignment();
    let milestones = &request.milestones;
    Ok(RequestView {
        id: request.id.as_uuid(),
        ticket: request.ticket.to_string(),
        title: request.title.to_string(),
        description: request.description.to_string(),
        category: CategoryView {
            name: request.category.name.clone(),
            trade: request.category.trade.to_string(),
            max_priority: request.category.max_priority.level(),
            target_hours: request.category.target_hours,
        },
        location: request.location.to_string(),
        priority: request.priority.level(),
        status: request.status().to_string(),
        submitter: person(request.submitter),
        filed_by: request.filed_by.map(person),
        assignee: assignment.map(|a| person(a.assignee)),
        assigned_by: assignment.map(|a| person(a.assigned_by)),
        submitted_at: request.submitted_at,
        due: request.due,
        overdue: request.is_overdue(Utc::now()),
        estimated_cost: request.estimated_cost.map(|c| c.to_string()),
        actual_cost: request.actual_cost.map(|c| c.to_string()),
        resolution_note: request.resolution_note.as_ref().map(ToString::to_string),
        rating: request.rating.map(|r| r.stars()),
        feedback: request.feedback.as_ref().map(ToString::to_string),
        escalation_level: request.escalation.as_ref().map_or(0, |e| e.level),
        milestones: Milestones {
            acknowledged: milestones.acknowledged,
            assigned: milestones.assigned,
            in_progress: milestones.in_progress,
            resolved: milestones.resolved,
            closed: milestones.closed,
            cancelled: milestones.cancelled,
        },
        comments: comments
            .into_iter()
            .map(|c| CommentView {
                id: c.id.as_uuid(),
                author: person(c.author),
                text: c.text.to_string(),
                internal: c.internal,
                at: c.at,
            })
            .collect(),
        version,
        actions: actions_available(viewer, request).into_iter().map(action_name).collect(),
    })
}

fn name_of(names: &HashMap<AccountId, String>, id: AccountId) -> String {
    if id == khaki_domain::SYSTEM_ACCOUNT {
        return "Khaki Estate".to_owned();
    }
    names.get(&id).cloned().unwrap_or_default()
}

fn action_name(action: khaki_domain::request::Action) -> String {
    serde_json::to_value(action).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// `{id}` is a request's UUID or its ticket number.
pub async fn request_id(db: &Database, reference: &str) -> Result<RequestId, ApiError> {
    if let Ok(id) = reference.parse::<Uuid>() {
        return Ok(RequestId::from_uuid(id));
    }
    let Ok(ticket) = TicketNumber::parse(reference) else {
        return Err(ApiError::bad_request(
            "invalid_request_id",
            format!("'{reference}' is neither a request id (UUID) nor a ticket number such as MNT-2026-0001"),
        ));
    };
    let found: Option<Uuid> = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT request_id FROM request_tickets WHERE ticket = $1")
            .bind(ticket.to_string())
            .fetch_optional(pool)
            .await
    })?;
    found.map(RequestId::from_uuid).ok_or_else(|| not_found_as_sent(reference))
}

/// A request that does not exist and one the caller may not see answer alike, echoing only what
/// the caller sent: a use case's "no request <its id>" becomes "no request <as sent>", so the
/// answer never tells a hidden request's id (or that a ticket number is taken).
pub fn as_sent(error: ApiError, id: RequestId, sent: &str) -> ApiError {
    if error.status == axum::http::StatusCode::NOT_FOUND && error.message == format!("no request {id}") {
        not_found_as_sent(sent)
    } else {
        error
    }
}

fn not_found_as_sent(sent: &str) -> ApiError {
    ApiError::not_found(format!("no request {}", sent.trim()))
}
