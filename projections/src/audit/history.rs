//! A request's or staff member's history as an auditor reads it — who did what, when, in which
//! role, what changed from what to what — and its state as of any past moment, by folding the
//! log itself (never a read model).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::persist::SerializedEvent;
use cqrs_es::Aggregate;
use khaki_domain::request::{MaintenanceRequest, RequestEvent};
use khaki_domain::staff::{StaffEvent, StaffMember};
use khaki_migrations::Database;
use serde::Serialize;
use serde_json::{json, Value};

use crate::audit::log::{stream, stream_until, AuditedEvent};

/// A moment in the log: a time, or a global position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsOf {
    Time(DateTime<Utc>),
    Position(i64),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    pub position: i64,
    pub sequence: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    /// The actor's role when they acted.
    pub actor_role: Option<String>,
    /// The event's name, e.g. `RequestAssigned`.
    pub action: String,
    pub changes: Vec<FieldChange>,
    /// The reason, note, comment or feedback the event carries, if any.
    pub text: Option<String>,
    /// Whether this is an internal comment (hidden from residents).
    pub internal: bool,
    pub correlation_id: Option<String>,
    pub command: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: Value,
    pub after: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("a stored event could not be read: {0}")]
    Undecodable(String),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// What an auditor compares between states of an aggregate.
pub trait Audited: Aggregate + Clone {
    fn fields(&self) -> BTreeMap<&'static str, Value>;
    /// The free text an event carries, and whether it is internal.
    fn text(event: &Self::Event) -> (Option<String>, bool);
}

impl Audited for MaintenanceRequest {
    fn fields(&self) -> BTreeMap<&'static str, Value> {
        let Some(r) = self.filed() else { return BTreeMap::new() };
        BTreeMap::from([
            ("status", json!(r.status())),
            ("assignee", json!(r.assignee())),
            ("priority", json!(r.priority)),
            ("due", json!(r.due)),
            ("estimated_cost", json!(r.estimated_cost)),
            ("actual_cost", json!(r.actual_cost)),
            ("rating", json!(r.rating)),
            ("escalation_level", json!(r.escalation.as_ref().map_or(0, |e| e.level))),
            ("title", json!(r.title)),
            ("location", json!(r.location)),
        ])
    }

    fn text(event: &RequestEvent) -> (Option<String>, bool) {
        match event {
            RequestEvent::RequestReopened { reason, .. } | RequestEvent::RequestCancelled { reason, .. } => {
                (Some(reason.to_string()), false)
            }
            RequestEvent::RequestResolved { note, .. } => (note.as_ref().map(ToString::to_string), false),
            RequestEvent::WorkRated { feedback, .. } => (feedback.as_ref().map(ToString::to_string), false),
            RequestEvent::CommentPosted { text, internal, .. } => (Some(text.to_string()), *internal),
            _ => (None, false),
        }
    }
}

impl Audited for StaffMember {
    fn fields(&self) -> BTreeMap<&'static str, Value> {
        let Some(s) = self.record() else { return BTreeMap::new() };
        BTreeMap::from([
            ("role", json!(s.role)),
            ("permissions", json!(s.permissions)),
            ("supervisor", json!(s.supervisor)),
            ("department", json!(s.department)),
            ("employment", json!(s.employment)),
            ("available_24x7", json!(s.available_24x7)),
            ("schedule", json!(s.schedule)),
            ("active", json!(s.active)),
            ("notifications", json!(s.notifications)),
        ])
    }

    fn text(_: &StaffEvent) -> (Option<String>, bool) {
        (None, false)
    }
}

fn decode<A: Aggregate>(event: &AuditedEvent) -> Result<A::Event, HistoryError> {
    let serialized = SerializedEvent::new(
        event.aggregate_id.clone(),
        usize::try_from(event.sequence).unwrap_or(0),
        event.aggregate_type.clone(),
        event.event_type.clone(),
        event.event_version.clone(),
        event.payload.clone(),
        event.metadata.clone(),
    );
    khaki_domain::upcast::decode::<A>(serialized).map(|envelope| envelope.payload).map_err(HistoryError::Undecodable)
}

/// The aggregate's history, oldest first, with the fields each event changed, and the state the
/// whole history folds to.
pub async fn history<A: Audited>(db: &Database, id: &str) -> Result<(Vec<Entry>, A), HistoryError> {
    let mut state = A::default();
    let mut entries = Vec::new();
    for event in stream(db, A::TYPE, id).await? {
        let before = state.fields();
        let decoded = decode::<A>(&event)?;
        let (text, internal) = A::text(&decoded);
        state.apply(decoded);
        let after = state.fields();
        let changes = after
            .iter()
            .filter(|(field, value)| before.get(*field) != Some(*value))
            .map(|(field, value)| FieldChange {
                field,
                before: before.get(field).cloned().unwrap_or(Value::Null),
                after: value.clone(),
            })
            .collect();
        let meta = |key: &str| event.metadata.get(key).and_then(Value::as_str).map(str::to_owned);
        entries.push(Entry {
            position: event.position,
            sequence: event.sequence,
            at: event.recorded_at,
            actor: meta("actor"),
            actor_role: meta("actor_role"),
            action: event.event_type.clone(),
            changes,
            text,
            internal,
            correlation_id: meta("correlation_id"),
            command: meta("command"),
        });
    }
    Ok((entries, state))
}

/// The aggregate exactly as it was at `as_of`, and its version then, by folding the log.
pub async fn as_of<A: Audited>(db: &Database, id: &str, as_of: AsOf) -> Result<(A, u64), HistoryError> {
    let mut state = A::default();
    let mut version = 0;
    for event in stream_until(db, A::TYPE, id, Some(as_of)).await? {
        version = u64::try_from(event.sequence).unwrap_or(0);
        state.apply(decode::<A>(&event)?);
    }
    Ok((state, version))
}

/// A request as it stood at a past moment.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestAt {
    pub id: khaki_domain::RequestId,
    pub ticket: khaki_domain::TicketNumber,
    pub status: khaki_domain::request::Status,
    pub due: DateTime<Utc>,
    pub overdue: bool,
}

/// Every request as it stood at `moment`, folded from the log stream by stream.
pub async fn requests_at(db: &Database, moment: AsOf) -> Result<Vec<RequestAt>, HistoryError> {
    use futures::TryStreamExt;
    let (condition, bound) = match moment {
        AsOf::Time(at) => ("recorded_at <= $1", Bound::Time(at)),
        AsOf::Position(position) => ("position <= $1", Bound::Position(position)),
    };
    let tx = db.pick("transaction_id::text::bigint", "0");
    let sql = format!(
        "SELECT {tx} AS tx, position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, hash
         FROM events WHERE aggregate_type = 'MaintenanceRequest' AND {condition} ORDER BY aggregate_id, sequence"
    );
    let mut current: Option<(String, MaintenanceRequest)> = None;
    let mut latest_time = DateTime::<Utc>::MIN_UTC;
    let mut folded: Vec<MaintenanceRequest> = Vec::new();
    khaki_migrations::with_pool!(db, |pool| {
        let query = sqlx::query_as::<_, AuditedEvent>(&sql);
        let query = match bound {
            Bound::Time(at) => query.bind(at),
            Bound::Position(position) => query.bind(position),
        };
        let mut rows = query.fetch(pool);
        while let Some(event) = rows.try_next().await? {
            latest_time = latest_time.max(event.recorded_at);
            if current.as_ref().is_none_or(|(id, _)| *id != event.aggregate_id) {
                folded.extend(current.take().map(|(_, state)| state));
                current = Some((event.aggregate_id.clone(), MaintenanceRequest::default()));
            }
            if let Some((_, state)) = current.as_mut() {
                state.apply(decode::<MaintenanceRequest>(&event)?);
            }
        }
        Ok::<_, HistoryError>(())
    })?;
    folded.extend(current.take().map(|(_, state)| state));
    let now = match moment {
        AsOf::Time(at) => at,
        AsOf::Position(_) => latest_time,
    };
    Ok(folded
        .iter()
        .filter_map(MaintenanceRequest::filed)
        .map(|r| RequestAt { id: r.id, ticket: r.ticket, status: r.status(), due: r.due, overdue: r.is_overdue(now) })
        .collect())
}

enum Bound {
    Time(DateTime<Utc>),
    Position(i64),
}
