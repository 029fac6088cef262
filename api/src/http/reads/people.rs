//! Staff read models over HTTP: the directory, one member's workload, the suitable-staff list
//! for a request, and a request's timeline.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use chrono::Utc;
use khaki_commands::load_visible_request;
use khaki_domain::request::Action;
use khaki_domain::{AccountId, Permission, StaffRole};
use khaki_projections::staff_directory::{list_staff, staff_workload, suitable_staff, StaffFilter};
use khaki_projections::timeline::timeline;
use khaki_projections::Projection;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::reads::freshness::{at_least, Freshness};
use crate::http::reads::query::Params;
use crate::http::requests::view::{as_sent, request_id};
use crate::http::staff::view::may_view;
use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct Rows {
    #[schema(value_type = Vec<Object>)]
    pub rows: serde_json::Value,
}

fn rows(value: impl Serialize) -> Result<axum::Json<Rows>, ApiError> {
    Ok(axum::Json(Rows { rows: serde_json::to_value(value).map_err(ApiError::internal)? }))
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct DirectoryParams {
    role: Option<String>,
    active: Option<bool>,
    available_24x7: Option<bool>,
    department: Option<String>,
    supervisor: Option<uuid::Uuid>,
    min_position: Option<i64>,
}

/// The staff directory, with each member's open assignments, limit and utilisation (staff,
/// administrators and auditors).
#[utoipa::path(get, path = "/staff", tag = "staff", params(DirectoryParams), responses(
    (status = 200, body = Rows), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn directory(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<axum::Json<Rows>, ApiError> {
    let actor = &caller.actor;
    if !(actor.is_staff() || actor.administrator || actor.auditor) {
        return Err(ApiError::forbidden("the staff directory is for staff, administrators and auditors"));
    }
    let params = Params::parse(
        query.as_deref(),
        &["role", "active", "available_24x7", "department", "supervisor", "min_position"],
    )?;
    let filter = StaffFilter {
        role: params.one::<StaffRole>("role")?,
        active: params.one("active")?,
        available_24x7: params.one("available_24x7")?,
        department: params.text("department"),
        supervisor: params.one("supervisor")?,
    };
    let db = state.log.database();
    at_least(db, Projection::StaffDirectory, params.one("min_position")?).await?;
    rows(list_staff(db, &filter, state.log.rules().workload_limit).await.map_err(ApiError::from)?)
}

/// One staff member's workload: open, completed this month, average resolution time and rating.
#[utoipa::path(get, path = "/staff/{id}/workload", tag = "staff", params(("id" = uuid::Uuid, Path), Freshness), responses(
    (status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 503, body = ErrorBody)), security(("bearer" = [])))]
pub async fn workload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let params = Params::parse(query.as_deref(), &["min_position"])?;
    let id: AccountId = id.parse().map_err(|_| {
        ApiError::bad_request("invalid_staff_id", format!("'{id}' is not a staff member's id (a UUID)"))
    })?;
    if !(may_view(&caller.actor, id) || caller.actor.auditor) {
        return Err(ApiError::not_found(format!("no staff member {id}")));
    }
    // Workloads come from the staff directory, monthly figures from the request facts: right after
    // a command, both must have reached it.
    let position = params.one("min_position")?;
    at_least(state.log.database(), Projection::StaffDirectory, position).await?;
    at_least(state.log.database(), Projection::RequestFacts, position).await?;
    let found = staff_workload(state.log.database(), id, Utc::now(), state.log.rules().time_zone)
        .await
        .map_err(ApiError::from)?;
    let found = found.ok_or_else(|| ApiError::not_found(format!("no staff member {id}")))?;
    Ok(axum::Json(serde_json::to_value(found).map_err(ApiError::internal)?))
}

/// Staff who can be given the request, best first, each with the figures that rank them
/// (SPEC §2): for those who may assign.
#[utoipa::path(get, path = "/requests/{id}/suitable-staff", tag = "requests", params(("id" = String, Path)), responses(
    (status = 200, body = Rows), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub async fn suitable(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<Rows>, ApiError> {
    let db = state.log.database();
    let sent = id;
    let id = request_id(db, &sent).await?;
    let loaded = load_visible_request(&state.log, &caller.actor, id).await.map_err(|e| as_sent(e.into(), id, &sent))?;
    if !caller.actor.holds(Permission::Assign) {
        return Err(ApiError::forbidden("only staff holding the assign permission see who may be assigned"));
    }
    let request = loaded.state.filed().ok_or_else(|| ApiError::not_found(format!("no request {id}")))?;
    if !Action::Assign.applies_in(request.status()) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "nothing_to_assign",
            format!("the request is {}; there is nothing to assign", request.status()),
        )
        .with_details(serde_json::json!({ "status": request.status() })));
    }
    rows(suitable_staff(db, request.category.trade, state.log.rules().workload_limit).await.map_err(ApiError::from)?)
}

/// The request's comments and status changes in order (internal comments for staff only).
#[utoipa::path(get, path = "/requests/{id}/timeline", tag = "requests", params(("id" = String, Path), Freshness), responses(
    (status = 200, body = Rows), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn request_timeline(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<axum::Json<Rows>, ApiError> {
    let params = Params::parse(query.as_deref(), &["min_position"])?;
    let db = state.log.database();
    let sent = id;
    let id = request_id(db, &sent).await?;
    crate::http::audit::visible_request(&state, &caller.actor, id).await.map_err(|e| as_sent(e, id, &sent))?;
    at_least(db, Projection::Timeline, params.one("min_position")?).await?;
    let staff_view = caller.actor.is_staff() || caller.actor.auditor;
    rows(timeline(db, id, staff_view).await.map_err(ApiError::from)?)
}
