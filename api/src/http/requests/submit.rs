//! `POST /api/v1/requests` (submit) and `GET /api/v1/requests/{id}` (read).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use khaki_commands::requests::{self, NewRequest};
use khaki_domain::request::MaintenanceRequest;
use khaki_domain::{limits, AccountId, Priority, RequestId};
use khaki_projections::audit::history::as_of;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::audit::{parse_as_of, visible_request};
use crate::http::caller::Caller;
use crate::http::error::ApiError;
use crate::http::input::{line, text};
use crate::http::json::Json;
use crate::http::origin::{id_for, CommandOrigin};
use crate::http::query::Query;
use crate::http::requests::view::{as_sent, render, request_id, RequestView};
use crate::http::requests::{answer, CommandAnswer};
use crate::http::responses::{ReadResponses, RequestRefusals};
use crate::http::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// A category of the estate's catalogue, e.g. "Plumbing issue".
    pub category: String,
    /// Where, e.g. "Flat A-101" or "Common Area - Lobby".
    #[schema(min_length = 1, max_length = 100)]
    pub location: String,
    /// 1 low … 4 emergency; defaults to the category's maximum. Residents may not exceed it.
    #[schema(value_type = Option<u8>, minimum = 1, maximum = 4)]
    pub priority: Option<Priority>,
    /// Staff filing for a resident name the resident here; residents leave it out.
    pub submitter_id: Option<Uuid>,
}

/// Submit a maintenance request.
#[utoipa::path(post, path = "", tag = "requests", request_body = SubmitBody, responses((status = 201, description = "Filed: the request as it now stands (with its assignee, for an emergency the call assigned), its version and the log position reached", body = CommandAnswer), RequestRefusals), security(("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Json(body): Json<SubmitBody>,
) -> Result<(StatusCode, axum::Json<CommandAnswer>), ApiError> {
    let new = NewRequest {
        // Derived from the idempotency key when there is one, so a retried submission after a
        // lost answer cannot file the request twice.
        id: RequestId::from_uuid(id_for(&origin, "request")),
        submitter: body.submitter_id.map(AccountId::from_uuid),
        title: line("title", &body.title, limits::TITLE)?,
        description: text("description", &body.description, limits::DESCRIPTION)?,
        category: line("category", &body.category, 100)?.to_string(),
        location: line("location", &body.location, limits::LOCATION)?,
        priority: body.priority,
    };
    let submitted = requests::submit(&state.log, &origin, new).await?;
    Ok((StatusCode::CREATED, axum::Json(answer(&state, &origin.actor, submitted.executed).await?)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReadParams {
    /// The request as it was at this moment: an RFC 3339 time or a log position, folded from the
    /// log itself.
    pub as_of: Option<String>,
}

/// Read a request as the caller may see it (internal comments only for staff), with its version
/// and the actions the caller may take now. `{id}` is the UUID or the ticket number.
#[utoipa::path(get, path = "/{id}", tag = "requests", params(("id" = String, Path, description = "Request UUID or ticket number"), ReadParams), responses(ReadResponses), security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<ReadParams>,
) -> Result<axum::Json<RequestView>, ApiError> {
    let db = state.log.database();
    let sent = id;
    let id = request_id(db, &sent).await?;
    let now = visible_request(&state, &caller.actor, id).await.map_err(|e| as_sent(e, id, &sent))?;
    let (state_then, version) = match params.as_of.as_deref() {
        Some(moment) => {
            as_of::<MaintenanceRequest>(db, &id.to_string(), parse_as_of(moment)?).await.map_err(ApiError::from)?
        }
        None => (now.state, now.version),
    };
    let request =
        state_then.filed().ok_or_else(|| ApiError::not_found(format!("request {id} did not exist yet then")))?;
    let mut view = render(db, &caller.actor, request, version).await?;
    if params.as_of.is_some() {
        // Nothing can be done to a past state.
        view.actions.clear();
    }
    Ok(axum::Json(view))
}
