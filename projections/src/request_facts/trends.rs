//! Monthly trends (SPEC §4): the monthly sums `request_facts` keeps, month by month, optionally
//! for one staff member, category or trade.

use chrono::NaiveDate;
use khaki_domain::{AccountId, Trade};
use khaki_migrations::{with_pool, Database};
use serde::Serialize;

use crate::bind_cells;
use crate::sql::Conditions;
use crate::target::Calendar;

#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct MonthTrend {
    /// The first day of the local month.
    pub month: NaiveDate,
    pub submitted: i64,
    pub resolved: i64,
    pub closed: i64,
    /// Σ actual cost over requests resolved in the month with one (paise).
    #[serde(serialize_with = "crate::money::rupees")]
    pub actual_cost: i64,
    /// Σ estimate over requests resolved in the month with one (paise).
    #[serde(serialize_with = "crate::money::rupees")]
    pub estimated_cost: i64,
    pub rated: i64,
    pub rating_sum: i64,
    #[sqlx(skip)]
    pub average_rating: Option<f64>,
}

/// Monthly sums for the local months `first` to `last` (inclusive, each given by its first day),
/// every month present even when nothing happened in it.
pub async fn monthly_trends(
    db: &Database,
    first: NaiveDate,
    last: NaiveDate,
    staff: Option<AccountId>,
    category: Option<&str>,
    trade: Option<Trade>,
) -> Result<Vec<MonthTrend>, sqlx::Error> {
    let mut conditions = Conditions::new();
    let (from, to) = (conditions.bind(first), conditions.bind(last));
    conditions.push(format!("m.month >= {from} AND m.month <= {to}"));
    if let Some(staff) = staff {
        let staff = conditions.bind(staff.as_uuid());
        conditions.push(format!("m.staff_id = {staff}"));
    }
    if let Some(category) = category {
        let category = conditions.bind(category);
        conditions.push(format!("m.category = {category}"));
    }
    if let Some(trade) = trade {
        let trade = conditions.bind(trade.name());
        conditions.push(format!("m.trade = {trade}"));
    }
    let sums: Vec<String> = ["submitted", "resolved", "closed", "actual_cost", "estimated_cost", "rated", "rating_sum"]
        .iter()
        .map(|c| format!("CAST(SUM(m.{c}) AS BIGINT) AS {c}"))
        .collect();
    let sql = format!(
        "SELECT m.month, {} FROM request_monthly m{} GROUP BY m.month ORDER BY m.month",
        sums.join(", "),
        conditions.where_sql()
    );
    let params = conditions.params;
    let found: Vec<MonthTrend> =
        with_pool!(db, |pool| bind_cells!(sqlx::query_as(&sql), params).fetch_all(pool).await)?;
    let mut trends = Vec::new();
    let mut month = first;
    while month <= last {
        let mut trend = found.iter().find(|t| t.month == month).cloned().unwrap_or(MonthTrend {
            month,
            submitted: 0,
            resolved: 0,
            closed: 0,
            actual_cost: 0,
            estimated_cost: 0,
            rated: 0,
            rating_sum: 0,
            average_rating: None,
        });
        trend.average_rating = (trend.rated > 0).then(|| trend.rating_sum as f64 / trend.rated as f64);
        trends.push(trend);
        month = Calendar::next_month(month);
    }
    Ok(trends)
}
