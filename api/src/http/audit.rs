//! Audit over HTTP: every request's and staff member's history, states as of past moments, the
//! global log (paged and as an NDJSON export), and verification of the tamper-evident chain.
//! Histories follow who may see the subject; the rest is for auditors.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use chrono::{DateTime, Utc};
use futures::stream;
use khaki_commands::accounts::AccountChange;
use khaki_commands::{accounts, ensure_visible, Loaded};
use khaki_domain::request::MaintenanceRequest;
use khaki_domain::staff::StaffMember;
use khaki_domain::{AccountId, Actor, RequestId};
use khaki_migrations::{with_pool, Database};
use khaki_projections::audit::history::{history, AsOf, Entry};
use khaki_projections::audit::log::{events_after, AuditedEvent};
use khaki_projections::audit::{verify_log, verify_stream, Verification};
use khaki_projections::Cursor;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json::Json;
use crate::http::origin::CommandOrigin;
use crate::http::query::Query;
use crate::http::requests::view::{as_sent, request_id};
use crate::http::staff::view::may_view;
use crate::http::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_history))
        .routes(routes!(staff_history))
        .routes(routes!(requests_as_of))
        .routes(routes!(events))
        .routes(routes!(export))
        .routes(routes!(verify))
        .routes(routes!(set_auditor))
}

/// A moment named by an RFC 3339 time or a global position.
pub fn parse_as_of(text: &str) -> Result<AsOf, ApiError> {
    if let Ok(position) = text.parse::<i64>() {
        return Ok(AsOf::Position(position));
    }
    DateTime::parse_from_rfc3339(text).map(|t| AsOf::Time(t.with_timezone(&Utc))).map_err(|_| {
        ApiError::invalid("as_of", "as_of is an RFC 3339 time (2026-03-01T09:00:00+05:30) or a log position")
    })
}

fn auditor_only(caller: &Caller) -> Result<(), ApiError> {
    if caller.actor.auditor {
        Ok(())
    } else {
        Err(ApiError::forbidden("only auditors may read the whole log"))
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HistoryParams {
    /// Only events at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only events before this time.
    pub to: Option<DateTime<Utc>>,
    /// Only events of this kind, e.g. `RequestAssigned`.
    pub action: Option<String>,
    /// Only events after this sequence (paging).
    pub after: Option<i64>,
    /// At most this many entries (default 100, at most 1000).
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEntry {
    pub position: i64,
    pub sequence: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<ActorRef>,
    pub actor_role: Option<String>,
    pub action: String,
    #[schema(value_type = Vec<Object>)]
    pub changes: serde_json::Value,
    pub text: Option<String>,
    pub internal: bool,
    pub correlation_id: Option<String>,
    pub command: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ActorRef {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct History {
    pub entries: Vec<HistoryEntry>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<i64>,
}

async fn page(
    db: &Database,
    entries: Vec<Entry>,
    params: &HistoryParams,
    staff_view: bool,
) -> Result<History, ApiError> {
    let limit = params.limit.unwrap_or(100).clamp(1, 1000);
    let mut chosen: Vec<Entry> = entries
        .into_iter()
        .filter(|e| staff_view || !e.internal)
        .filter(|e| params.from.is_none_or(|from| e.at >= from) && params.to.is_none_or(|to| e.at < to))
        .filter(|e| params.action.as_deref().is_none_or(|a| e.action == a))
        .filter(|e| params.after.is_none_or(|after| e.sequence > after))
        .take(limit + 1)
        .collect();
    let more = chosen.len() > limit;
    chosen.truncate(limit);
    let ids: Vec<AccountId> = chosen.iter().filter_map(|e| e.actor.as_deref()?.parse().ok()).collect();
    let names = accounts::display_names(db, &ids).await?;
    let next_after = if more { chosen.last().map(|e| e.sequence) } else { None };
    let entries = chosen
        .into_iter()
        .map(|e| {
            let actor = e.actor.as_deref().map(|id| {
                let name = id.parse::<AccountId>().ok().map_or_else(String::new, |a| {
                    if a == khaki_domain::SYSTEM_ACCOUNT {
                        "Khaki Estate".into()
                    } else {
                        names.get(&a).cloned().unwrap_or_default()
                    }
                });
                ActorRef { id: id.to_owned(), name }
            });
            HistoryEntry {
                position: e.position,
                sequence: e.sequence,
                at: e.at,
                actor,
                actor_role: e.actor_role,
                action: e.action,
                changes: serde_json::to_value(&e.changes).unwrap_or_default(),
                text: e.text,
                internal: e.internal,
                correlation_id: e.correlation_id,
                command: e.command,
            }
        })
        .collect();
    Ok(History { entries, next_after })
}

/// Loads the request if the caller may see it now (auditors see every request).
pub async fn visible_request(
    state: &AppState,
    actor: &Actor,
    id: RequestId,
) -> Result<Loaded<MaintenanceRequest>, ApiError> {
    let loaded = state.log.load::<MaintenanceRequest>(&id.to_string()).await?;
    ensure_seen(state.log.database(), actor, id, &loaded.state).await?;
    Ok(loaded)
}

/// Not found unless the request, as it stands in `current`, is filed and the caller may see it;
/// auditors see every request.
async fn ensure_seen(
    db: &Database,
    actor: &Actor,
    id: RequestId,
    current: &MaintenanceRequest,
) -> Result<(), ApiError> {
    if !actor.auditor {
        return ensure_visible(db, actor, id, current).await.map_err(Into::into);
    }
    match current.filed() {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found(format!("no request {id}"))),
    }
}

/// Every event of a request, in order: who (and in which role), when, what changed from what to
/// what, reasons and notes. Internal comments are left out for residents.
#[utoipa::path(get, path = "/requests/{id}/history", tag = "audit", params(("id" = String, Path), HistoryParams), responses(
    (status = 200, body = History), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn request_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<HistoryParams>,
) -> Result<axum::Json<History>, ApiError> {
    let db = state.log.database();
    let sent = id;
    let id = request_id(db, &sent).await?;
    // The history folds to the request as it stands now, which is what visibility is judged on.
    let (entries, now) = history::<MaintenanceRequest>(db, &id.to_string()).await.map_err(ApiError::from)?;
    ensure_seen(db, &caller.actor, id, &now).await.map_err(|e| as_sent(e, id, &sent))?;
    Ok(axum::Json(page(db, entries, &params, caller.actor.is_staff() || caller.actor.auditor).await?))
}

/// Every event of a staff record, for staff management, the member themself and auditors.
#[utoipa::path(get, path = "/staff/{id}/history", tag = "audit", params(("id" = Uuid, Path), HistoryParams), responses(
    (status = 200, body = History), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn staff_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<HistoryParams>,
) -> Result<axum::Json<History>, ApiError> {
    let id: AccountId = id.parse().map_err(|_| {
        ApiError::bad_request("invalid_staff_id", format!("'{id}' is not a staff member's id (a UUID)"))
    })?;
    if !(caller.actor.auditor || may_view(&caller.actor, id)) {
        return Err(ApiError::not_found(format!("no staff member {id}")));
    }
    let db = state.log.database();
    let (entries, _) = history::<StaffMember>(db, &id.to_string()).await.map_err(ApiError::from)?;
    if entries.is_empty() {
        return Err(ApiError::not_found(format!("no staff member {id}")));
    }
    Ok(axum::Json(page(db, entries, &params, true).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatusAsOfParams {
    /// RFC 3339 time or log position.
    pub as_of: String,
    /// A status (submitted … cancelled), or `overdue`.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct RequestAtMoment {
    pub id: Uuid,
    pub ticket: String,
    pub status: String,
    pub due: DateTime<Utc>,
    pub overdue: bool,
}

/// Which requests were in a status (or overdue) at a past moment, computed from the log.
#[utoipa::path(get, path = "/audit/requests", tag = "audit", params(StatusAsOfParams), responses(
    (status = 200, body = Vec<RequestAtMoment>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn requests_as_of(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<StatusAsOfParams>,
) -> Result<axum::Json<Vec<RequestAtMoment>>, ApiError> {
    auditor_only(&caller)?;
    let moment = parse_as_of(&params.as_of)?;
    let wanted = match params.status.as_str() {
        "overdue" => None,
        status => Some(status.parse::<khaki_domain::request::Status>().map_err(|e| ApiError::invalid("status", e))?),
    };
    let found =
        khaki_projections::audit::history::requests_at(state.log.database(), moment).await.map_err(ApiError::from)?;
    Ok(axum::Json(
        found
            .into_iter()
            .filter(|r| match wanted {
                Some(status) => r.status == status,
                None => r.overdue,
            })
            .map(|r| RequestAtMoment {
                id: r.id.as_uuid(),
                ticket: r.ticket.to_string(),
                status: r.status.to_string(),
                due: r.due,
                overdue: r.overdue,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LogParams {
    /// A position, or the `next_after` cursor of the previous page.
    pub after: Option<String>,
    /// At most this many events (default 100, at most 5000).
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct LogPage {
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<AuditedEvent>,
    /// Pass as `after` for the next page (an empty page means nothing newer has committed yet).
    pub next_after: Option<String>,
}

/// Where `after` starts: a `transaction:position` cursor, or a plain position.
async fn cursor_after(db: &Database, after: Option<&str>) -> Result<Cursor, ApiError> {
    let Some(after) = after else { return Ok(Cursor::default()) };
    if let Some((transaction, position)) = after.split_once(':') {
        return match (transaction.parse(), position.parse()) {
            (Ok(transaction), Ok(position)) => Ok(Cursor { transaction, position }),
            _ => Err(ApiError::invalid("after", "after is a position or a cursor from next_after")),
        };
    }
    let position: i64 =
        after.parse().map_err(|_| ApiError::invalid("after", "after is a position or a cursor from next_after"))?;
    let transaction: Option<i64> = with_pool!(db, |pool| {
        sqlx::query_scalar(db.pick(
            "SELECT transaction_id::text::bigint FROM events WHERE position = $1",
            "SELECT 0 FROM events WHERE position = $1",
        ))
        .bind(position)
        .fetch_optional(pool)
        .await
    })
    .map_err(ApiError::from)?;
    Ok(Cursor { transaction: transaction.unwrap_or(0), position })
}

fn cursor_text(cursor: Cursor) -> String {
    format!("{}:{}", cursor.transaction, cursor.position)
}

/// The global log after a point, in commit order, with every event's metadata and link.
#[utoipa::path(get, path = "/audit/events", tag = "audit", params(LogParams), responses(
    (status = 200, body = LogPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<LogParams>,
) -> Result<axum::Json<LogPage>, ApiError> {
    auditor_only(&caller)?;
    let db = state.log.database();
    let cursor = cursor_after(db, params.after.as_deref()).await?;
    let limit = params.limit.unwrap_or(100).clamp(1, 5000);
    let events = events_after(db, cursor, limit).await.map_err(ApiError::from)?;
    // The cursor to continue from, also when this page was short: more may commit later.
    let next_after = Some(cursor_text(events.last().map_or(cursor, AuditedEvent::cursor)));
    Ok(axum::Json(LogPage { events, next_after }))
}

/// Everything after a point as newline-delimited JSON, streamed.
#[utoipa::path(get, path = "/audit/export", tag = "audit", params(LogParams), responses(
    (status = 200, content_type = "application/x-ndjson", body = String), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<LogParams>,
) -> Result<Response, ApiError> {
    auditor_only(&caller)?;
    let db = state.log.database().clone();
    let start = cursor_after(&db, params.after.as_deref()).await?;
    let lines = stream::unfold(Some(start), move |cursor| {
        let db = db.clone();
        async move {
            let cursor = cursor?;
            match events_after(&db, cursor, 1000).await {
                Ok(batch) if batch.is_empty() => None,
                Ok(batch) => {
                    let next = batch.last().map(AuditedEvent::cursor);
                    let text: String =
                        batch.iter().filter_map(|e| serde_json::to_string(e).ok()).map(|line| line + "\n").collect();
                    Some((Ok::<_, std::io::Error>(text), next))
                }
                Err(error) => Some((Err(std::io::Error::other(error)), None)),
            }
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from_stream(lines))
        .map_err(ApiError::internal)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VerifyParams {
    /// Only this stream: `MaintenanceRequest:<id>` or `Staff:<id>`.
    pub stream: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct VerifyAnswer {
    pub ok: bool,
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// Verifies the log (or one stream): every link, every signed checkpoint; answers OK with counts,
/// or the first broken place and what is wrong there.
#[utoipa::path(get, path = "/audit/verify", tag = "audit", params(VerifyParams), responses(
    (status = 200, body = VerifyAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<VerifyParams>,
) -> Result<axum::Json<VerifyAnswer>, ApiError> {
    auditor_only(&caller)?;
    let db = state.log.database();
    let report: Verification = match params.stream.as_deref() {
        Some(stream) => {
            let (kind, id) = stream
                .split_once(':')
                .ok_or_else(|| ApiError::invalid("stream", "stream is <type>:<id>, e.g. MaintenanceRequest:<uuid>"))?;
            verify_stream(db, kind, id).await.map_err(ApiError::from)?
        }
        None => verify_log(db, state.audit_public_key.as_ref()).await.map_err(ApiError::from)?,
    };
    Ok(axum::Json(VerifyAnswer { ok: report.ok, report: serde_json::to_value(&report).unwrap_or_default() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditorBody {
    pub auditor: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AccountAnswer {
    pub id: Uuid,
    pub auditor: bool,
    pub version: u64,
}

/// Grant or revoke the auditor right (administrators only). Nobody may grant it to themself (an
/// auditor issues no command, so could not give it back), and the estate's last administrator who
/// can act may not be made one.
#[utoipa::path(post, path = "/accounts/{id}/auditor", tag = "audit", params(("id" = Uuid, Path)), request_body = AuditorBody, responses(
    (status = 200, body = AccountAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn set_auditor(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<AuditorBody>,
) -> Result<axum::Json<AccountAnswer>, ApiError> {
    let id: AccountId = id
        .parse()
        .map_err(|_| ApiError::bad_request("invalid_account_id", format!("'{id}' is not an account id (a UUID)")))?;
    let executed = accounts::change_account(&state.log, &origin, id, AccountChange::SetAuditor(body.auditor)).await?;
    let auditor = executed.state.record().is_some_and(|r| r.auditor);
    Ok(axum::Json(AccountAnswer { id: id.as_uuid(), auditor, version: executed.version }))
}
