//! Bulk staff management: one operation over a list of staff members, each reported on its own.

use axum::extract::{Path, State};
use khaki_commands::ledger::flag_diagnostics;
use khaki_commands::staff;
use khaki_commands::CommandError;
use khaki_domain::request::may_manage_staff;
use khaki_domain::staff::StaffCommand;
use khaki_domain::AccountId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json::Json;
use crate::http::origin::CommandOrigin;
use crate::http::AppState;

/// The most staff members one bulk call may name.
const MOST: usize = 500;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkBody {
    /// At most 500 staff ids.
    pub staff_ids: Vec<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkOutcome {
    pub staff_id: Uuid,
    /// changed, unchanged or refused.
    pub outcome: &'static str,
    pub version: Option<u64>,
    /// Requests returned for reassignment (deactivation).
    pub returned_requests: Vec<Uuid>,
    pub error: Option<ErrorDetailOut>,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetailOut {
    pub status: u16,
    pub code: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct BulkAnswer {
    pub operation: String,
    pub results: Vec<BulkOutcome>,
}

/// Activate, deactivate or reset the permissions of many staff members; the answer says per
/// member what happened.
#[utoipa::path(post, path = "/bulk/{operation}", tag = "staff",
    params(("operation" = String, Path, description = "activate, deactivate or reset-permissions")),
    request_body = BulkBody, responses((status = 200, body = BulkAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn bulk(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Path(operation): Path<String>,
    Json(body): Json<BulkBody>,
) -> Result<axum::Json<BulkAnswer>, ApiError> {
    if !matches!(operation.as_str(), "activate" | "deactivate" | "reset-permissions") {
        return Err(ApiError::not_found(format!(
            "no bulk operation '{operation}'; use activate, deactivate or reset-permissions"
        )));
    }
    if !may_manage_staff(&origin.actor) {
        return Err(ApiError::forbidden("only administrators and facility managers may manage staff"));
    }
    if body.staff_ids.len() > MOST {
        return Err(ApiError::invalid("staff_ids", format!("at most {MOST} staff ids per call")));
    }
    let mut results = Vec::with_capacity(body.staff_ids.len());
    for staff_id in body.staff_ids {
        let id = AccountId::from_uuid(staff_id);
        let outcome = match operation.as_str() {
            "deactivate" => {
                staff::deactivate(&state.log, &origin, id).await.map(|(e, returned)| (e.recorded, e.version, returned))
            }
            "activate" => staff::change(&state.log, &origin, id, "activate", StaffCommand::Activate)
                .await
                .map(|e| (e.recorded, e.version, vec![])),
            _ => staff::change(&state.log, &origin, id, "reset_permissions", StaffCommand::ResetPermissions)
                .await
                .map(|e| (e.recorded, e.version, vec![])),
        };
        results.push(report(staff_id, outcome));
    }
    Ok(axum::Json(BulkAnswer { operation, results }))
}

fn report(staff_id: Uuid, outcome: Result<(usize, u64, Vec<khaki_domain::RequestId>), CommandError>) -> BulkOutcome {
    match outcome {
        Ok((recorded, version, returned)) => BulkOutcome {
            staff_id,
            outcome: if recorded > 0 { "changed" } else { "unchanged" },
            version: Some(version),
            returned_requests: returned.into_iter().map(|r| r.as_uuid()).collect(),
            error: None,
        },
        Err(error) => {
            let error = ApiError::from(error);
            if let Some(cause) = &error.internal {
                tracing::error!(%cause, %staff_id, "bulk staff operation failed for one member");
            }
            BulkOutcome {
                staff_id,
                outcome: "refused",
                version: None,
                returned_requests: vec![],
                error: Some(ErrorDetailOut {
                    status: error.status.as_u16(),
                    code: error.code.to_owned(),
                    message: error.message,
                }),
            }
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Diagnosis {
    pub staff_id: Uuid,
    pub employee_id: String,
    pub role: String,
    pub granted_beyond_role: Vec<String>,
    pub missing_from_role: Vec<String>,
}

/// Every staff member whose permission flags differ from their role's defaults.
#[utoipa::path(get, path = "/diagnostics", tag = "staff", responses((status = 200, body = Vec<Diagnosis>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn diagnostics(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<Diagnosis>>, ApiError> {
    if !may_manage_staff(&caller.actor) {
        return Err(ApiError::forbidden("only administrators and facility managers may see staff diagnostics"));
    }
    let names = |flags: &[khaki_domain::Permission]| flags.iter().map(|p| p.name().to_owned()).collect();
    Ok(axum::Json(
        flag_diagnostics(state.log.database())
            .await?
            .into_iter()
            .map(|d| Diagnosis {
                staff_id: d.staff.as_uuid(),
                employee_id: d.employee_id,
                role: d.role.to_string(),
                granted_beyond_role: names(&d.granted_beyond_role),
                missing_from_role: names(&d.missing_from_role),
            })
            .collect(),
    ))
}
