//! SPEC §4's analytics for a period [from, to), optionally for one staff member, category or
//! trade, exactly as docs/analytics.md defines them. Each figure is one indexed aggregate.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use khaki_domain::{AccountId, StaffRole, Trade};
use khaki_migrations::{with_pool, Database};
use serde::Serialize;

use crate::bind_cells;
use crate::request_facts::trends::{monthly_trends, MonthTrend};
use crate::sql::{Conditions, OPEN};
use crate::target::Calendar;

#[derive(Clone, Debug, PartialEq)]
pub struct AnalyticsQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Requests whose most recent assignee is this staff member.
    pub staff: Option<AccountId>,
    pub category: Option<String>,
    pub trade: Option<Trade>,
    /// Backlog, breach rate and utilisation are snapshots at this moment.
    pub now: DateTime<Utc>,
    pub workload_limit: u32,
    /// Months of the trends are the estate's local months.
    pub time_zone: Tz,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analytics {
    pub resolution_time: DurationFigure,
    pub response_time: DurationFigure,
    /// Closed in the period ÷ first assigned in the period.
    pub completion_rate: Rate,
    /// Resolved by the due time ÷ resolved, over first resolutions in the period.
    pub on_time_rate: Rate,
    pub satisfaction: Satisfaction,
    pub cost: CostFigures,
    pub utilisation: Utilisation,
    pub backlog: Vec<BacklogCount>,
    /// Overdue ÷ open, now.
    pub breach_rate: Rate,
    pub trends: Vec<MonthTrend>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DurationFigure {
    pub requests: i64,
    pub average_seconds: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Rate {
    pub numerator: i64,
    pub denominator: i64,
    /// `None` when the denominator is zero.
    pub rate: Option<f64>,
}

impl Rate {
    pub fn of(numerator: i64, denominator: i64) -> Self {
        Self { numerator, denominator, rate: (denominator != 0).then(|| numerator as f64 / denominator as f64) }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Satisfaction {
    pub rated: i64,
    pub average_rating: Option<f64>,
}

/// Over requests first resolved in the period with both an estimate and an actual cost; paise.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CostFigures {
    pub costed: i64,
    #[serde(serialize_with = "crate::money::rupees")]
    pub estimated: i64,
    #[serde(serialize_with = "crate::money::rupees")]
    pub actual: i64,
    /// Σ (actual − estimated).
    #[serde(serialize_with = "crate::money::rupees")]
    pub variance: i64,
    #[serde(serialize_with = "crate::money::optional_average_rupees")]
    pub average_variance: Option<f64>,
    /// Σ estimated ÷ Σ actual.
    pub efficiency: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Utilisation {
    pub open_assignments: i64,
    /// Staff counted: employed, account active, able to take the trade (or the one asked for).
    pub staff: i64,
    pub workload_limit: u32,
    /// Open assignments ÷ (staff × workload limit).
    pub rate: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBucket {
    UnderOneDay,
    OneToThreeDays,
    ThreeToSevenDays,
    SevenToThirtyDays,
    OverThirtyDays,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BacklogCount {
    pub status: String,
    pub age: AgeBucket,
    pub requests: i64,
    pub overdue: i64,
}

pub async fn analytics(db: &Database, query: &AnalyticsQuery) -> Result<Analytics, sqlx::Error> {
    let resolved = sums(
        db,
        query,
        "resolved_at",
        "COUNT(*), SUM(resolution_seconds), SUM(CASE WHEN resolved_on_time THEN 1 ELSE 0 END),
         SUM(CASE WHEN estimated_cost IS NOT NULL AND actual_cost IS NOT NULL THEN 1 ELSE 0 END),
         SUM(CASE WHEN estimated_cost IS NOT NULL AND actual_cost IS NOT NULL THEN estimated_cost ELSE 0 END),
         SUM(CASE WHEN estimated_cost IS NOT NULL AND actual_cost IS NOT NULL THEN actual_cost ELSE 0 END)",
    )
    .await?;
    let acknowledged = sums(db, query, "acknowledged_at", "COUNT(*), SUM(response_seconds)").await?;
    // Of the requests first assigned in the period, how many are closed now: never above 1.
    let assigned =
        sums(db, query, "assigned_at", "COUNT(*), SUM(CASE WHEN closed_at IS NOT NULL THEN 1 ELSE 0 END)").await?;
    let rated = sums(db, query, "rated_at", "COUNT(*), SUM(rating)").await?;
    let average = |sum: i64, count: i64| (count != 0).then(|| sum as f64 / count as f64);
    let (costed, estimated, actual) = (resolved[3], resolved[4], resolved[5]);
    let backlog = backlog(db, query).await?;
    let (open, overdue) = backlog.iter().fold((0, 0), |(o, d), b| (o + b.requests, d + b.overdue));
    let calendar = Calendar::new(query.time_zone);
    let last = query.to - Duration::microseconds(1);
    Ok(Analytics {
        resolution_time: DurationFigure { requests: resolved[0], average_seconds: average(resolved[1], resolved[0]) },
        response_time: DurationFigure {
            requests: acknowledged[0],
            average_seconds: average(acknowledged[1], acknowledged[0]),
        },
        completion_rate: Rate::of(assigned[1], assigned[0]),
        on_time_rate: Rate::of(resolved[2], resolved[0]),
        satisfaction: Satisfaction { rated: rated[0], average_rating: average(rated[1], rated[0]) },
        cost: CostFigures {
            costed,
            estimated,
            actual,
            variance: actual - estimated,
            average_variance: average(actual - estimated, costed),
            efficiency: (actual != 0).then(|| estimated as f64 / actual as f64),
        },
        utilisation: utilisation(db, query).await?,
        backlog,
        breach_rate: Rate::of(overdue, open),
        trends: monthly_trends(
            db,
            calendar.month_of(query.from),
            calendar.month_of(last.max(query.from)),
            query.staff,
            query.category.as_deref(),
            query.trade,
        )
        .await?,
    })
}

/// The request filters of the query, on `request_facts f`.
fn filtered(conditions: &mut Conditions, query: &AnalyticsQuery) {
    if let Some(staff) = query.staff {
        let staff = conditions.bind(staff.as_uuid());
        conditions.push(format!("f.assignee = {staff}"));
    }
    if let Some(category) = &query.category {
        let category = conditions.bind(category.as_str());
        conditions.push(format!("f.category = {category}"));
    }
    if let Some(trade) = query.trade {
        let trade = conditions.bind(trade.name());
        conditions.push(format!("f.trade = {trade}"));
    }
}

/// Sums (`aggregates`, comma-separated) over requests whose `column` time is in the period; each
/// as a whole number, zero when nothing matched.
async fn sums(db: &Database, query: &AnalyticsQuery, column: &str, aggregates: &str) -> Result<Vec<i64>, sqlx::Error> {
    let mut conditions = Conditions::new();
    let (from, to) = (conditions.bind(query.from), conditions.bind(query.to));
    conditions.push(format!("f.{column} >= {from} AND f.{column} < {to}"));
    filtered(&mut conditions, query);
    let wrapped: Vec<String> =
        split_top_level(aggregates).iter().map(|a| format!("CAST(COALESCE({a}, 0) AS BIGINT)")).collect();
    let sql = format!("SELECT {} FROM request_facts f{}", wrapped.join(", "), conditions.where_sql());
    let params = conditions.params;
    let count = wrapped.len();
    with_pool!(db, |pool| {
        let row = bind_cells!(sqlx::query(&sql), params).fetch_one(pool).await?;
        (0..count).map(|i| sqlx::Row::try_get::<i64, _>(&row, i)).collect()
    })
}

/// The aggregates of a select list, split at commas outside parentheses.
fn split_top_level(list: &str) -> Vec<String> {
    let (mut parts, mut depth, mut current) = (Vec::new(), 0_i32, String::new());
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current.trim().to_owned());
    parts
}

async fn backlog(db: &Database, query: &AnalyticsQuery) -> Result<Vec<BacklogCount>, sqlx::Error> {
    let mut conditions = Conditions::new();
    let bounds: Vec<String> =
        [1, 3, 7, 30].iter().map(|days| conditions.bind(query.now - Duration::days(*days))).collect();
    let now = conditions.bind(query.now);
    conditions.push(format!("f.{OPEN}"));
    filtered(&mut conditions, query);
    let sql = format!(
        "SELECT f.status, CASE WHEN f.submitted_at > {} THEN 0 WHEN f.submitted_at > {} THEN 1
                 WHEN f.submitted_at > {} THEN 2 WHEN f.submitted_at > {} THEN 3 ELSE 4 END AS age,
             COUNT(*) AS requests, CAST(SUM(CASE WHEN f.due_at < {now} THEN 1 ELSE 0 END) AS BIGINT) AS overdue
         FROM request_facts f{} GROUP BY 1, 2 ORDER BY 1, 2",
        bounds[0],
        bounds[1],
        bounds[2],
        bounds[3],
        conditions.where_sql()
    );
    let params = conditions.params;
    let rows: Vec<(String, i32, i64, i64)> =
        with_pool!(db, |pool| bind_cells!(sqlx::query_as(&sql), params).fetch_all(pool).await)?;
    let buckets = [
        AgeBucket::UnderOneDay,
        AgeBucket::OneToThreeDays,
        AgeBucket::ThreeToSevenDays,
        AgeBucket::SevenToThirtyDays,
        AgeBucket::OverThirtyDays,
    ];
    Ok(rows
        .into_iter()
        .map(|(status, age, requests, overdue)| BacklogCount {
            status,
            age: buckets[usize::try_from(age).unwrap_or(4).min(4)],
            requests,
            overdue,
        })
        .collect())
}

async fn utilisation(db: &Database, query: &AnalyticsQuery) -> Result<Utilisation, sqlx::Error> {
    let mut conditions = Conditions::new();
    match query.staff {
        Some(staff) => {
            let staff = conditions.bind(staff.as_uuid());
            conditions.push(format!("d.staff_id = {staff}"));
        }
        None => conditions.push("d.employed = TRUE AND COALESCE(a.active, FALSE) = TRUE"),
    }
    if let Some(trade) = query.trade {
        let role = StaffRole::ALL.into_iter().find(|r| r.own_trade() == Some(trade)).map(StaffRole::name);
        let role = conditions.bind(role);
        conditions.push(format!("(d.access_all = TRUE OR d.role = {role})"));
    }
    let sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(COALESCE(g.open_assignments, 0)), 0) AS BIGINT)
         FROM staff_directory d
         LEFT JOIN staff_directory_accounts a ON a.account_id = d.staff_id
         LEFT JOIN staff_directory_figures g ON g.staff_id = d.staff_id{}",
        conditions.where_sql()
    );
    let params = conditions.params;
    let (staff, open): (i64, i64) =
        with_pool!(db, |pool| bind_cells!(sqlx::query_as(&sql), params).fetch_one(pool).await)?;
    let capacity = staff * i64::from(query.workload_limit);
    Ok(Utilisation {
        open_assignments: open,
        staff,
        workload_limit: query.workload_limit,
        rate: (capacity != 0).then(|| open as f64 / capacity as f64),
    })
}
