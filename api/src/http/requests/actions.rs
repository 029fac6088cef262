//! One POST per action on `/api/v1/requests/{id}/…`, and PATCH for due time, cost and priority.

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use khaki_commands::requests::{self, AssignTo};
use khaki_domain::request::Revision;
use khaki_domain::{limits, AccountId, CommentId, Priority, Rating, Rupees};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::http::input::{optional_text, reason, text};
use crate::http::json::{Json, NoBody, OptionalJson};
use crate::http::origin::{id_for, CommandOrigin};
use crate::http::requests::view::{as_sent, request_id};
use crate::http::requests::{answer, CommandAnswer};
use crate::http::responses::RequestRefusals;
use crate::http::AppState;

type Answer = Result<axum::Json<CommandAnswer>, ApiError>;

/// Runs one use case on the request named in the path and answers with its new state.
macro_rules! act {
    ($state:ident, $origin:ident, $id:ident, |$request:ident| $call:expr) => {{
        let $request = request_id($state.log.database(), &$id).await?;
        let executed = $call.await.map_err(|e| as_sent(e.into(), $request, &$id))?;
        Ok(axum::Json(answer(&$state, &$origin.actor, executed).await?))
    }};
}

/// Acknowledge a submitted request.
#[utoipa::path(post, path = "/{id}/acknowledge", tag = "requests", params(("id" = String, Path)), responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn acknowledge(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    _: OptionalJson<NoBody>,
) -> Answer {
    act!(state, origin, id, |request| requests::acknowledge(&state.log, &origin, request))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub staff_id: Uuid,
    pub due: Option<DateTime<Utc>>,
    /// Rupees, e.g. "1500.00".
    #[schema(value_type = Option<String>, example = "1500.00")]
    pub estimated_cost: Option<Rupees>,
}

/// Assign (or reassign) a request to a staff member who can take its trade, within the workload
/// limit; assigning a submitted request acknowledges it first.
#[utoipa::path(post, path = "/{id}/assign", tag = "requests", params(("id" = String, Path)), request_body = AssignBody, responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn assign(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<AssignBody>,
) -> Answer {
    let to =
        AssignTo { staff: AccountId::from_uuid(body.staff_id), due: body.due, estimated_cost: body.estimated_cost };
    act!(state, origin, id, |request| requests::assign(&state.log, &origin, request, to))
}

/// Take an assigned request back to acknowledged.
#[utoipa::path(post, path = "/{id}/unassign", tag = "requests", params(("id" = String, Path)), responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn unassign(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    _: OptionalJson<NoBody>,
) -> Answer {
    act!(state, origin, id, |request| requests::unassign(&state.log, &origin, request))
}

/// Start work: the assignee on an assigned request, or a staff member taking on an acknowledged one.
#[utoipa::path(post, path = "/{id}/start", tag = "requests", params(("id" = String, Path)), responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn start(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    _: OptionalJson<NoBody>,
) -> Answer {
    act!(state, origin, id, |request| requests::start_work(&state.log, &origin, request))
}

/// Hand work in progress back (to assigned).
#[utoipa::path(post, path = "/{id}/hand-back", tag = "requests", params(("id" = String, Path)), responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn hand_back(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    _: OptionalJson<NoBody>,
) -> Answer {
    act!(state, origin, id, |request| requests::hand_back(&state.log, &origin, request))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    #[schema(value_type = Option<String>, example = "1250.50")]
    pub actual_cost: Option<Rupees>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Resolve a request in progress, optionally with the actual cost and a note.
#[utoipa::path(post, path = "/{id}/resolve", tag = "requests", params(("id" = String, Path)), request_body = ResolveBody, responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn resolve(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<ResolveBody>,
) -> Answer {
    let note = optional_text("note", body.note.as_deref(), limits::NOTE)?;
    act!(state, origin, id, |request| requests::resolve(&state.log, &origin, request, body.actual_cost, note))
}

/// Close a resolved request (staff with close, the assignee, or the submitter confirming the fix).
#[utoipa::path(post, path = "/{id}/close", tag = "requests", params(("id" = String, Path)), responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    _: OptionalJson<NoBody>,
) -> Answer {
    act!(state, origin, id, |request| requests::close(&state.log, &origin, request))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Reopen a resolved request; a reason is required.
#[utoipa::path(post, path = "/{id}/reopen", tag = "requests", params(("id" = String, Path)), request_body = ReasonBody, responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn reopen(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<ReasonBody>,
) -> Answer {
    let why = reason(&body.reason)?;
    act!(state, origin, id, |request| requests::reopen(&state.log, &origin, request, why))
}

/// Cancel a request; a reason is required.
#[utoipa::path(post, path = "/{id}/cancel", tag = "requests", params(("id" = String, Path)), request_body = ReasonBody, responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<ReasonBody>,
) -> Answer {
    let why = reason(&body.reason)?;
    act!(state, origin, id, |request| requests::cancel(&state.log, &origin, request, why))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateBody {
    #[schema(value_type = u8, minimum = 1, maximum = 5)]
    pub rating: Rating,
    #[schema(max_length = 2000)]
    pub feedback: Option<String>,
}

/// Rate the work, once, when the request is resolved or closed (the submitter only).
#[utoipa::path(post, path = "/{id}/rate", tag = "requests", params(("id" = String, Path)), request_body = RateBody, responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn rate(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<RateBody>,
) -> Answer {
    let feedback = optional_text("feedback", body.feedback.as_deref(), limits::FEEDBACK)?;
    act!(state, origin, id, |request| requests::rate(&state.log, &origin, request, body.rating, feedback))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
    /// Internal comments are for staff only.
    #[serde(default)]
    pub internal: bool,
}

/// Comment on a request (internal comments by staff only).
#[utoipa::path(post, path = "/{id}/comments", tag = "requests", params(("id" = String, Path)), request_body = CommentBody, responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn comment(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<CommentBody>,
) -> Answer {
    let words = text("text", &body.text, limits::COMMENT)?;
    let comment = CommentId::from_uuid(id_for(&origin, "comment"));
    act!(state, origin, id, |request| requests::comment(&state.log, &origin, request, comment, words, body.internal))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviseBody {
    pub due: Option<DateTime<Utc>>,
    #[schema(value_type = Option<String>, example = "900.00")]
    pub estimated_cost: Option<Rupees>,
    #[schema(value_type = Option<u8>, minimum = 1, maximum = 4)]
    pub priority: Option<Priority>,
}

/// Set the due time, estimated cost and/or priority, all or nothing (staff with assign).
#[utoipa::path(patch, path = "/{id}", tag = "requests", params(("id" = String, Path)), request_body = ReviseBody, responses((status = 200, description = "Done: the request as it now stands, its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn revise(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<ReviseBody>,
) -> Answer {
    if body.due.is_none() && body.estimated_cost.is_none() && body.priority.is_none() {
        return Err(ApiError::bad_request(
            "nothing_to_change",
            "send at least one of due, estimated_cost and priority",
        ));
    }
    let revision = Revision { due: body.due, estimated_cost: body.estimated_cost, priority: body.priority };
    act!(state, origin, id, |request| requests::revise(&state.log, &origin, request, revision))
}
