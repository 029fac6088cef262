//! The staff ledger: what decides whether a staff member can be given work, and the reporting
//! chain. Kept in step with Staff events; read for assignment facts and visibility.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use khaki_domain::staff::{StaffMember, StaffRefusal, SupervisorFacts};
use khaki_domain::{AccountId, Candidate, Permission, Permissions, StaffRole};
use khaki_migrations::{unique_violation, with_pool, with_tx, Database, StoreKind, Tx};
use uuid::Uuid;

use crate::error::CommandError;
use crate::ledger::{Change, Recorded};
use crate::rules::Rules;

impl Recorded for StaffMember {
    const NOUN: &'static str = "the staff member";

    fn refusal(error: StaffRefusal) -> CommandError {
        error.into()
    }

    async fn record(tx: &mut Tx, change: &Change<'_, Self>, _: &Rules) -> Result<(), CommandError> {
        let Some(staff) = change.after.record() else {
            return Ok(());
        };
        let flag = |p| staff.permissions.contains(&p);
        let written = with_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO staff_ledger (staff_id, employee_id, role, access_all, can_assign, can_close, manage_finances,
                     send_announcements, employed, account_active, supervisor_id, available_24x7)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE((SELECT active FROM accounts WHERE id = $1), false), $10, $11)
                 ON CONFLICT (staff_id) DO UPDATE SET role = excluded.role, access_all = excluded.access_all,
                     can_assign = excluded.can_assign, can_close = excluded.can_close, manage_finances = excluded.manage_finances,
                     send_announcements = excluded.send_announcements, employed = excluded.employed,
                     supervisor_id = excluded.supervisor_id, available_24x7 = excluded.available_24x7",
            )
            .bind(staff.id.as_uuid())
            .bind(staff.employee_id.as_str())
            .bind(staff.role.name())
            .bind(flag(Permission::AccessAllRequests))
            .bind(flag(Permission::Assign))
            .bind(flag(Permission::Close))
            .bind(flag(Permission::ManageFinances))
            .bind(flag(Permission::SendAnnouncements))
            .bind(staff.active)
            .bind(staff.supervisor.map(|s| s.as_uuid()))
            .bind(staff.available_24x7)
            .execute(conn)
            .await.map(|done| done.rows_affected())
        });
        match written {
            Ok(_) => Ok(()),
            Err(e) if unique_violation(&e).is_some() => Err(CommandError::Duplicate {
                field: "employee_id",
                message: format!("employee id {} is already taken by another staff member", staff.employee_id),
            }),
            Err(e) => Err(e.into()),
        }
    }
}

#[derive(sqlx::FromRow)]
struct StaffRow {
    staff_id: Uuid,
    role: String,
    access_all: bool,
    can_assign: bool,
    can_close: bool,
    manage_finances: bool,
    send_announcements: bool,
    employed: bool,
    account_active: bool,
    available_24x7: bool,
    open_assignments: i32,
    rating_sum: i32,
    rating_count: i32,
    last_assigned_at: Option<DateTime<Utc>>,
}

const CANDIDATE: &str =
    "SELECT staff_id, role, access_all, can_assign, can_close, manage_finances, send_announcements, employed,
        account_active, available_24x7, open_assignments, rating_sum, rating_count, last_assigned_at
 FROM staff_ledger";

impl StaffRow {
    fn candidate(self) -> Result<Candidate, CommandError> {
        let role: StaffRole = self.role.parse().map_err(CommandError::Log)?;
        let mut permissions = Permissions::new();
        for (held, flag) in [
            (self.access_all, Permission::AccessAllRequests),
            (self.can_assign, Permission::Assign),
            (self.can_close, Permission::Close),
            (self.manage_finances, Permission::ManageFinances),
            (self.send_announcements, Permission::SendAnnouncements),
        ] {
            if held {
                permissions.insert(flag);
            }
        }
        let count = |n: i32| u32::try_from(n).unwrap_or(0);
        Ok(Candidate {
            staff: AccountId::from_uuid(self.staff_id),
            role,
            permissions,
            employed: self.employed,
            account_active: self.account_active,
            available_24x7: self.available_24x7,
            open_assignments: count(self.open_assignments),
            rating_sum: count(self.rating_sum),
            rating_count: count(self.rating_count),
            last_assigned_at: self.last_assigned_at,
        })
    }
}

/// The assignment facts of one staff member, or `None` if they are not staff.
pub async fn candidate(db: &Database, staff: AccountId) -> Result<Option<Candidate>, CommandError> {
    let sql = format!("{CANDIDATE} WHERE staff_id = $1");
    let row: Option<StaffRow> =
        with_pool!(db, |pool| sqlx::query_as(&sql).bind(staff.as_uuid()).fetch_optional(pool).await)?;
    row.map(StaffRow::candidate).transpose()
}

/// The same, read inside a transaction (after a guard failed, to say why).
pub(crate) async fn candidate_in(tx: &mut Tx, staff: AccountId) -> Result<Option<Candidate>, CommandError> {
    let sql = format!("{CANDIDATE} WHERE staff_id = $1");
    let row: Option<StaffRow> =
        with_tx!(tx, |conn| sqlx::query_as(&sql).bind(staff.as_uuid()).fetch_optional(conn).await)?;
    row.map(StaffRow::candidate).transpose()
}

/// Every staff member's assignment facts, in a stable order (for ranking).
pub async fn all_candidates(db: &Database) -> Result<Vec<Candidate>, CommandError> {
    let sql = format!("{CANDIDATE} ORDER BY employee_id");
    let rows: Vec<StaffRow> = with_pool!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(StaffRow::candidate).collect()
}

/// Everyone below `staff` in the reporting chain.
pub async fn reports_of(db: &Database, staff: AccountId) -> Result<BTreeSet<AccountId>, CommandError> {
    let ids: Vec<Uuid> = with_pool!(db, |pool| {
        sqlx::query_scalar(
            "WITH RECURSIVE below(id) AS (
                 SELECT staff_id FROM staff_ledger WHERE supervisor_id = $1
                 UNION SELECT s.staff_id FROM staff_ledger s JOIN below b ON s.supervisor_id = b.id)
             SELECT id FROM below",
        )
        .bind(staff.as_uuid())
        .fetch_all(pool)
        .await
    })?;
    Ok(ids.into_iter().map(AccountId::from_uuid).collect())
}

/// The facts a supervisor choice is judged on. Takes the reporting-chain lock first, so two
/// changes that would together close a loop are checked one after the other.
pub async fn supervisor_facts(
    tx: &mut Tx,
    member: AccountId,
    proposed: AccountId,
) -> Result<SupervisorFacts, CommandError> {
    if tx.kind() == StoreKind::Postgres {
        // SQLite's BEGIN IMMEDIATE already excludes every other writer.
        with_tx!(tx, |conn| sqlx::query("SELECT pg_advisory_xact_lock(7220001)")
            .execute(conn)
            .await
            .map(|done| done.rows_affected()))?;
    }
    let employed: Option<bool> = with_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT employed FROM staff_ledger WHERE staff_id = $1")
            .bind(proposed.as_uuid())
            .fetch_optional(conn)
            .await
    })?;
    let loops: i64 = with_tx!(tx, |conn| {
        sqlx::query_scalar(
            "WITH RECURSIVE chain(id) AS (
                 SELECT supervisor_id FROM staff_ledger WHERE staff_id = $1
                 UNION SELECT s.supervisor_id FROM staff_ledger s JOIN chain c ON s.staff_id = c.id)
             SELECT COUNT(*) FROM chain WHERE id = $2",
        )
        .bind(proposed.as_uuid())
        .bind(member.as_uuid())
        .fetch_one(conn)
        .await
    })?;
    Ok(SupervisorFacts { staff: proposed, active_staff: employed == Some(true), reports_to_member: loops > 0 })
}

/// Requests `staff` holds open, read outside any transaction.
pub async fn holdings(db: &Database, staff: AccountId) -> Result<Vec<Uuid>, CommandError> {
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT request_id FROM request_holdings WHERE staff_id = $1 ORDER BY since")
            .bind(staff.as_uuid())
            .fetch_all(pool)
            .await
    })?)
}

/// Staff who hold a permission and are employed (those to tell, or to ask).
pub async fn staff_holding(db: &Database, permission: Permission) -> Result<Vec<AccountId>, CommandError> {
    let column = match permission {
        Permission::AccessAllRequests => "access_all",
        Permission::Assign => "can_assign",
        Permission::Close => "can_close",
        Permission::ManageFinances => "manage_finances",
        Permission::SendAnnouncements => "send_announcements",
    };
    let sql = format!(
        "SELECT staff_id FROM staff_ledger WHERE {column} AND employed AND account_active ORDER BY employee_id"
    );
    let ids: Vec<Uuid> = with_pool!(db, |pool| sqlx::query_scalar(&sql).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(AccountId::from_uuid).collect())
}

/// A staff member whose flags differ from their role's row of the table (SPEC §1 diagnostics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagDiagnosis {
    pub staff: AccountId,
    pub employee_id: String,
    pub role: StaffRole,
    pub granted_beyond_role: Vec<Permission>,
    pub missing_from_role: Vec<Permission>,
}

/// Every staff member whose flags differ from their role's defaults, by employee id.
pub async fn flag_diagnostics(db: &Database) -> Result<Vec<FlagDiagnosis>, CommandError> {
    let employee_ids: Vec<(Uuid, String)> =
        with_pool!(db, |pool| sqlx::query_as("SELECT staff_id, employee_id FROM staff_ledger ORDER BY employee_id")
            .fetch_all(pool)
            .await)?;
    let candidates = all_candidates(db).await?;
    Ok(employee_ids
        .into_iter()
        .filter_map(|(id, employee_id)| {
            let candidate = candidates.iter().find(|c| c.staff.as_uuid() == id)?;
            let defaults = candidate.role.default_permissions();
            let granted_beyond_role: Vec<Permission> = candidate.permissions.difference(&defaults).copied().collect();
            let missing_from_role: Vec<Permission> = defaults.difference(&candidate.permissions).copied().collect();
            (!granted_beyond_role.is_empty() || !missing_from_role.is_empty()).then_some(FlagDiagnosis {
                staff: candidate.staff,
                employee_id,
                role: candidate.role,
                granted_beyond_role,
                missing_from_role,
            })
        })
        .collect())
}
