//! Per request, the facts SPEC §4's analytics are defined over, and what each request adds to the
//! monthly sums.

use chrono::{DateTime, NaiveDate, Utc};
use khaki_domain::request::RequestEvent;
use uuid::Uuid;

use crate::facts::Fact;
use crate::lifecycle::Lifecycle;
use crate::store::Cell;
use crate::target::Calendar;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct FactsRow {
    pub id: Uuid,
    pub category: String,
    pub trade: String,
    pub status: String,
    /// The most recent staff member given or taking on the request.
    pub assignee: Option<Uuid>,
    pub submitted_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
    pub response_seconds: Option<i64>,
    pub resolution_seconds: Option<i64>,
    pub resolved_on_time: Option<bool>,
    pub estimated_cost: Option<i64>,
    pub actual_cost: Option<i64>,
    pub overrun_bp: Option<i64>,
    pub rating: Option<i32>,
    pub rated_at: Option<DateTime<Utc>>,
    pub submitted_month: NaiveDate,
    pub resolved_month: Option<NaiveDate>,
    pub closed_month: Option<NaiveDate>,
    pub rated_month: Option<NaiveDate>,
    pub version: i64,
}

pub const COLUMNS: &[&str] = &[
    "id",
    "category",
    "trade",
    "status",
    "assignee",
    "submitted_at",
    "acknowledged_at",
    "assigned_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "due_at",
    "response_seconds",
    "resolution_seconds",
    "resolved_on_time",
    "estimated_cost",
    "actual_cost",
    "overrun_bp",
    "rating",
    "rated_at",
    "submitted_month",
    "resolved_month",
    "closed_month",
    "rated_month",
    "version",
];

pub const MONTHLY_KEYS: &[&str] = &["month", "category", "trade", "staff_id"];
pub const MONTHLY_SUMS: &[&str] = &[
    "submitted",
    "resolved",
    "resolved_on_time",
    "resolution_seconds",
    "closed",
    "with_actual",
    "actual_cost",
    "with_estimate",
    "estimated_cost",
    "costed",
    "costed_estimated",
    "costed_actual",
    "rated",
    "rating_sum",
];

impl FactsRow {
    pub fn submitted(fact: &Fact, event: &RequestEvent, calendar: &Calendar) -> Option<Self> {
        let RequestEvent::RequestSubmitted { category, due, at, .. } = event else { return None };
        Some(Self {
            id: fact.id,
            category: category.name.clone(),
            trade: category.trade.name().to_owned(),
            status: Lifecycle::submitted().status.name().to_owned(),
            assignee: None,
            submitted_at: *at,
            acknowledged_at: None,
            assigned_at: None,
            resolved_at: None,
            closed_at: None,
            cancelled_at: None,
            due_at: *due,
            response_seconds: None,
            resolution_seconds: None,
            resolved_on_time: None,
            estimated_cost: None,
            actual_cost: None,
            overrun_bp: None,
            rating: None,
            rated_at: None,
            submitted_month: calendar.month_of(*at),
            resolved_month: None,
            closed_month: None,
            rated_month: None,
            version: fact.sequence,
        })
    }

    pub fn apply(&mut self, fact: &Fact, event: &RequestEvent, calendar: &Calendar) {
        let mut life = Lifecycle::from_row(&self.status, self.assignee, None);
        life.apply(event);
        life.status.name().clone_into(&mut self.status);
        if life.assignee.is_some() {
            self.assignee = life.assignee;
        }
        let seconds_since_submission = |at: DateTime<Utc>| (at - self.submitted_at).num_seconds();
        match event {
            RequestEvent::RequestAcknowledged { at, .. } if self.acknowledged_at.is_none() => {
                self.acknowledged_at = Some(*at);
                self.response_seconds = Some(seconds_since_submission(*at));
            }
            RequestEvent::RequestAssigned { at, .. } => {
                self.assigned_at.get_or_insert(*at);
            }
            RequestEvent::RequestResolved { actual_cost, at, .. } => {
                if self.resolved_at.is_none() {
                    self.resolved_at = Some(*at);
                    self.resolution_seconds = Some(seconds_since_submission(*at));
                    // Resolved by the due time in force when it was resolved.
                    self.resolved_on_time = Some(*at <= self.due_at);
                    self.resolved_month = Some(calendar.month_of(*at));
                }
                if let Some(cost) = actual_cost {
                    self.actual_cost = Some(cost.paise());
                }
            }
            RequestEvent::RequestClosed { at, .. } if self.closed_at.is_none() => {
                self.closed_at = Some(*at);
                self.closed_month = Some(calendar.month_of(*at));
            }
            RequestEvent::RequestCancelled { at, .. } => {
                self.cancelled_at.get_or_insert(*at);
            }
            RequestEvent::WorkRated { rating, at, .. } => {
                self.rating = Some(i32::from(rating.stars()));
                self.rated_at = Some(*at);
                self.rated_month = Some(calendar.month_of(*at));
            }
            RequestEvent::DueTimeSet { due, .. } => self.due_at = *due,
            RequestEvent::CostEstimated { cost, .. } => self.estimated_cost = Some(cost.paise()),
            _ => {}
        }
        self.overrun_bp = overrun_bp(self.estimated_cost, self.actual_cost);
        self.version = self.version.max(fact.sequence);
    }

    /// What this request adds to the monthly sums: (month, category, trade, staff) → sums in
    /// [`MONTHLY_SUMS`] order.
    pub fn monthly(&self) -> Vec<(Vec<Cell>, [i64; 14])> {
        let key = |month: NaiveDate| {
            vec![
                month.into(),
                self.category.as_str().into(),
                self.trade.as_str().into(),
                self.assignee.unwrap_or(Uuid::nil()).into(),
            ]
        };
        let mut sums = vec![(key(self.submitted_month), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])];
        if let Some(month) = self.resolved_month {
            let one = |b: bool| i64::from(b);
            let (actual, estimated) = (self.actual_cost, self.estimated_cost);
            let both = actual.is_some() && estimated.is_some();
            sums.push((
                key(month),
                [
                    0,
                    1,
                    one(self.resolved_on_time == Some(true)),
                    self.resolution_seconds.unwrap_or(0),
                    0,
                    one(actual.is_some()),
                    actual.unwrap_or(0),
                    one(estimated.is_some()),
                    estimated.unwrap_or(0),
                    one(both),
                    if both { estimated.unwrap_or(0) } else { 0 },
                    if both { actual.unwrap_or(0) } else { 0 },
                    0,
                    0,
                ],
            ));
        }
        if let Some(month) = self.closed_month {
            sums.push((key(month), [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        }
        if let (Some(month), Some(rating)) = (self.rated_month, self.rating) {
            sums.push((key(month), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, i64::from(rating)]));
        }
        sums
    }

    pub fn cells(&self) -> Vec<Cell> {
        vec![
            self.id.into(),
            self.category.as_str().into(),
            self.trade.as_str().into(),
            self.status.as_str().into(),
            self.assignee.into(),
            self.submitted_at.into(),
            self.acknowledged_at.into(),
            self.assigned_at.into(),
            self.resolved_at.into(),
            self.closed_at.into(),
            self.cancelled_at.into(),
            self.due_at.into(),
            self.response_seconds.into(),
            self.resolution_seconds.into(),
            self.resolved_on_time.into(),
            self.estimated_cost.into(),
            self.actual_cost.into(),
            self.overrun_bp.into(),
            self.rating.into(),
            self.rated_at.into(),
            self.submitted_month.into(),
            self.resolved_month.into(),
            self.closed_month.into(),
            self.rated_month.into(),
            self.version.into(),
        ]
    }
}

/// (actual − estimated) ÷ estimated in basis points, rounded down; with no estimate to speak of
/// (zero) any actual cost is an unbounded overrun.
fn overrun_bp(estimated: Option<i64>, actual: Option<i64>) -> Option<i64> {
    let (estimated, actual) = (estimated?, actual?);
    Some(match estimated {
        0 if actual > 0 => i64::MAX,
        0 => 0,
        _ => (actual - estimated).saturating_mul(10_000).div_euclid(estimated),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overruns_are_basis_points_rounded_down() {
        assert_eq!(overrun_bp(Some(1000), Some(1200)), Some(2000));
        assert_eq!(overrun_bp(Some(3), Some(4)), Some(3333));
        assert_eq!(overrun_bp(Some(1000), Some(900)), Some(-1000));
        assert_eq!(overrun_bp(Some(0), Some(5)), Some(i64::MAX));
        assert_eq!(overrun_bp(None, Some(5)), None);
    }
}
