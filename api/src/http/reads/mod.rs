//! Reads from the read models: the request list, staff directory and workload, suitable staff,
//! timelines, dashboards and analytics. Each may be asked to be at least as fresh as a command's
//! answer (`min_position`).

mod dashboards;
mod freshness;
mod list;
mod people;
pub(crate) mod query;
mod recent;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::AppState;

pub use recent::RecentAnswers;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list::list))
        .routes(routes!(people::directory))
        .routes(routes!(people::workload))
        .routes(routes!(people::suitable))
        .routes(routes!(people::request_timeline))
        .routes(routes!(dashboards::facility_manager))
        .routes(routes!(dashboards::staff_member))
        .routes(routes!(dashboards::accountant))
        .routes(routes!(dashboards::resident))
        .routes(routes!(dashboards::analytics))
}
