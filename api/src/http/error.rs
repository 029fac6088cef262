//! The one place errors become HTTP: every failure is a status and
//! `{"error": {"code", "message", "details"}}` with a stable machine-readable code.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use khaki_commands::{CommandError, Refusal};
use khaki_domain::request::{RefusalKind, RequestRefusal};
use khaki_projections::audit::history::HistoryError;
use khaki_projections::audit::SealError;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
    /// Seconds to wait before trying again (429, 503).
    pub retry_after: Option<i64>,
    /// What went wrong on our side, for the log only (never sent).
    pub internal: Option<String>,
}

/// The error body, as documented in the OpenAPI description.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `workload_limit_reached`.
    pub code: String,
    /// Written for the person who sent the request.
    pub message: String,
    #[schema(value_type = Object)]
    pub details: Value,
}

/// A 5xx's cause, handed to the logging middleware (which logs every error once).
#[derive(Clone, Debug)]
pub struct LoggedCause(pub String);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), details: json!({}), retry_after: None, internal: None }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A field's value is not acceptable (too long, out of range, unknown name).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::bad_request("invalid_input", message).with_details(json!({ "field": field }))
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in first: send 'Authorization: Bearer <token>' from POST /api/v1/session",
        )
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "not_allowed", message)
    }

    pub fn internal(cause: impl ToString) -> Self {
        let mut error = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        );
        error.internal = Some(cause.to_string());
        error
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::Refused(refusal) => refused(refusal),
            CommandError::Conflict { .. } => Self::new(StatusCode::CONFLICT, "conflict", error.to_string()),
            CommandError::VersionMismatch { expected, current, .. } => {
                Self::new(StatusCode::PRECONDITION_FAILED, "version_mismatch", error.to_string())
                    .with_details(json!({ "expected": expected, "current": current }))
            }
            CommandError::NotFound(message) => Self::not_found(message),
            CommandError::Duplicate { field, message } => {
                Self::new(StatusCode::CONFLICT, "duplicate", message).with_details(json!({ "field": field }))
            }
            CommandError::Invalid { field, message } => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message).with_details(json!({ "field": field }))
            }
            CommandError::Store(cause) => cause.into(),
            CommandError::Log(cause) => Self::internal(cause),
        }
    }
}

/// A database that cannot be reached now is 503 with a retry hint, on every endpoint; any other
/// store failure is ours (500).
impl From<sqlx::Error> for ApiError {
    fn from(cause: sqlx::Error) -> Self {
        if !khaki_migrations::unavailable(&cause) {
            return Self::internal(cause);
        }
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the database is not answering; try again shortly",
        );
        error.retry_after = Some(2);
        error.internal = Some(cause.to_string());
        error
    }
}

/// Reading history or the audit log: the store's failure as above; a stored event that does not
/// read is ours.
impl From<HistoryError> for ApiError {
    fn from(error: HistoryError) -> Self {
        match error {
            HistoryError::Store(cause) => cause.into(),
            other => Self::internal(other),
        }
    }
}

impl From<SealError> for ApiError {
    fn from(error: SealError) -> Self {
        match error {
            SealError::Store(cause) => cause.into(),
            other => Self::internal(other),
        }
    }
}

fn refused(refusal: Refusal) -> ApiError {
    let status = match refusal.kind() {
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::NotAllowed => StatusCode::FORBIDDEN,
        RefusalKind::Conflict => StatusCode::CONFLICT,
        RefusalKind::RuleBroken => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let details = match &refusal {
        Refusal::Request(RequestRefusal::RefusedTransition { action, status, allowed }) => {
            json!({ "action": action, "status": status, "may_move_to": allowed })
        }
        Refusal::Request(RequestRefusal::NotAllowed(not_allowed)) => {
            json!({ "action": not_allowed.action, "requirement": not_allowed.requirement, "missing_permission": not_allowed.requirement.permission() })
        }
        Refusal::Request(RequestRefusal::NotAssignable { staff, reason }) => {
            json!({ "staff_id": staff, "reason": reason.to_string() })
        }
        Refusal::Request(RequestRefusal::PriorityAboveCategoryMaximum { requested, maximum, category }) => {
            json!({ "requested": requested, "maximum": maximum, "category": category })
        }
        _ => json!({}),
    };
    ApiError::new(status, refusal.code(), refusal.to_string()).with_details(details)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail { code: self.code.to_owned(), message: self.message, details: self.details },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if let Some(cause) = self.internal {
            response.extensions_mut().insert(LoggedCause(cause));
        }
        response
    }
}
