//! The staff directory with each member's workload, and one member's workload in detail.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use khaki_domain::{AccountId, StaffRole};
use khaki_migrations::{with_pool, Database};
use serde::Serialize;

use crate::bind_cells;
use crate::sql::Conditions;
use crate::staff_directory::rows::{StaffRow, STAFF_COLUMNS};
use crate::target::Calendar;

/// Filters of the directory; all given filters must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffFilter {
    pub role: Option<StaffRole>,
    /// Employed (the staff record's active flag).
    pub active: Option<bool>,
    pub available_24x7: Option<bool>,
    pub department: Option<String>,
    pub supervisor: Option<AccountId>,
}

/// One member of the directory with their figures.
#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct StaffMember {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub staff: StaffRow,
    pub display_name: Option<String>,
    pub account_active: bool,
    pub open_assignments: i64,
    /// Requests they resolved (first resolution, as assignee).
    pub resolved: i64,
    pub resolution_seconds: i64,
    pub rated: i64,
    pub rating_sum: i64,
    #[sqlx(skip)]
    pub workload_limit: u32,
    /// Open assignments ÷ workload limit.
    #[sqlx(skip)]
    pub utilisation: f64,
}

impl StaffMember {
    pub fn average_rating(&self) -> Option<f64> {
        (self.rated > 0).then(|| self.rating_sum as f64 / self.rated as f64)
    }

    pub fn average_resolution_seconds(&self) -> Option<f64> {
        (self.resolved > 0).then(|| self.resolution_seconds as f64 / self.resolved as f64)
    }
}

pub(crate) fn member_sql(conditions: &Conditions) -> String {
    let columns: Vec<String> = STAFF_COLUMNS.iter().map(|c| format!("d.{c}")).collect();
    format!(
        "SELECT {}, ac.display_name, COALESCE(sa.active, FALSE) AS account_active,
             COALESCE(f.open_assignments, 0) AS open_assignments, COALESCE(f.resolved, 0) AS resolved,
             COALESCE(f.resolution_seconds, 0) AS resolution_seconds, COALESCE(f.rated, 0) AS rated,
             COALESCE(f.rating_sum, 0) AS rating_sum
         FROM staff_directory d
         LEFT JOIN accounts ac ON ac.id = d.staff_id
         LEFT JOIN staff_directory_accounts sa ON sa.account_id = d.staff_id
         LEFT JOIN staff_directory_figures f ON f.staff_id = d.staff_id{}
         ORDER BY d.staff_id",
        columns.join(", "),
        conditions.where_sql()
    )
}

pub async fn list_staff(
    db: &Database,
    filter: &StaffFilter,
    workload_limit: u32,
) -> Result<Vec<StaffMember>, sqlx::Error> {
    let mut conditions = Conditions::new();
    let mut equal = |column: &str, cell: Option<crate::store::Cell>| {
        if let Some(cell) = cell {
            let value = conditions.bind(cell);
            conditions.push(format!("d.{column} = {value}"));
        }
    };
    equal("role", filter.role.map(|r| r.name().into()));
    equal("employed", filter.active.map(Into::into));
    equal("available_24x7", filter.available_24x7.map(Into::into));
    equal("department", filter.department.as_deref().map(Into::into));
    equal("supervisor_id", filter.supervisor.map(|s| s.as_uuid().into()));
    let sql = member_sql(&conditions);
    let params = conditions.params;
    let mut members: Vec<StaffMember> =
        with_pool!(db, |pool| bind_cells!(sqlx::query_as(&sql), params).fetch_all(pool).await)?;
    for member in &mut members {
        member.workload_limit = workload_limit;
        member.utilisation = utilisation(member.open_assignments, workload_limit);
    }
    Ok(members)
}

pub(crate) fn utilisation(open: i64, limit: u32) -> f64 {
    if limit == 0 {
        0.0
    } else {
        open as f64 / f64::from(limit)
    }
}

/// One staff member's workload and figures (SPEC §4 "my workload and figures").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Workload {
    pub staff_id: AccountId,
    pub open_assignments: i64,
    /// Requests they resolved since the start of the estate's current month.
    pub completed_this_month: i64,
    pub resolved: i64,
    pub average_resolution_seconds: Option<f64>,
    pub rated: i64,
    pub average_rating: Option<f64>,
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// `None` when there is no such staff member.
pub async fn staff_workload(
    db: &Database,
    staff: AccountId,
    now: DateTime<Utc>,
    time_zone: Tz,
) -> Result<Option<Workload>, sqlx::Error> {
    let mut conditions = Conditions::new();
    let id = conditions.bind(staff.as_uuid());
    conditions.push(format!("d.staff_id = {id}"));
    let sql = member_sql(&conditions);
    let params = conditions.params;
    let member: Option<StaffMember> =
        with_pool!(db, |pool| bind_cells!(sqlx::query_as(&sql), params).fetch_optional(pool).await)?;
    let Some(member) = member else { return Ok(None) };
    let calendar = Calendar::new(time_zone);
    let month = calendar.month_of(now);
    let (from, to) = (calendar.month_start(month), calendar.month_start(Calendar::next_month(month)));
    let completed: i64 = with_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_directory_requests WHERE resolved_by = $1 AND resolved_at >= $2 AND resolved_at < $3",
        )
        .bind(staff.as_uuid())
        .bind(from)
        .bind(to)
        .fetch_one(pool)
        .await
    })?;
    Ok(Some(Workload {
        staff_id: staff,
        open_assignments: member.open_assignments,
        completed_this_month: completed,
        resolved: member.resolved,
        average_resolution_seconds: member.average_resolution_seconds(),
        rated: member.rated,
        average_rating: member.average_rating(),
        last_assigned_at: member.staff.last_assigned_at,
    }))
}
