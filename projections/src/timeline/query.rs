//! One request's timeline, oldest first.

use chrono::{DateTime, Utc};
use khaki_domain::RequestId;
use khaki_migrations::{with_pool, Database};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct TimelineEntry {
    pub request_id: Uuid,
    /// The event's place in the request's stream: the timeline's order.
    pub sequence: i64,
    pub position: i64,
    pub at: DateTime<Utc>,
    pub actor: Uuid,
    pub actor_name: Option<String>,
    /// `comment`, `status` or `reassigned`.
    pub kind: String,
    pub status_from: Option<String>,
    pub status_to: Option<String>,
    pub assignee: Option<Uuid>,
    pub comment_id: Option<Uuid>,
    /// The comment, or the reason, resolution note or how it was closed.
    pub body: Option<String>,
    pub internal: bool,
}

/// The request's entries in order. Internal comments are left out unless `with_internal` (the
/// caller is staff, SPEC §2).
pub async fn timeline(
    db: &Database,
    request: RequestId,
    with_internal: bool,
) -> Result<Vec<TimelineEntry>, sqlx::Error> {
    let sql = "SELECT t.request_id, t.sequence, t.position, t.at, t.actor, a.display_name AS actor_name, t.kind,
                  t.status_from, t.status_to, t.assignee, t.comment_id, t.body, t.internal
               FROM request_timeline t LEFT JOIN accounts a ON a.id = t.actor
               WHERE t.request_id = $1 AND (t.internal = FALSE OR $2)
               ORDER BY t.sequence";
    with_pool!(db, |pool| sqlx::query_as(sql).bind(request.as_uuid()).bind(with_internal).fetch_all(pool).await)
}
