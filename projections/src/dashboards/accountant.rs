//! The accountant's dashboard (SPEC §4): the monthly cost summary by category, and the requests
//! whose actual cost exceeds the estimate by more than a given percentage.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use khaki_migrations::{with_pool, Database};
use serde::Serialize;
use uuid::Uuid;

use crate::dashboards::facility_manager::previous_month;
use crate::request_list::Total;
use crate::target::Calendar;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountantDashboard {
    /// Month by month (oldest first), category by category; months with no resolutions left out.
    pub monthly_costs: Vec<MonthlyCost>,
    pub overrun_percent: u32,
    /// The largest overruns first.
    pub overruns: Vec<Overrun>,
    pub overrun_total: Total,
}

/// Requests first resolved in a local month, of one category; kept in paise, shown in rupees.
#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct MonthlyCost {
    pub month: NaiveDate,
    pub category: String,
    pub resolved: i64,
    pub with_actual: i64,
    #[serde(serialize_with = "crate::money::rupees")]
    pub actual_cost: i64,
    pub with_estimate: i64,
    #[serde(serialize_with = "crate::money::rupees")]
    pub estimated_cost: i64,
    /// Resolved with both an estimate and an actual cost, and the sums over those.
    pub costed: i64,
    #[serde(serialize_with = "crate::money::rupees")]
    pub costed_estimated: i64,
    #[serde(serialize_with = "crate::money::rupees")]
    pub costed_actual: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct Overrun {
    pub id: Uuid,
    pub ticket: String,
    pub title: String,
    pub category: String,
    #[serde(serialize_with = "crate::money::rupees")]
    pub estimated_cost: i64,
    #[serde(serialize_with = "crate::money::rupees")]
    pub actual_cost: i64,
    pub resolved_at: Option<DateTime<Utc>>,
    pub assignee: Option<Uuid>,
}

impl Overrun {
    /// How far over the estimate, in percent; `None` for a zero estimate.
    pub fn percent_over(&self) -> Option<f64> {
        (self.estimated_cost != 0)
            .then(|| (self.actual_cost - self.estimated_cost) as f64 * 100.0 / self.estimated_cost as f64)
    }
}

/// Counting overruns stops here ("at least 1000"); the list shows the largest anyway.
const OVERRUN_COUNT_CAP: i64 = 1_000;

/// More than $2 % over the estimate. The index on overrun_bp finds the candidates ($1 basis
/// points, rounded down, so never too few); the exact comparison in whole paise decides.
const OVER: &str = "f.overrun_bp >= $1 AND (f.actual_cost - f.estimated_cost) * 100 > $2 * f.estimated_cost";

/// `months` local months up to and including the current one; overruns of more than
/// `overrun_percent` % (SPEC's default is 20), the `shown` largest.
pub async fn accountant_dashboard(
    db: &Database,
    now: DateTime<Utc>,
    time_zone: Tz,
    months: u32,
    overrun_percent: u32,
    shown: u32,
) -> Result<AccountantDashboard, sqlx::Error> {
    let this_month = Calendar::new(time_zone).month_of(now);
    let first = (1..months.max(1)).fold(this_month, |month, _| previous_month(month));
    let sums: Vec<String> = [
        "resolved",
        "with_actual",
        "actual_cost",
        "with_estimate",
        "estimated_cost",
        "costed",
        "costed_estimated",
        "costed_actual",
    ]
    .iter()
    .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
    .collect();
    let sql = format!(
        "SELECT month, category, {} FROM request_monthly WHERE month >= $1 AND month <= $2
         GROUP BY month, category HAVING SUM(resolved) > 0 ORDER BY month, category",
        sums.join(", ")
    );
    let monthly_costs: Vec<MonthlyCost> =
        with_pool!(db, |pool| sqlx::query_as(&sql).bind(first).bind(this_month).fetch_all(pool).await)?;

    let threshold = i64::from(overrun_percent) * 100;
    let percent = i64::from(overrun_percent);
    let list = format!(
        "SELECT f.id, l.ticket, l.title, f.category, f.estimated_cost, f.actual_cost, f.resolved_at, f.assignee
         FROM request_facts f JOIN request_list l ON l.id = f.id WHERE {OVER} ORDER BY f.overrun_bp DESC, f.id DESC LIMIT $3"
    );
    let overruns: Vec<Overrun> = with_pool!(db, |pool| {
        sqlx::query_as(&list).bind(threshold).bind(percent).bind(i64::from(shown)).fetch_all(pool).await
    })?;
    let count_sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM request_facts f WHERE {OVER} LIMIT $3) AS matching");
    let count: i64 = with_pool!(db, |pool| {
        sqlx::query_scalar(&count_sql).bind(threshold).bind(percent).bind(OVERRUN_COUNT_CAP + 1).fetch_one(pool).await
    })?;
    let overrun_total =
        Total { count: u64::try_from(count.min(OVERRUN_COUNT_CAP)).unwrap_or(0), exact: count <= OVERRUN_COUNT_CAP };
    Ok(AccountantDashboard { monthly_costs, overrun_percent, overruns, overrun_total })
}
