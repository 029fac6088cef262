//! What request events change in the ledger: who holds which request open (and so each staff
//! member's workload), ratings, and when someone was last given work.

use khaki_domain::request::{MaintenanceRequest, RequestEvent, RequestRefusal};
use khaki_domain::{AccountId, StaffRole, Trade};
use khaki_migrations::{unique_violation, with_tx, Tx};
use uuid::Uuid;

use crate::error::CommandError;
use crate::ledger::staff::candidate_in;
use crate::ledger::{Change, Recorded};
use crate::rules::Rules;

impl Recorded for MaintenanceRequest {
    const NOUN: &'static str = "the request";

    fn refusal(error: RequestRefusal) -> CommandError {
        error.into()
    }

    async fn record(tx: &mut Tx, change: &Change<'_, Self>, rules: &Rules) -> Result<(), CommandError> {
        let Some(request) = change.after.filed() else {
            return Ok(());
        };
        let before = change.before.open_holder();
        let after = change.after.open_holder();
        if before != after {
            if let (Some(previous), Some(next)) = (before, after) {
                lock_in_order(tx, previous, next).await?;
            }
            if let Some(previous) = before {
                release(tx, previous, request.id.as_uuid()).await?;
            }
            if let Some(holder) = after {
                // Taking on new work is held to the workload limit; getting one's own reopened
                // work back is not (see docs/architecture.md).
                let new_work = change.events.iter().any(|e| {
                    matches!(e, RequestEvent::RequestAssigned { .. } | RequestEvent::WorkStarted { took_on: true, .. })
                });
                let limit = new_work.then_some(rules.workload_limit);
                hold(tx, holder, request.id.as_uuid(), request.category.trade, change, limit).await?;
            }
        }
        for event in change.events {
            if let RequestEvent::RequestSubmitted { id, ticket, .. } = event {
                let inserted = with_tx!(tx, |conn| {
                    sqlx::query("INSERT INTO request_tickets (ticket, request_id) VALUES ($1, $2)")
                        .bind(ticket.to_string())
                        .bind(id.as_uuid())
                        .execute(conn)
                        .await
                        .map(|done| done.rows_affected())
                });
                // The same request submitted twice at once: the other submission got there first.
                inserted.map_err(|e| match unique_violation(&e) {
                    Some(_) => CommandError::Conflict { what: Self::NOUN },
                    None => CommandError::Store(e),
                })?;
            }
            if let RequestEvent::WorkRated { rating, assignee, .. } = event {
                with_tx!(tx, |conn| {
                    sqlx::query("UPDATE staff_ledger SET rating_sum = rating_sum + $2, rating_count = rating_count + 1 WHERE staff_id = $1")
                        .bind(assignee.as_uuid())
                        .bind(i32::from(rating.stars()))
                        .execute(conn)
                        .await.map(|done| done.rows_affected())
                })?;
            }
        }
        Ok(())
    }
}

/// A reassignment touches two staff members' rows. Taking them in one fixed order (by id) means
/// two reassignments between the same people in opposite directions queue instead of deadlocking.
/// SQLite's single writer already serialises them.
async fn lock_in_order(tx: &mut Tx, one: AccountId, other: AccountId) -> Result<(), CommandError> {
    if let Tx::Postgres(tx) = tx {
        let mut ids = [one.as_uuid(), other.as_uuid()];
        ids.sort();
        sqlx::query("SELECT staff_id FROM staff_ledger WHERE staff_id = ANY($1) ORDER BY staff_id FOR UPDATE")
            .bind(&ids[..])
            .fetch_all(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn release(tx: &mut Tx, staff: AccountId, request: Uuid) -> Result<(), CommandError> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM request_holdings WHERE request_id = $1").bind(request).execute(&mut *conn).await?;
        sqlx::query("UPDATE staff_ledger SET open_assignments = open_assignments - 1 WHERE staff_id = $1")
            .bind(staff.as_uuid())
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// The workload guard: one conditional UPDATE of the staff member's row, checked against the
/// facts as they are now (employed, account active, able to take the trade, under the limit).
/// The row lock makes concurrent assignments to one person take turns.
async fn hold(
    tx: &mut Tx,
    staff: AccountId,
    request: Uuid,
    trade: Trade,
    change: &Change<'_, MaintenanceRequest>,
    limit: Option<u32>,
) -> Result<(), CommandError> {
    let trade_role = StaffRole::ALL.into_iter().find(|r| r.own_trade() == Some(trade)).map(StaffRole::name);
    let ceiling = limit.map_or(i64::MAX, i64::from);
    let updated = with_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE staff_ledger SET open_assignments = open_assignments + 1,
                 last_assigned_at = CASE WHEN $5 THEN $4 ELSE last_assigned_at END
             WHERE staff_id = $1 AND employed AND account_active AND (access_all OR role = $2) AND open_assignments < $3",
        )
        .bind(staff.as_uuid())
        .bind(trade_role)
        .bind(ceiling)
        .bind(change.at)
        .bind(limit.is_some())
        .execute(conn)
        .await.map(|done| done.rows_affected())
    })?;
    if updated == 0 {
        // Say which rule failed, from the facts as they are now.
        let now = candidate_in(tx, staff).await?;
        let reason = match now {
            Some(candidate) => match candidate.assignable(trade, limit.unwrap_or(u32::MAX)) {
                Err(reason) => reason,
                Ok(()) => return Err(CommandError::Conflict { what: MaintenanceRequest::NOUN }),
            },
            None => return Err(CommandError::not_found(format!("no staff member {staff}"))),
        };
        return Err(RequestRefusal::NotAssignable { staff, reason }.into());
    }
    with_tx!(tx, |conn| {
        sqlx::query("INSERT INTO request_holdings (request_id, staff_id, since) VALUES ($1, $2, $3)")
            .bind(request)
            .bind(staff.as_uuid())
            .bind(change.at)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(())
}
