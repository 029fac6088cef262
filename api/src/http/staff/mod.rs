//! `/api/v1/staff`: onboarding and managing staff, singly and in bulk, and diagnostics.

mod bulk;
mod manage;
pub mod view;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::AppState;

pub use manage::{PreferencesBody, StaffAnswer, PERMISSIONS, ROLES};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(manage::onboard))
        .routes(routes!(bulk::diagnostics))
        .routes(routes!(bulk::bulk))
        .routes(routes!(manage::read))
        .routes(routes!(manage::change_role))
        .routes(routes!(manage::set_permission))
        .routes(routes!(manage::reset_permissions))
        .routes(routes!(manage::set_supervisor))
        .routes(routes!(manage::set_department))
        .routes(routes!(manage::set_employment))
        .routes(routes!(manage::set_availability))
        .routes(routes!(manage::set_notifications))
        .routes(routes!(manage::activate))
        .routes(routes!(manage::deactivate))
}
