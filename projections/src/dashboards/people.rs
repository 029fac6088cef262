//! The staff member's and the resident's dashboards (SPEC §4): my requests, my workload and
//! figures; my requests and their progress.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use khaki_domain::request::Status;
use khaki_domain::AccountId;
use khaki_migrations::{with_pool, Database};
use serde::Serialize;

use crate::dashboards::facility_manager::overdue_count;
use crate::error::QueryError;
use crate::request_list::{list_requests, ListedRequest, Order, OrderBy, Page, RequestFilter, Scope, StatusCount};
use crate::staff_directory::{staff_workload, utilisation, Workload};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StaffMemberDashboard {
    /// What they hold open (assigned or in progress), soonest due first.
    pub open_requests: Vec<ListedRequest>,
    pub overdue: i64,
    pub workload: Workload,
    pub workload_limit: u32,
    /// Open assignments ÷ workload limit.
    pub utilisation: f64,
}

/// `None` when there is no such staff member.
pub async fn staff_member_dashboard(
    db: &Database,
    staff: AccountId,
    now: DateTime<Utc>,
    time_zone: Tz,
    workload_limit: u32,
    shown: u32,
) -> Result<Option<StaffMemberDashboard>, QueryError> {
    let Some(workload) = staff_workload(db, staff, now, time_zone).await? else { return Ok(None) };
    let filter = RequestFilter {
        statuses: vec![Status::Assigned, Status::InProgress],
        assignee: Some(staff),
        ..RequestFilter::default()
    };
    let page = Page { order: Order { by: OrderBy::Due, descending: false }, size: shown.clamp(1, 200), after: None };
    let open_requests = list_requests(db, &filter, &Scope::Everything, &page, now).await?.requests;
    let overdue = overdue_count(db, now, Some(staff.as_uuid())).await?;
    let utilisation = utilisation(workload.open_assignments, workload_limit);
    Ok(Some(StaffMemberDashboard { open_requests, overdue, workload, workload_limit, utilisation }))
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResidentDashboard {
    /// Their requests, newest first, with each one's milestones (the progress).
    pub requests: Vec<ListedRequest>,
    /// How many of their requests are in each status.
    pub by_status: Vec<StatusCount>,
}

pub async fn resident_dashboard(
    db: &Database,
    resident: AccountId,
    now: DateTime<Utc>,
    shown: u32,
) -> Result<ResidentDashboard, QueryError> {
    let page = Page { size: shown.clamp(1, 200), ..Page::default() };
    let requests =
        list_requests(db, &RequestFilter::default(), &Scope::Submitter(resident), &page, now).await?.requests;
    let by_status: Vec<StatusCount> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT status, requests FROM request_list_people WHERE account_id = $1 AND relation = 'submitter'
             ORDER BY status",
        )
        .bind(resident.as_uuid())
        .fetch_all(pool)
        .await
    })?;
    Ok(ResidentDashboard { requests, by_status })
}
