//! staff_directory: every staff member with their role, department, flags, supervisor and
//! availability; whether their account is active; and their running figures (open assignments,
//! resolutions and resolution time, ratings), so the directory, workloads and the suitable-staff
//! ranking read a handful of rows.

mod query;
mod rows;
mod suitable;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use khaki_domain::account::AccountEvent;
use khaki_domain::request::RequestEvent;
use khaki_migrations::Tx;
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::facts::{Event, Fact};
use crate::store::{self, OnConflict};
use crate::sums::Sums;
use crate::target::Target;

pub(crate) use query::utilisation;
pub use query::{list_staff, staff_workload, StaffFilter, StaffMember, Workload};
pub use rows::StaffRow;
pub use suitable::{suitable_staff, SuitableStaff};

use rows::{HoldingRow, FIGURES, HOLDING_COLUMNS, STAFF_COLUMNS};

pub const TABLES: &[&str] =
    &["staff_directory", "staff_directory_accounts", "staff_directory_requests", "staff_directory_figures"];

pub(crate) async fn apply(tx: &mut Tx, target: &Target, facts: &[Fact]) -> Result<(), ProjectionError> {
    let mut staff_ids = Vec::new();
    let mut request_ids = Vec::new();
    // The last time each staff member was given new work in this batch (SPEC §2's ranking).
    let mut given_work: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for fact in facts {
        match &fact.event {
            Event::Staff(_) => staff_ids.push(fact.id),
            Event::Request(event) => {
                request_ids.push(fact.id);
                let new_work = match event {
                    RequestEvent::RequestAssigned { assignee, at, .. } => Some((assignee, at)),
                    RequestEvent::WorkStarted { assignee, took_on: true, at, .. } => Some((assignee, at)),
                    _ => None,
                };
                if let Some((staff, at)) = new_work {
                    staff_ids.push(staff.as_uuid());
                    let last = given_work.entry(staff.as_uuid()).or_insert(*at);
                    *last = (*last).max(*at);
                }
            }
            _ => {}
        }
    }
    for ids in [&mut staff_ids, &mut request_ids] {
        ids.sort_unstable();
        ids.dedup();
    }
    let staff_before: HashMap<Uuid, StaffRow> = store::load::<StaffRow>(
        tx,
        &target.table("staff_directory"),
        &STAFF_COLUMNS.join(", "),
        "staff_id",
        &staff_ids,
    )
    .await?
    .into_iter()
    .map(|row| (row.staff_id, row))
    .collect();
    let table = target.table("staff_directory_requests");
    let holdings_before: HashMap<Uuid, HoldingRow> =
        store::load::<HoldingRow>(tx, &table, &HOLDING_COLUMNS.join(", "), "request_id", &request_ids)
            .await?
            .into_iter()
            .map(|row| (row.request_id, row))
            .collect();

    let mut staff = staff_before.clone();
    let mut holdings = holdings_before.clone();
    let mut accounts: HashMap<Uuid, bool> = HashMap::new();
    for fact in facts {
        match &fact.event {
            Event::Staff(event) => match staff.get_mut(&fact.id) {
                Some(row) => row.apply(fact, event),
                None => {
                    if let Some(row) = StaffRow::onboarded(fact, event) {
                        staff.insert(fact.id, row);
                    }
                }
            },
            Event::Account(event) => {
                let active = match event {
                    AccountEvent::AccountOpened { .. } | AccountEvent::AccountReactivated { .. } => Some(true),
                    AccountEvent::AccountDeactivated { .. } => Some(false),
                    _ => None,
                };
                if let Some(active) = active {
                    accounts.insert(fact.id, active);
                }
            }
            Event::Request(event) => match holdings.get_mut(&fact.id) {
                Some(row) => row.apply(event),
                None => {
                    if let Some(row) = HoldingRow::submitted(fact, event) {
                        holdings.insert(fact.id, row);
                    }
                }
            },
            _ => {}
        }
    }
    // Work is only ever given to someone already onboarded, so their row is there.
    for (id, at) in given_work {
        if let Some(row) = staff.get_mut(&id) {
            row.last_assigned_at = Some(row.last_assigned_at.map_or(at, |last| last.max(at)));
        }
    }

    let changed_staff = staff.values().filter(|row| staff_before.get(&row.staff_id) != Some(*row)).map(StaffRow::cells);
    let staff_table = target.table("staff_directory");
    store::write(tx, &staff_table, STAFF_COLUMNS, &["staff_id"], changed_staff.collect(), OnConflict::Replace).await?;
    let account_rows = accounts.into_iter().map(|(id, active)| vec![id.into(), active.into()]).collect();
    let accounts_table = target.table("staff_directory_accounts");
    store::write(tx, &accounts_table, &["account_id", "active"], &["account_id"], account_rows, OnConflict::Replace)
        .await?;

    let mut figures = Sums::new("staff_directory_figures", &["staff_id"], FIGURES);
    let mut changed = Vec::new();
    for (id, row) in &holdings {
        let old = holdings_before.get(id);
        if old == Some(row) {
            continue;
        }
        for (staff, counts) in old.map(HoldingRow::figures).unwrap_or_default() {
            figures.add(vec![staff.into()], &counts, -1);
        }
        for (staff, counts) in row.figures() {
            figures.add(vec![staff.into()], &counts, 1);
        }
        changed.push(row.cells());
    }
    store::write(tx, &table, HOLDING_COLUMNS, &["request_id"], changed, OnConflict::Replace).await?;
    figures.write(tx, target).await?;
    Ok(())
}
