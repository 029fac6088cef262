//! Staff management over HTTP: onboarding and one endpoint per staff command.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use khaki_commands::accounts::{NewAccount, Username};
use khaki_commands::staff::{self, NewStaff};
use khaki_commands::Executed;
use khaki_domain::staff::{EmployeeId, EmploymentStatus, StaffCommand, StaffMember};
use khaki_domain::{AccountId, NotificationPreferences, Permission, StaffRole};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::input::{date, email, line, one_of, optional_text, password_hash, phone};
use crate::http::json::{Json, NoBody, OptionalJson};
use crate::http::origin::{id_for, CommandOrigin};
use crate::http::query::Query;
use crate::http::staff::view::{may_view, record_of, render, StaffView};
use crate::http::AppState;

pub const ROLES: [&str; 8] = [
    "facility_manager",
    "maintenance_supervisor",
    "accountant",
    "security_head",
    "electrician",
    "plumber",
    "cleaner",
    "gardener",
];
pub const PERMISSIONS: [&str; 5] = ["access_all_requests", "assign", "close", "manage_finances", "send_announcements"];
const EMPLOYMENT: [&str; 4] = ["full_time", "part_time", "contract", "consultant"];

#[derive(Serialize, ToSchema)]
pub struct StaffAnswer {
    pub staff: StaffView,
    pub version: u64,
    pub position: Option<i64>,
}

pub async fn answer(state: &AppState, executed: Executed<StaffMember>) -> Result<axum::Json<StaffAnswer>, ApiError> {
    let id: AccountId = executed.id.parse().map_err(ApiError::internal)?;
    let record = record_of(&executed.state, id)?;
    let staff = render(state.log.database(), record, executed.version).await?;
    Ok(axum::Json(StaffAnswer { staff, version: executed.version, position: executed.position }))
}

fn staff_id(id: &str) -> Result<AccountId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request("invalid_staff_id", format!("'{id}' is not a staff member's id (a UUID)")))
}

fn employment(value: &str) -> Result<EmploymentStatus, ApiError> {
    match value {
        "full_time" => Ok(EmploymentStatus::FullTime),
        "part_time" => Ok(EmploymentStatus::PartTime),
        "contract" => Ok(EmploymentStatus::Contract),
        "consultant" => Ok(EmploymentStatus::Consultant),
        other => Err(ApiError::invalid(
            "employment_status",
            format!("unknown employment_status '{other}'; use one of: {}", EMPLOYMENT.join(", ")),
        )),
    }
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct PreferencesBody {
    pub email: bool,
    pub sms: bool,
    pub urgent_only: bool,
}

impl From<PreferencesBody> for NotificationPreferences {
    fn from(p: PreferencesBody) -> Self {
        Self { email: p.email, sms: p.sms, urgent_only: p.urgent_only }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnboardBody {
    #[schema(min_length = 3, max_length = 40)]
    pub username: String,
    pub email: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    /// `+` and 12 digits.
    pub phone: Option<String>,
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
    #[schema(min_length = 1, max_length = 20)]
    pub employee_id: String,
    #[schema(example = "plumber")]
    pub role: String,
    #[schema(min_length = 1, max_length = 100)]
    pub department: String,
    #[schema(example = "full_time")]
    pub employment_status: String,
    pub hire_date: NaiveDate,
    pub supervisor_id: Option<Uuid>,
    #[schema(max_length = 500)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub available_24x7: bool,
    /// Defaults to the role's notification defaults.
    pub notifications: Option<PreferencesBody>,
}

/// Onboard a staff member (with their sign-in account); they get their role's default flags.
#[utoipa::path(post, path = "", tag = "staff", request_body = OnboardBody, responses(
    (status = 201, body = StaffAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn onboard(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Json(body): Json<OnboardBody>,
) -> Result<(StatusCode, axum::Json<StaffAnswer>), ApiError> {
    let new = NewStaff {
        account: NewAccount {
            id: AccountId::from_uuid(id_for(&origin, "staff")),
            username: Username::parse(&body.username).map_err(|e| ApiError::invalid("username", e.to_string()))?,
            email: Some(email(&body.email)?),
            display_name: line("display_name", &body.display_name, 100)?.to_string(),
            phone: phone("phone", body.phone.as_deref())?,
            password_hash: Some(password_hash(&body.password).await?),
        },
        employee_id: EmployeeId::parse(&body.employee_id)
            .map_err(|e| ApiError::invalid("employee_id", e.to_string()))?,
        role: one_of("role", &body.role, &ROLES)?,
        department: line("department", &body.department, 100)?,
        employment: employment(&body.employment_status)?,
        hire_date: date("hire_date", body.hire_date, origin.at.date_naive())?,
        supervisor: body.supervisor_id.map(AccountId::from_uuid),
        schedule: optional_text("schedule", body.schedule.as_deref(), 500)?,
        available_24x7: body.available_24x7,
        notifications: body.notifications.map(Into::into),
    };
    let executed = staff::onboard(&state.log, &origin, new).await?;
    Ok((StatusCode::CREATED, answer(&state, executed).await?))
}

/// A staff member's record (staff management, the member themself, auditors); `as_of` gives it as
/// it was at a past moment, folded from the log.
#[utoipa::path(get, path = "/{id}", tag = "staff", params(("id" = Uuid, Path), crate::http::requests::ReadParams), responses(
    (status = 200, body = StaffView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<crate::http::requests::ReadParams>,
) -> Result<axum::Json<StaffView>, ApiError> {
    let id = staff_id(&id)?;
    if !(may_view(&caller.actor, id) || caller.actor.auditor) {
        return Err(ApiError::not_found(format!("no staff member {id}")));
    }
    let db = state.log.database();
    let (member, version) = match params.as_of.as_deref() {
        Some(moment) => khaki_projections::audit::history::as_of::<StaffMember>(
            db,
            &id.to_string(),
            crate::http::audit::parse_as_of(moment)?,
        )
        .await
        .map_err(ApiError::from)?,
        None => {
            let loaded = state.log.load::<StaffMember>(&id.to_string()).await?;
            (loaded.state, loaded.version)
        }
    };
    Ok(axum::Json(render(db, record_of(&member, id)?, version).await?))
}

/// Runs one staff command on the member in the path.
async fn run(
    state: &AppState,
    origin: &khaki_commands::Origin,
    id: &str,
    name: &'static str,
    command: StaffCommand,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    let id = staff_id(id)?;
    let executed = staff::change(&state.log, origin, id, name, command).await?;
    answer(state, executed).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    #[schema(example = "maintenance_supervisor")]
    pub role: String,
    /// Also reset the flags to the new role's defaults (otherwise they stay as they are).
    #[serde(default)]
    pub reset_permissions: bool,
}

/// Change a staff member's role.
#[utoipa::path(post, path = "/{id}/role", tag = "staff", params(("id" = Uuid, Path)), request_body = RoleBody, responses(StaffResponses), security(("bearer" = [])))]
pub async fn change_role(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<RoleBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    let role: StaffRole = one_of("role", &body.role, &ROLES)?;
    run(
        &state,
        &origin,
        &id,
        "change_role",
        StaffCommand::ChangeRole { role, reset_permissions: body.reset_permissions },
    )
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionBody {
    #[schema(example = "assign")]
    pub permission: String,
    /// true grants the flag, false revokes it.
    pub granted: bool,
}

/// Grant or revoke one permission flag.
#[utoipa::path(post, path = "/{id}/permissions", tag = "staff", params(("id" = Uuid, Path)), request_body = PermissionBody, responses(StaffResponses), security(("bearer" = [])))]
pub async fn set_permission(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<PermissionBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    let permission: Permission = one_of("permission", &body.permission, &PERMISSIONS)?;
    let (name, command) = if body.granted {
        ("grant", StaffCommand::Grant { permission })
    } else {
        ("revoke", StaffCommand::Revoke { permission })
    };
    run(&state, &origin, &id, name, command).await
}

/// Reset the flags to the role's defaults.
#[utoipa::path(post, path = "/{id}/reset-permissions", tag = "staff", params(("id" = Uuid, Path)), responses(StaffResponses), security(("bearer" = [])))]
pub async fn reset_permissions(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    _: OptionalJson<NoBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    run(&state, &origin, &id, "reset_permissions", StaffCommand::ResetPermissions).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisorBody {
    /// Another active staff member, or null to remove the supervisor.
    pub supervisor_id: Option<Uuid>,
}

/// Set or remove a staff member's supervisor (never forming a cycle).
#[utoipa::path(post, path = "/{id}/supervisor", tag = "staff", params(("id" = Uuid, Path)), request_body = SupervisorBody, responses(StaffResponses), security(("bearer" = [])))]
pub async fn set_supervisor(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<SupervisorBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    let id = staff_id(&id)?;
    let executed = staff::set_supervisor(&state.log, &origin, id, body.supervisor_id.map(AccountId::from_uuid)).await?;
    answer(&state, executed).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentBody {
    #[schema(min_length = 1, max_length = 100)]
    pub department: String,
}

/// Move a staff member to another department.
#[utoipa::path(post, path = "/{id}/department", tag = "staff", params(("id" = Uuid, Path)), request_body = DepartmentBody, responses(StaffResponses), security(("bearer" = [])))]
pub async fn set_department(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<DepartmentBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    let department = line("department", &body.department, 100)?;
    run(&state, &origin, &id, "revise_profile", StaffCommand::ReviseProfile { department }).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmploymentBody {
    #[schema(example = "contract")]
    pub employment_status: String,
}

/// Change a staff member's employment status.
#[utoipa::path(post, path = "/{id}/employment", tag = "staff", params(("id" = Uuid, Path)), request_body = EmploymentBody, responses(StaffResponses), security(("bearer" = [])))]
pub async fn set_employment(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<EmploymentBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    let status = employment(&body.employment_status)?;
    run(&state, &origin, &id, "set_employment", StaffCommand::SetEmployment { status }).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityBody {
    pub available_24x7: bool,
    #[schema(max_length = 500)]
    pub schedule: Option<String>,
}

/// Set availability (24×7, work schedule); staff may set their own.
#[utoipa::path(put, path = "/{id}/availability", tag = "staff", params(("id" = Uuid, Path)), request_body = AvailabilityBody, responses(StaffResponses), security(("bearer" = [])))]
pub async fn set_availability(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<AvailabilityBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    let schedule = optional_text("schedule", body.schedule.as_deref(), 500)?;
    run(
        &state,
        &origin,
        &id,
        "set_availability",
        StaffCommand::SetAvailability { available_24x7: body.available_24x7, schedule },
    )
    .await
}

/// Set notification preferences; staff may set their own.
#[utoipa::path(put, path = "/{id}/notifications", tag = "staff", params(("id" = Uuid, Path)), request_body = PreferencesBody, responses(StaffResponses), security(("bearer" = [])))]
pub async fn set_notifications(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<PreferencesBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    run(&state, &origin, &id, "set_notifications", StaffCommand::SetNotifications { preferences: body.into() }).await
}

/// Activate a staff member.
#[utoipa::path(post, path = "/{id}/activate", tag = "staff", params(("id" = Uuid, Path)), responses(StaffResponses), security(("bearer" = [])))]
pub async fn activate(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    _: OptionalJson<NoBody>,
) -> Result<axum::Json<StaffAnswer>, ApiError> {
    run(&state, &origin, &id, "activate", StaffCommand::Activate).await
}

#[derive(Serialize, ToSchema)]
pub struct DeactivationAnswer {
    pub staff: StaffView,
    pub version: u64,
    pub position: Option<i64>,
    /// Requests they held open, now back in `acknowledged` for reassignment.
    pub returned_requests: Vec<Uuid>,
}

/// Deactivate a staff member; requests they hold open go back to `acknowledged`.
#[utoipa::path(post, path = "/{id}/deactivate", tag = "staff", params(("id" = Uuid, Path)), responses(
    (status = 200, body = DeactivationAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn deactivate(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    _: OptionalJson<NoBody>,
) -> Result<axum::Json<DeactivationAnswer>, ApiError> {
    let id = staff_id(&id)?;
    let (executed, returned) = staff::deactivate(&state.log, &origin, id).await?;
    let axum::Json(answer) = answer(&state, executed).await?;
    Ok(axum::Json(DeactivationAnswer {
        staff: answer.staff,
        version: answer.version,
        position: answer.position,
        returned_requests: returned.into_iter().map(|r| r.as_uuid()).collect(),
    }))
}

/// Answers of a staff command.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum StaffResponses {
    #[response(status = 200)]
    Done(StaffAnswer),
    #[response(status = 400)]
    BadRequest(ErrorBody),
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    #[response(status = 403)]
    Forbidden(ErrorBody),
    #[response(status = 404)]
    NotFound(ErrorBody),
    #[response(status = 409)]
    Conflict(ErrorBody),
    #[response(status = 412)]
    PreconditionFailed(ErrorBody),
    #[response(status = 413)]
    TooLarge(ErrorBody),
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
    #[response(status = 422)]
    Unprocessable(ErrorBody),
}
