//! timeline: a request's comments and status changes in the order they happened, with who and
//! when — the history a resident or staff member reads on the request's page.

mod query;

use std::collections::HashMap;

use khaki_domain::request::{ClosedHow, RequestEvent, UnassignReason};
use khaki_domain::AccountId;
use khaki_migrations::Tx;
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::facts::{Event, Fact};
use crate::lifecycle::Lifecycle;
use crate::store::{self, OnConflict};
use crate::target::Target;

pub use query::{timeline, TimelineEntry};

pub const TABLES: &[&str] = &["request_timeline", "timeline_requests"];

const ENTRY_COLUMNS: &[&str] = &[
    "request_id",
    "sequence",
    "position",
    "at",
    "actor",
    "kind",
    "status_from",
    "status_to",
    "assignee",
    "comment_id",
    "body",
    "internal",
];

pub(crate) async fn apply(tx: &mut Tx, target: &Target, facts: &[Fact]) -> Result<(), ProjectionError> {
    #[derive(sqlx::FromRow)]
    struct StatusRow {
        request_id: Uuid,
        status: String,
    }
    let mut ids: Vec<Uuid> = facts.iter().filter(|f| matches!(f.event, Event::Request(_))).map(|f| f.id).collect();
    ids.sort_unstable();
    ids.dedup();
    let table = target.table("timeline_requests");
    let before: HashMap<Uuid, String> = store::load::<StatusRow>(tx, &table, "request_id, status", "request_id", &ids)
        .await?
        .into_iter()
        .map(|row| (row.request_id, row.status))
        .collect();
    let mut statuses = before.clone();
    let mut entries = Vec::new();
    for fact in facts {
        let Event::Request(event) = &fact.event else { continue };
        let from = statuses.get(&fact.id).cloned();
        if from.is_none() && !matches!(event, RequestEvent::RequestSubmitted { .. }) {
            // Like the domain's evolve: nothing happens to a request never submitted.
            continue;
        }
        let mut life = Lifecycle::from_row(from.as_deref().unwrap_or("submitted"), None, None);
        life.apply(event);
        let to = life.status.name();
        let changed = from.as_deref() != Some(to);
        if let Some(entry) = Entry::of(event, changed) {
            entries.push(vec![
                fact.id.into(),
                fact.sequence.into(),
                fact.position().into(),
                event.at().into(),
                entry.actor.as_uuid().into(),
                entry.kind.into(),
                from.clone().filter(|_| entry.kind != "comment").into(),
                (entry.kind != "comment").then_some(to).into(),
                entry.assignee.map(|a| a.as_uuid()).into(),
                entry.comment.into(),
                entry.body.into(),
                entry.internal.into(),
            ]);
        }
        statuses.insert(fact.id, to.to_owned());
    }
    let entries_table = target.table("request_timeline");
    store::write(tx, &entries_table, ENTRY_COLUMNS, &["request_id", "sequence"], entries, OnConflict::Keep).await?;
    let changed = statuses
        .into_iter()
        .filter(|(id, status)| before.get(id) != Some(status))
        .map(|(id, status)| vec![id.into(), status.into()])
        .collect();
    store::write(tx, &table, &["request_id", "status"], &["request_id"], changed, OnConflict::Replace).await?;
    Ok(())
}

/// What one event puts on the timeline.
struct Entry {
    kind: &'static str,
    actor: AccountId,
    assignee: Option<AccountId>,
    comment: Option<Uuid>,
    body: Option<String>,
    internal: bool,
}

impl Entry {
    /// `None` for events that are neither a comment nor a change of status or assignee.
    fn of(event: &RequestEvent, status_changed: bool) -> Option<Self> {
        let status = |actor: AccountId, assignee: Option<AccountId>, body: Option<String>| {
            status_changed.then_some(Entry { kind: "status", actor, assignee, comment: None, body, internal: false })
        };
        match event {
            RequestEvent::RequestSubmitted { submitter, filed_by, .. } => {
                status(filed_by.unwrap_or(*submitter), None, None)
            }
            RequestEvent::RequestAcknowledged { by, .. } => status(*by, None, None),
            RequestEvent::RequestAssigned { assignee, by, .. } if !status_changed => Some(Entry {
                kind: "reassigned",
                actor: *by,
                assignee: Some(*assignee),
                comment: None,
                body: None,
                internal: false,
            }),
            RequestEvent::RequestAssigned { assignee, by, .. }
            | RequestEvent::WorkStarted { assignee, by, .. }
            | RequestEvent::WorkHandedBack { assignee, by, .. } => status(*by, Some(*assignee), None),
            RequestEvent::RequestUnassigned { by, reason, .. } => {
                let reason = match reason {
                    UnassignReason::Unassigned => "unassigned",
                    UnassignReason::StaffDeactivated => "staff_deactivated",
                };
                status(*by, None, Some(reason.to_owned()))
            }
            RequestEvent::RequestResolved { by, note, .. } => status(*by, None, note.as_ref().map(ToString::to_string)),
            RequestEvent::RequestClosed { by, how, .. } => {
                let how = match how {
                    ClosedHow::ByStaff => "by_staff",
                    ClosedHow::ConfirmedBySubmitter => "confirmed_by_submitter",
                    ClosedHow::Automatically => "automatically",
                };
                status(*by, None, Some(how.to_owned()))
            }
            RequestEvent::RequestReopened { by, reason, .. } | RequestEvent::RequestCancelled { by, reason, .. } => {
                status(*by, None, Some(reason.to_string()))
            }
            RequestEvent::CommentPosted { comment, author, text, internal, .. } => Some(Entry {
                kind: "comment",
                actor: *author,
                assignee: None,
                comment: Some(comment.as_uuid()),
                body: Some(text.to_string()),
                internal: *internal,
            }),
            RequestEvent::WorkRated { .. }
            | RequestEvent::DueTimeSet { .. }
            | RequestEvent::CostEstimated { .. }
            | RequestEvent::Reprioritised { .. }
            | RequestEvent::RequestEscalated { .. } => None,
        }
    }
}
