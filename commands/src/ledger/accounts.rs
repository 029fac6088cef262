//! What account events change in the ledger: the account's flags, and whether a staff member's
//! account is active for assignment.

use khaki_domain::account::{Account, AccountRefusal};
use khaki_migrations::{with_tx, Tx};

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
        Ok(())
    }
}
