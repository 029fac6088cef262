//! `/api/v1/requests`: submitting, reading, and one POST per action of SPEC §2's table.

mod actions;
mod submit;

pub use submit::ReadParams;
pub mod view;

use khaki_commands::Executed;
use khaki_domain::request::MaintenanceRequest;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::requests::view::{render, RequestView};
use crate::http::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit::submit))
        .routes(routes!(submit::read, actions::revise))
        .routes(routes!(actions::acknowledge))
        .routes(routes!(actions::assign))
        .routes(routes!(actions::unassign))
        .routes(routes!(actions::start))
        .routes(routes!(actions::hand_back))
        .routes(routes!(actions::resolve))
        .routes(routes!(actions::close))
        .routes(routes!(actions::reopen))
        .routes(routes!(actions::cancel))
        .routes(routes!(actions::rate))
        .routes(routes!(actions::comment))
}

/// What every command on a request answers.
#[derive(Serialize, ToSchema)]
pub struct CommandAnswer {
    pub request: RequestView,
    /// The request's version after the command.
    pub version: u64,
    /// The global log position the command reached (absent if it changed nothing); ask a read
    /// model to be at least this fresh to read your own write.
    pub position: Option<i64>,
}

pub async fn answer(
    state: &AppState,
    viewer: &khaki_domain::Actor,
    executed: Executed<MaintenanceRequest>,
) -> Result<CommandAnswer, ApiError> {
    let request = executed.state.filed().ok_or_else(|| ApiError::internal("a command left a request unsubmitted"))?;
    Ok(CommandAnswer {
        request: render(state.log.database(), viewer, request, executed.version).await?,
        version: executed.version,
        position: executed.position,
    })
}
