//! `/api/v1/residents`: registering residents (administrators and facility managers), and
//! residents keeping their own contact details and preferences up to date.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use khaki_commands::accounts::{NewAccount, Username};
use khaki_commands::residents::{self, ContactDetails};
use khaki_commands::{Executed, Origin};
use khaki_domain::request::may_manage_staff;
use khaki_domain::resident::{FlatNumber, Register, Resident, ResidentCommand, ResidentType};
use khaki_domain::{AccountId, NotificationPreferences};
use khaki_migrations::with_pool;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::input::{date, email, line, optional_line, password_hash, phone};
use crate::http::json::Json;
use crate::http::origin::{id_for, CommandOrigin};
use crate::http::staff::view::Preferences;
use crate::http::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(read))
        .routes(routes!(set_contact))
        .routes(routes!(set_notifications))
        .routes(routes!(set_committee))
        .routes(routes!(move_out))
}

#[derive(Serialize, ToSchema)]
pub struct ResidentView {
    pub id: Uuid,
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub alternate_phone: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub flat: String,
    pub block: String,
    /// owner, tenant or family.
    pub resident_type: String,
    pub committee: bool,
    pub move_in: NaiveDate,
    pub moved_out: Option<NaiveDate>,
    pub notifications: Preferences,
    pub version: u64,
}

#[derive(Serialize, ToSchema)]
pub struct ResidentAnswer {
    pub resident: ResidentView,
    pub version: u64,
    pub position: Option<i64>,
}

type Personal =
    (String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

async fn render(state: &AppState, resident: &Resident, id: AccountId, version: u64) -> Result<ResidentView, ApiError> {
    let record = resident.record().ok_or_else(|| ApiError::not_found(format!("no resident {id}")))?;
    let db = state.log.database();
    let personal: Personal = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT username, display_name, email, phone, alternate_phone, emergency_contact_name, emergency_contact_phone FROM accounts WHERE id = $1",
        )
        .bind(id.as_uuid())
        .fetch_one(pool)
        .await
    })
    .map_err(ApiError::from)?;
    Ok(ResidentView {
        id: id.as_uuid(),
        username: personal.0,
        display_name: personal.1,
        email: personal.2,
        phone: personal.3,
        alternate_phone: personal.4,
        emergency_contact_name: personal.5,
        emergency_contact_phone: personal.6,
        flat: record.flat.to_string(),
        block: record.flat.block().to_owned(),
        resident_type: record.resident_type.name().to_owned(),
        committee: record.committee,
        move_in: record.move_in,
        moved_out: record.moved_out,
        notifications: Preferences {
            email: record.notifications.email,
            sms: record.notifications.sms,
            urgent_only: record.notifications.urgent_only,
        },
        version,
    })
}

async fn answer(state: &AppState, executed: Executed<Resident>) -> Result<axum::Json<ResidentAnswer>, ApiError> {
    let id: AccountId = executed.id.parse().map_err(ApiError::internal)?;
    let resident = render(state, &executed.state, id, executed.version).await?;
    Ok(axum::Json(ResidentAnswer { resident, version: executed.version, position: executed.position }))
}

fn resident_id(id: &str) -> Result<AccountId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request("invalid_resident_id", format!("'{id}' is not a resident's id (a UUID)")))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    #[schema(min_length = 3, max_length = 40)]
    pub username: String,
    pub email: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
    /// Block, dash, number, e.g. A-101.
    #[schema(example = "A-101")]
    pub flat: String,
    /// owner, tenant or family.
    #[schema(example = "owner")]
    pub resident_type: String,
    #[serde(default)]
    pub committee: bool,
    /// `+` and 12 digits.
    pub phone: Option<String>,
    pub alternate_phone: Option<String>,
    #[schema(max_length = 100)]
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub move_in: NaiveDate,
    pub notifications: Option<crate::http::staff::PreferencesBody>,
}

fn resident_type(value: &str) -> Result<ResidentType, ApiError> {
    match value {
        "owner" => Ok(ResidentType::Owner),
        "tenant" => Ok(ResidentType::Tenant),
        "family" => Ok(ResidentType::Family),
        other => Err(ApiError::invalid(
            "resident_type",
            format!("unknown resident_type '{other}'; use owner, tenant or family"),
        )),
    }
}

/// Register a resident at their flat (with their sign-in account). A flat has at most one active
/// owner and one active tenant; an owner claims the flat's roster entry.
#[utoipa::path(post, path = "", tag = "residents", request_body = RegisterBody, responses(
    (status = 201, body = ResidentAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn register(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Json(body): Json<RegisterBody>,
) -> Result<(StatusCode, axum::Json<ResidentAnswer>), ApiError> {
    let id = AccountId::from_uuid(id_for(&origin, "resident"));
    let account = NewAccount {
        id,
        username: Username::parse(&body.username).map_err(|e| ApiError::invalid("username", e.to_string()))?,
        email: Some(email(&body.email)?),
        display_name: line("display_name", &body.display_name, 100)?.to_string(),
        phone: phone("phone", body.phone.as_deref())?,
        password_hash: Some(password_hash(&body.password).await?),
    };
    let register = Register {
        id,
        flat: FlatNumber::parse(&body.flat).map_err(|e| ApiError::invalid("flat", e.to_string()))?,
        resident_type: resident_type(&body.resident_type)?,
        committee: body.committee,
        move_in: date("move_in", body.move_in, origin.at.date_naive())?,
        notifications: body.notifications.map(Into::into).unwrap_or_default(),
    };
    let contact = ContactDetails {
        email: None,
        phone: None,
        alternate_phone: phone("alternate_phone", body.alternate_phone.as_deref())?,
        emergency_contact_name: optional_line("emergency_contact_name", body.emergency_contact_name.as_deref(), 100)?
            .map(|t| t.to_string()),
        emergency_contact_phone: phone("emergency_contact_phone", body.emergency_contact_phone.as_deref())?,
    };
    let executed = residents::register(&state.log, &origin, account, register, contact).await?;
    Ok((StatusCode::CREATED, answer(&state, executed).await?))
}

/// A resident's record (the resident themself, administrators and facility managers).
#[utoipa::path(get, path = "/{id}", tag = "residents", params(("id" = Uuid, Path)), responses(
    (status = 200, body = ResidentView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<ResidentView>, ApiError> {
    let id = resident_id(&id)?;
    if !(may_manage_staff(&caller.actor) || caller.actor.account == id) {
        return Err(ApiError::not_found(format!("no resident {id}")));
    }
    let loaded = state.log.load::<Resident>(&id.to_string()).await?;
    Ok(axum::Json(render(&state, &loaded.state, id, loaded.version).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub alternate_phone: Option<String>,
    #[schema(max_length = 100)]
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

/// Replace a resident's contact details (the resident themself, or staff management).
#[utoipa::path(put, path = "/{id}/contact", tag = "residents", params(("id" = Uuid, Path)), request_body = ContactBody, responses(ResidentResponses), security(("bearer" = [])))]
pub async fn set_contact(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<ContactBody>,
) -> Result<axum::Json<ResidentAnswer>, ApiError> {
    let id = resident_id(&id)?;
    let contact = ContactDetails {
        email: body.email.as_deref().map(email).transpose()?,
        phone: phone("phone", body.phone.as_deref())?,
        alternate_phone: phone("alternate_phone", body.alternate_phone.as_deref())?,
        emergency_contact_name: optional_line("emergency_contact_name", body.emergency_contact_name.as_deref(), 100)?
            .map(|t| t.to_string()),
        emergency_contact_phone: phone("emergency_contact_phone", body.emergency_contact_phone.as_deref())?,
    };
    answer(&state, residents::revise_contact(&state.log, &origin, id, contact).await?).await
}

async fn run(
    state: &AppState,
    origin: &Origin,
    id: &str,
    name: &'static str,
    command: ResidentCommand,
) -> Result<axum::Json<ResidentAnswer>, ApiError> {
    let id = resident_id(id)?;
    answer(state, residents::change(&state.log, origin, id, name, command).await?).await
}

/// Set a resident's notification preferences (the resident themself, or staff management).
#[utoipa::path(put, path = "/{id}/notifications", tag = "residents", params(("id" = Uuid, Path)), request_body = crate::http::staff::PreferencesBody, responses(ResidentResponses), security(("bearer" = [])))]
pub async fn set_notifications(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<crate::http::staff::PreferencesBody>,
) -> Result<axum::Json<ResidentAnswer>, ApiError> {
    let preferences: NotificationPreferences = body.into();
    run(&state, &origin, &id, "set_notifications", ResidentCommand::SetNotifications { preferences }).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteeBody {
    pub member: bool,
}

/// Give or take a committee seat (administrators and facility managers).
#[utoipa::path(post, path = "/{id}/committee", tag = "residents", params(("id" = Uuid, Path)), request_body = CommitteeBody, responses(ResidentResponses), security(("bearer" = [])))]
pub async fn set_committee(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<CommitteeBody>,
) -> Result<axum::Json<ResidentAnswer>, ApiError> {
    run(&state, &origin, &id, "set_committee", ResidentCommand::SetCommittee { member: body.member }).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveOutBody {
    pub on: NaiveDate,
}

/// Record that a resident moved out (their flat's owner or tenant place frees up).
#[utoipa::path(post, path = "/{id}/move-out", tag = "residents", params(("id" = Uuid, Path)), request_body = MoveOutBody, responses(ResidentResponses), security(("bearer" = [])))]
pub async fn move_out(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(id): Path<String>,
    Json(body): Json<MoveOutBody>,
) -> Result<axum::Json<ResidentAnswer>, ApiError> {
    let on = date("on", body.on, origin.at.date_naive())?;
    run(&state, &origin, &id, "move_out", ResidentCommand::MoveOut { on }).await
}

#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ResidentResponses {
    #[response(status = 200)]
    Done(ResidentAnswer),
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
