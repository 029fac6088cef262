//! `GET /api/v1/requests`: the request list from its read model, as the caller may see it
//! (SPEC §2), with filters, search, ordering, keyset pages and a total.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use khaki_commands::reports_for;
use khaki_domain::request::reads_costed_requests;
use khaki_domain::{can_take_trade, Actor, Permission, Priority, Standing, Trade};
use khaki_projections::request_list::{
    list_requests, Order, OrderBy, Page, RequestFilter, RequestPage, Scope, TimeRange,
};
use khaki_projections::Projection;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::reads::freshness::at_least;
use crate::http::reads::query::Params;
use crate::http::reads::recent::Question;
use crate::http::AppState;

/// The list's query parameters (documentation; `status` may repeat or be comma-separated).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// submitted, acknowledged, assigned, in_progress, resolved, closed, cancelled (several).
    status: Option<String>,
    /// 1 to 4.
    priority: Option<u8>,
    category: Option<String>,
    trade: Option<String>,
    assignee: Option<uuid::Uuid>,
    unassigned: Option<bool>,
    submitter: Option<uuid::Uuid>,
    block: Option<String>,
    flat: Option<String>,
    overdue: Option<bool>,
    escalated: Option<bool>,
    submitted_from: Option<DateTime<Utc>>,
    submitted_to: Option<DateTime<Utc>>,
    due_from: Option<DateTime<Utc>>,
    due_to: Option<DateTime<Utc>>,
    resolved_from: Option<DateTime<Utc>>,
    resolved_to: Option<DateTime<Utc>>,
    /// Words that must all appear in the ticket, title, description or location.
    search: Option<String>,
    /// submitted (default), updated, priority or due.
    order: Option<String>,
    /// desc (default) or asc.
    direction: Option<String>,
    /// 1 to 200 (default 50).
    limit: Option<u32>,
    /// The `next` cursor of the previous page.
    after: Option<String>,
    /// Wait until the list has caught up with this log position (from a command's answer).
    min_position: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ListAnswer {
    #[schema(value_type = Vec<Object>)]
    pub requests: serde_json::Value,
    /// Pass as `after` for the next page.
    pub next: Option<String>,
    #[schema(value_type = Object)]
    pub total: serde_json::Value,
}

/// SPEC §2 "who sees what" as a read-model scope.
pub async fn scope_of(state: &AppState, actor: &Actor) -> Result<Scope, ApiError> {
    if actor.auditor || actor.is_system() || actor.holds(Permission::AccessAllRequests) {
        return Ok(Scope::Everything);
    }
    Ok(match &actor.standing {
        Standing::Resident { .. } => Scope::Submitter(actor.account),
        Standing::Staff(staff) if staff.employed => Scope::Staff {
            me: actor.account,
            reports: reports_for(state.log.database(), actor).await?.into_iter().collect(),
            trades: Trade::ALL.into_iter().filter(|t| can_take_trade(staff.role, &staff.permissions, *t)).collect(),
            costed: reads_costed_requests(&staff.permissions),
        },
        _ => Scope::Nothing,
    })
}

const KNOWN: [&str; 23] = [
    "status",
    "priority",
    "category",
    "trade",
    "assignee",
    "unassigned",
    "submitter",
    "block",
    "flat",
    "overdue",
    "escalated",
    "submitted_from",
    "submitted_to",
    "due_from",
    "due_to",
    "resolved_from",
    "resolved_to",
    "search",
    "order",
    "direction",
    "limit",
    "after",
    "min_position",
];

/// List requests: filters, full-text search, ordering, keyset pagination and a total.
#[utoipa::path(get, path = "/requests", tag = "requests", params(ListParams), responses(
    (status = 200, body = ListAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref(), &KNOWN)?;
    let range = |from: &'static str, to: &'static str| -> Result<TimeRange, ApiError> {
        Ok(TimeRange { from: params.time(from)?, to: params.time(to)? })
    };
    let filter = RequestFilter {
        statuses: params.list("status")?,
        priority: params
            .one("priority")?
            .map(|p: i64| Priority::from_level(p).map_err(|e| ApiError::invalid("priority", e.to_string())))
            .transpose()?,
        category: params.text("category"),
        trade: params.one::<Trade>("trade")?,
        assignee: params.one("assignee")?,
        unassigned: params.flag("unassigned")?,
        submitter: params.one("submitter")?,
        block: params.text("block"),
        flat: params.text("flat"),
        overdue: params.flag("overdue")?,
        escalated: params.flag("escalated")?,
        submitted: range("submitted_from", "submitted_to")?,
        due: range("due_from", "due_to")?,
        resolved: range("resolved_from", "resolved_to")?,
        search: params.text("search"),
    };
    let by = match params.text("order").as_deref() {
        None | Some("submitted") => OrderBy::Submitted,
        Some("updated") => OrderBy::Updated,
        Some("priority") => OrderBy::Priority,
        Some("due") => OrderBy::Due,
        Some(other) => {
            return Err(ApiError::invalid(
                "order",
                format!("unknown order '{other}'; use submitted, updated, priority or due"),
            ))
        }
    };
    let descending = match params.text("direction").as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(other) => {
            return Err(ApiError::invalid("direction", format!("unknown direction '{other}'; use asc or desc")))
        }
    };
    let page =
        Page { order: Order { by, descending }, size: params.one("limit")?.unwrap_or(50), after: params.text("after") };
    let db = state.log.database();
    at_least(db, Projection::RequestList, params.one("min_position")?).await?;
    let scope = scope_of(&state, &caller.actor).await?;
    let question = Question::new("requests", format!("{scope:?}"), query.as_deref());
    let listed = async {
        let RequestPage { requests, next, total } = list_requests(db, &filter, &scope, &page, Utc::now()).await?;
        Ok(ListAnswer {
            requests: serde_json::to_value(requests).map_err(ApiError::internal)?,
            next,
            total: serde_json::to_value(total).map_err(ApiError::internal)?,
        })
    };
    state.answers.answer(db, question, listed).await
}
