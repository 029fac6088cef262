//! The OpenAPI 3.1 description, generated from the handlers' annotations and served by the
//! service itself, with a browsable page that needs no internet (Swagger UI is embedded).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::error::ErrorBody;
use crate::http::requests::view::RequestView;
use crate::http::requests::CommandAnswer;
use crate::http::residents::{ResidentAnswer, ResidentView};
use crate::http::staff::view::StaffView;
use crate::http::staff::StaffAnswer;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Khaki Estate API",
        version = "1",
        description = "Maintenance requests, staff and residents of a housing estate. Errors are always \
            {\"error\": {\"code\", \"message\", \"details\"}}. Writes accept Idempotency-Key; commands answer the \
            aggregate's new version, which If-Match sends back to act only on that version."
    ),
    modifiers(&BearerToken),
    components(schemas(ErrorBody, CommandAnswer, RequestView, StaffAnswer, StaffView, ResidentAnswer, ResidentView)),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "requests", description = "Maintenance requests and every action on them"),
        (name = "staff", description = "Staff management"),
        (name = "residents", description = "Residents and the owners' roster"),
        (name = "audit", description = "Histories, past states, the log and its verification"),
        (name = "dashboards", description = "Dashboards and analytics from the read models"),
        (name = "service", description = "Health of the service"),
    )
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
