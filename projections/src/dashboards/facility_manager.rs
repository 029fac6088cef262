//! The facility manager's dashboard (SPEC §4): open requests by status, pending assignment,
//! overdue, team performance and trends — all from running counts and small indexed reads.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use khaki_migrations::{with_pool, Database};
use serde::Serialize;
use uuid::Uuid;

use crate::request_facts::{monthly_trends, MonthTrend};
use crate::request_list::{count_by_status, StatusCount};
use crate::sql::OPEN;
use crate::staff_directory::{list_staff, StaffFilter};
use crate::target::Calendar;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FacilityManagerDashboard {
    /// Open statuses only: submitted, acknowledged, assigned, in progress.
    pub open_by_status: Vec<StatusCount>,
    /// Submitted or acknowledged: waiting for someone to be assigned.
    pub pending_assignment: i64,
    pub overdue: i64,
    pub team: Vec<TeamMember>,
    /// The last twelve local months, this one included.
    pub trends: Vec<MonthTrend>,
}

/// One employed staff member's performance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamMember {
    pub staff_id: Uuid,
    pub display_name: Option<String>,
    pub role: String,
    pub open_assignments: i64,
    pub utilisation: f64,
    pub resolved: i64,
    pub average_resolution_seconds: Option<f64>,
    pub rated: i64,
    pub average_rating: Option<f64>,
}

pub async fn facility_manager_dashboard(
    db: &Database,
    now: DateTime<Utc>,
    time_zone: Tz,
    workload_limit: u32,
) -> Result<FacilityManagerDashboard, sqlx::Error> {
    let open_by_status: Vec<StatusCount> = count_by_status(db)
        .await?
        .into_iter()
        .filter(|c| matches!(c.status.as_str(), "submitted" | "acknowledged" | "assigned" | "in_progress"))
        .collect();
    let pending_assignment = open_by_status
        .iter()
        .filter(|c| matches!(c.status.as_str(), "submitted" | "acknowledged"))
        .map(|c| c.requests)
        .sum();
    let overdue = overdue_count(db, now, None).await?;
    let team = list_staff(db, &StaffFilter { active: Some(true), ..StaffFilter::default() }, workload_limit)
        .await?
        .into_iter()
        .map(|member| TeamMember {
            staff_id: member.staff.staff_id,
            display_name: member.display_name.clone(),
            role: member.staff.role.clone(),
            open_assignments: member.open_assignments,
            utilisation: member.utilisation,
            resolved: member.resolved,
            average_resolution_seconds: member.average_resolution_seconds(),
            rated: member.rated,
            average_rating: member.average_rating(),
        })
        .collect();
    let calendar = Calendar::new(time_zone);
    let this_month = calendar.month_of(now);
    let first = (0..11).fold(this_month, |month, _| previous_month(month));
    let trends = monthly_trends(db, first, this_month, None, None, None).await?;
    Ok(FacilityManagerDashboard { open_by_status, pending_assignment, overdue, team, trends })
}

/// Open requests past their due time (all, or one assignee's), through the partial indexes on
/// open requests.
pub(crate) async fn overdue_count(
    db: &Database,
    now: DateTime<Utc>,
    assignee: Option<Uuid>,
) -> Result<i64, sqlx::Error> {
    let everyone = format!("SELECT COUNT(*) FROM request_list WHERE {OPEN} AND due_at < $1");
    let one = format!("SELECT COUNT(*) FROM request_list WHERE {OPEN} AND assignee = $2 AND due_at < $1");
    with_pool!(db, |pool| match assignee {
        Some(assignee) => sqlx::query_scalar(&one).bind(now).bind(assignee).fetch_one(pool).await,
        None => sqlx::query_scalar(&everyone).bind(now).fetch_one(pool).await,
    })
}

pub(crate) fn previous_month(month: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    let (year, number) = if month.month() == 1 { (month.year() - 1, 12) } else { (month.year(), month.month() - 1) };
    chrono::NaiveDate::from_ymd_opt(year, number, 1).unwrap_or(month)
}
