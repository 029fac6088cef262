//! request_facts: per request the times, durations, costs and rating SPEC §4 defines its analytics
//! over, and monthly sums per category and staff member, so analytics for a period are indexed
//! range aggregates and dashboards' trends read a few hundred rows (docs/analytics.md).

mod analytics;
mod row;
mod trends;

use std::collections::HashMap;

use khaki_migrations::Tx;
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::facts::{Event, Fact};
use crate::store::{self, OnConflict};
use crate::sums::Sums;
use crate::target::{Calendar, Target};

pub use analytics::{
    analytics, AgeBucket, Analytics, AnalyticsQuery, BacklogCount, CostFigures, DurationFigure, Rate, Satisfaction,
    Utilisation,
};
pub use row::FactsRow;
pub use trends::{monthly_trends, MonthTrend};

use row::{COLUMNS, MONTHLY_KEYS, MONTHLY_SUMS};

pub const TABLES: &[&str] = &["request_facts", "request_monthly"];

pub(crate) async fn apply(
    tx: &mut Tx,
    target: &Target,
    calendar: &Calendar,
    facts: &[Fact],
) -> Result<(), ProjectionError> {
    let mut ids: Vec<Uuid> = facts.iter().filter(|f| matches!(f.event, Event::Request(_))).map(|f| f.id).collect();
    ids.sort_unstable();
    ids.dedup();
    let table = target.table("request_facts");
    let before: HashMap<Uuid, FactsRow> = store::load::<FactsRow>(tx, &table, &COLUMNS.join(", "), "id", &ids)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let mut rows = before.clone();
    for fact in facts {
        let Event::Request(event) = &fact.event else { continue };
        match rows.get_mut(&fact.id) {
            Some(row) => row.apply(fact, event, calendar),
            None => {
                if let Some(row) = FactsRow::submitted(fact, event, calendar) {
                    rows.insert(fact.id, row);
                }
            }
        }
    }
    let mut monthly = Sums::new("request_monthly", MONTHLY_KEYS, MONTHLY_SUMS);
    let mut changed = Vec::new();
    for (id, row) in &rows {
        let old = before.get(id);
        if old == Some(row) {
            continue;
        }
        for (key, sums) in old.map(FactsRow::monthly).unwrap_or_default() {
            monthly.add(key, &sums, -1);
        }
        for (key, sums) in row.monthly() {
            monthly.add(key, &sums, 1);
        }
        changed.push(row.cells());
    }
    store::write(tx, &table, COLUMNS, &["id"], changed, OnConflict::Replace).await?;
    monthly.write(tx, target).await?;
    Ok(())
}
