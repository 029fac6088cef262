//! The dashboards of SPEC §4, each one call: facility manager, staff member, accountant,
//! resident. And analytics for a period: every metric SPEC §4 defines (docs/analytics.md).

use axum::extract::{RawQuery, State};
use axum::response::Response;
use chrono::{Duration, Utc};
use khaki_domain::{AccountId, Permission, Standing, Trade};
use khaki_projections::dashboards::{
    accountant_dashboard, facility_manager_dashboard, resident_dashboard, staff_member_dashboard,
};
use khaki_projections::request_facts::{analytics as compute, AnalyticsQuery};
use khaki_projections::Projection;
use utoipa::IntoParams;

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::reads::freshness::{at_least, Freshness};
use crate::http::reads::query::Params;
use crate::http::reads::recent::Question;
use crate::http::AppState;

type Answer = Result<Response, ApiError>;

/// Whoever runs the estate: staff who see every request or assign work, administrators, auditors.
fn runs_the_estate(caller: &Caller) -> bool {
    let actor = &caller.actor;
    actor.holds(Permission::AccessAllRequests)
        || actor.holds(Permission::Assign)
        || actor.administrator
        || actor.auditor
}

async fn fresh(state: &AppState, projection: Projection, query: Option<&str>) -> Result<(), ApiError> {
    let params = Params::parse(query, &["min_position"])?;
    at_least(state.log.database(), projection, params.one("min_position")?).await
}

/// Open requests by status, pending assignment, overdue, team performance and monthly trends.
#[utoipa::path(get, path = "/dashboards/facility-manager", tag = "dashboards", params(Freshness), responses(
    (status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 503, body = ErrorBody)), security(("bearer" = [])))]
pub async fn facility_manager(State(state): State<AppState>, caller: Caller, RawQuery(query): RawQuery) -> Answer {
    if !runs_the_estate(&caller) {
        return Err(ApiError::forbidden("the facility manager's dashboard is for those who run the estate"));
    }
    fresh(&state, Projection::RequestFacts, query.as_deref()).await?;
    let (db, rules) = (state.log.database(), state.log.rules());
    let question = Question::new("facility-manager", "", query.as_deref());
    state
        .answers
        .answer(db, question, async {
            facility_manager_dashboard(db, Utc::now(), rules.time_zone, rules.workload_limit)
                .await
                .map_err(ApiError::from)
        })
        .await
}

/// The caller's own requests, workload and figures (staff).
#[utoipa::path(get, path = "/dashboards/staff", tag = "dashboards", params(Freshness), responses(
    (status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 503, body = ErrorBody)), security(("bearer" = [])))]
pub async fn staff_member(State(state): State<AppState>, caller: Caller, RawQuery(query): RawQuery) -> Answer {
    if !caller.actor.is_staff() {
        return Err(ApiError::forbidden("the staff dashboard is for staff"));
    }
    fresh(&state, Projection::StaffDirectory, query.as_deref()).await?;
    let (db, rules, me) = (state.log.database(), state.log.rules(), caller.actor.account);
    let question = Question::new("staff", me.to_string(), query.as_deref());
    state
        .answers
        .answer(db, question, async {
            staff_member_dashboard(db, me, Utc::now(), rules.time_zone, rules.workload_limit, 25)
                .await?
                .ok_or_else(|| ApiError::not_found("no staff record for the caller"))
        })
        .await
}

/// Monthly cost by category, and requests whose actual cost exceeds the estimate by more than
/// 20 %.
#[utoipa::path(get, path = "/dashboards/accountant", tag = "dashboards", params(Freshness), responses(
    (status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 503, body = ErrorBody)), security(("bearer" = [])))]
pub async fn accountant(State(state): State<AppState>, caller: Caller, RawQuery(query): RawQuery) -> Answer {
    let actor = &caller.actor;
    if !(actor.holds(Permission::ManageFinances)
        || actor.administrator
        || actor.auditor
        || actor.holds(Permission::AccessAllRequests))
    {
        return Err(ApiError::forbidden("the accountant's dashboard is for staff who manage finances"));
    }
    fresh(&state, Projection::RequestFacts, query.as_deref()).await?;
    let db = state.log.database();
    let question = Question::new("accountant", "", query.as_deref());
    state
        .answers
        .answer(db, question, async {
            accountant_dashboard(db, Utc::now(), state.log.rules().time_zone, 12, 20, 50).await.map_err(ApiError::from)
        })
        .await
}

/// The caller's requests and their progress (residents).
#[utoipa::path(get, path = "/dashboards/resident", tag = "dashboards", params(Freshness), responses(
    (status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 503, body = ErrorBody)), security(("bearer" = [])))]
pub async fn resident(State(state): State<AppState>, caller: Caller, RawQuery(query): RawQuery) -> Answer {
    if !matches!(caller.actor.standing, Standing::Resident { .. }) {
        return Err(ApiError::forbidden("the resident's dashboard is for residents"));
    }
    fresh(&state, Projection::RequestList, query.as_deref()).await?;
    let (db, me) = (state.log.database(), caller.actor.account);
    let question = Question::new("resident", me.to_string(), query.as_deref());
    state.answers.answer(db, question, async { Ok(resident_dashboard(db, me, Utc::now(), 25).await?) }).await
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AnalyticsParams {
    /// Start of the period (RFC 3339); default 30 days ago.
    from: Option<String>,
    /// End of the period, exclusive; default now.
    to: Option<String>,
    staff: Option<uuid::Uuid>,
    category: Option<String>,
    trade: Option<String>,
    min_position: Option<i64>,
}

/// Every metric of SPEC §4 for a period, optionally for one staff member, category or trade:
/// resolution and response times, completion, on-time and breach rates, satisfaction, cost
/// variance and efficiency, utilisation, backlog and monthly trends.
#[utoipa::path(get, path = "/analytics", tag = "dashboards", params(AnalyticsParams), responses(
    (status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn analytics(State(state): State<AppState>, caller: Caller, RawQuery(query): RawQuery) -> Answer {
    if !(runs_the_estate(&caller) || caller.actor.holds(Permission::ManageFinances)) {
        return Err(ApiError::forbidden("analytics are for those who run the estate"));
    }
    let params = Params::parse(query.as_deref(), &["from", "to", "staff", "category", "trade", "min_position"])?;
    let now = Utc::now();
    let to = params.time("to")?.unwrap_or(now);
    let from = params.time("from")?.unwrap_or(to - Duration::days(30));
    if from >= to {
        return Err(ApiError::invalid("from", "the period's start must be before its end"));
    }
    let db = state.log.database();
    at_least(db, Projection::RequestFacts, params.one("min_position")?).await?;
    let rules = state.log.rules();
    // A figure for something that does not exist would be all zeros that look like an answer.
    let staff: Option<AccountId> = params.one("staff")?;
    if let Some(id) = staff {
        if khaki_commands::ledger::candidate(db, id).await?.is_none() {
            return Err(ApiError::invalid("staff", format!("staff: no staff member {id}")));
        }
    }
    let category = params.text("category");
    if let Some(name) = &category {
        khaki_commands::requests::category(name).map_err(|e| ApiError::invalid("category", e.to_string()))?;
    }
    let asked = AnalyticsQuery {
        from,
        to,
        staff,
        category,
        trade: params.one::<Trade>("trade")?,
        now,
        workload_limit: rules.workload_limit,
        time_zone: rules.time_zone,
    };
    let question = Question::new("analytics", "", query.as_deref());
    state.answers.answer(db, question, async { compute(db, &asked).await.map_err(ApiError::from) }).await
}
