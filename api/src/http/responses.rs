//! The answers documented for every kind of endpoint, so each handler's OpenAPI entry lists the
//! same set of errors the one error mapping can produce.

use utoipa::IntoResponses;

use crate::http::error::ErrorBody;
use crate::http::requests::view::RequestView;

/// Why a command on a request (or a submission) was refused; each command's entry adds its
/// success answer beside these.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum RequestRefusals {
    /// Malformed input (bad JSON, wrong type, unknown or missing field, value out of range).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// Not signed in.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// Visible to the caller but not theirs to act on; the missing permission is named.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such request, or not one the caller may see.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// Refused by the request's current state (e.g. a transition the state machine does not have).
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The request changed since the version sent in If-Match.
    #[response(status = 412)]
    PreconditionFailed(ErrorBody),
    /// Body larger than 64 KiB.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// Body not sent as application/json.
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
    /// A rule refuses it (workload limit, priority above the category's maximum), or an
    /// Idempotency-Key reused with another body.
    #[response(status = 422)]
    Unprocessable(ErrorBody),
}

/// Answers of a read.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum ReadResponses {
    #[response(status = 200)]
    Found(RequestView),
    #[response(status = 400)]
    BadRequest(ErrorBody),
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    #[response(status = 404)]
    NotFound(ErrorBody),
}
