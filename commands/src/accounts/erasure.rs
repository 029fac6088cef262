//! Erasing a person's personal data without touching the log.

use khaki_domain::account::{Account, AccountCommand};
use khaki_domain::AccountId;
use khaki_migrations::with_tx;
use uuid::Uuid;

use crate::accounts::{other_administrators, ERASED_PERSON};
use crate::error::CommandError;
use crate::log::{EventLog, Executed};
use crate::origin::Origin;

/// Erases a person's personal data (names, username, e-mail, phones, password) from the accounts
/// table and the roster, records the erasure (which also closes the account), and ends their
/// sessions. The log holds no personal data, so every history and the hash chain stay intact;
/// histories then name them "erased person".
pub async fn erase(log: &EventLog, origin: &Origin, id: AccountId) -> Result<Executed<Account>, CommandError> {
    let executed = crate::log::retrying(origin, || async {
        let loaded = log.load::<Account>(&id.to_string()).await?;
        let others = other_administrators(log.database(), id).await?;
        let decided =
            loaded.decide("erase_personal_data", origin.issue(AccountCommand::RecordErasure { others })).await?;
        let mut tx = log.begin().await?;
        let placeholder = format!("erased-{}", &id.as_uuid().simple().to_string()[..12]);
        with_tx!(&mut tx, |conn| {
            sqlx::query(
                "UPDATE accounts SET username = $2, email = NULL, display_name = NULL, phone = NULL, alternate_phone = NULL,
                     emergency_contact_name = NULL, emergency_contact_phone = NULL, password_hash = NULL, erased_at = $3
                 WHERE id = $1",
            )
            .bind(id.as_uuid())
            .bind(&placeholder)
            .bind(origin.at)
            .execute(&mut *conn)
            .await?;
            sqlx::query("UPDATE roster_entries SET owner_names = $2, phone = NULL, email = NULL WHERE claimed_by = $1")
                .bind(id.as_uuid())
                .bind(ERASED_PERSON)
                .execute(&mut *conn)
                .await
                .map(|done| done.rows_affected())
        })?;
        let executed = decided.append_to(log, &mut tx, origin, Uuid::new_v4()).await?;
        tx.commit().await?;
        Ok(executed)
    })
    .await?;
    crate::sessions::sign_out_everywhere(log.database(), id, origin.at).await?;
    Ok(executed)
}
