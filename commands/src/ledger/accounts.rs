//! What account events change in the ledger: the account's flags, and whether a staff member's
//! account is active for assignment; and that the estate keeps an administrator who can act.

use khaki_domain::account::{Account, AccountRecord, AccountRefusal};
use khaki_migrations::{with_tx, StoreKind, Tx};

use crate::error::CommandError;
use crate::ledger::{Change, Recorded};
use crate::rules::Rules;

impl Recorded for Account {
    const NOUN: &'static str = "the account";

    fn refusal(error: AccountRefusal) -> CommandError {
        error.into()
    }

    async fn record(tx: &mut Tx, change: &Change<'_, Self>, _: &Rules) -> Result<(), CommandError> {
        let Some(account) = change.after.record() else {
            return Ok(());
        };
        let updated = with_tx!(tx, |conn| {
            let row = sqlx::query("UPDATE accounts SET active = $2, administrator = $3, auditor = $4 WHERE id = $1")
                .bind(account.id.as_uuid())
                .bind(account.active)
                .bind(account.administrator)
                .bind(account.auditor)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            sqlx::query("UPDATE staff_ledger SET account_active = $2 WHERE staff_id = $1")
                .bind(account.id.as_uuid())
                .bind(account.active)
                .execute(&mut *conn)
                .await?;
            Ok::<_, sqlx::Error>(row)
        })?;
        if updated == 0 {
            return Err(CommandError::Log(format!("account {} has no row in the accounts table", account.id)));
        }
        let stepped_down =
            change.before.record().is_some_and(AccountRecord::runs_the_estate) && !account.runs_the_estate();
        if stepped_down {
            keeps_an_administrator(tx).await?;
        }
        Ok(())
    }
}

/// The command was decided on another administrator being able to act; two of them stepping
/// down (or taking each other's rights) at the same moment could each have read that of the
/// other. Under one lock, the accounts as they are now must still have one: otherwise this is a
/// lost race, and the retry decides on the new facts (and refuses).
async fn keeps_an_administrator(tx: &mut Tx) -> Result<(), CommandError> {
    if tx.kind() == StoreKind::Postgres {
        // SQLite's BEGIN IMMEDIATE already excludes every other writer.
        with_tx!(tx, |conn| sqlx::query("SELECT pg_advisory_xact_lock(7220002)")
            .execute(conn)
            .await
            .map(|done| done.rows_affected()))?;
    }
    let left: i64 = with_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE administrator AND active AND NOT auditor")
            .fetch_one(conn)
            .await
    })?;
    if left == 0 {
        return Err(CommandError::Conflict { what: "the estate's administrators" });
    }
    Ok(())
}
