//! Resident use cases: registering a resident with their account, and changes to their standing.

use khaki_domain::account::AccountKind;
use khaki_domain::resident::{Register, Resident, ResidentCommand, ResidentType};
use khaki_domain::AccountId;
use khaki_migrations::{unique_violation, with_tx, Tx};
use uuid::Uuid;

use crate::accounts::{open_in, NewAccount};
use crate::error::CommandError;
use crate::log::{retrying, EventLog, Executed};
use crate::origin::Origin;
use crate::roster::claim_in;

/// Opens the resident's account and registers them at their flat, in one transaction; the
/// one-owner-and-one-tenant-per-flat rule is checked by the residents ledger on commit.
#[tracing::instrument(skip_all, fields(resident = %account.id, flat = %register.flat))]
pub async fn register(
    log: &EventLog,
    origin: &Origin,
    account: NewAccount,
    register: Register,
    contact: ContactDetails,
) -> Result<Executed<Resident>, CommandError> {
    let loaded = log.load::<Resident>(&account.id.to_string()).await?;
    let owner = register.resident_type == ResidentType::Owner;
    let flat = register.flat.clone();
    // Permission first, then uniqueness: the decision is made before any row is written.
    let decided = loaded.decide("register_resident", origin.issue(ResidentCommand::Register(register))).await?;
    let mut tx = log.begin().await?;
    let command_id = Uuid::new_v4();
    open_in(log, &mut tx, origin, &account, AccountKind::Resident, false, command_id).await?;
    write_contact(&mut tx, account.id, &contact).await?;
    if owner {
        claim_in(log, &mut tx, origin, &flat, account.id, command_id).await?;
    }
    let executed = decided.append_to(log, &mut tx, origin, command_id).await?;
    tx.commit().await?;
    Ok(executed)
}

#[tracing::instrument(skip_all, fields(resident = %id, command = name))]
pub async fn change(
    log: &EventLog,
    origin: &Origin,
    id: AccountId,
    name: &'static str,
    command: ResidentCommand,
) -> Result<Executed<Resident>, CommandError> {
    retrying(origin, || async {
        let loaded = log.load::<Resident>(&id.to_string()).await?;
        loaded.expect_version(origin)?;
        loaded.decide(name, origin.issue(command.clone())).await?.commit(log, origin).await
    })
    .await
}

/// A resident's contact details, kept in the accounts table (personal data, never in the log).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactDetails {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub alternate_phone: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

/// Replaces a resident's contact details and records that they changed, in one transaction.
#[tracing::instrument(skip_all, fields(resident = %id))]
pub async fn revise_contact(
    log: &EventLog,
    origin: &Origin,
    id: AccountId,
    contact: ContactDetails,
) -> Result<Executed<Resident>, CommandError> {
    retrying(origin, || async {
        let loaded = log.load::<Resident>(&id.to_string()).await?;
        loaded.expect_version(origin)?;
        let decided = loaded.decide("revise_contact", origin.issue(ResidentCommand::RecordContactChange)).await?;
        let mut tx = log.begin().await?;
        write_contact(&mut tx, id, &contact).await?;
        let executed = decided.append_to(log, &mut tx, origin, Uuid::new_v4()).await?;
        tx.commit().await?;
        Ok(executed)
    })
    .await
}

async fn write_contact(tx: &mut Tx, id: AccountId, contact: &ContactDetails) -> Result<(), CommandError> {
    let written = with_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE accounts SET email = COALESCE($2, email), phone = COALESCE($3, phone), alternate_phone = $4,
                 emergency_contact_name = $5, emergency_contact_phone = $6 WHERE id = $1",
        )
        .bind(id.as_uuid())
        .bind(contact.email.as_deref())
        .bind(contact.phone.as_deref())
        .bind(contact.alternate_phone.as_deref())
        .bind(contact.emergency_contact_name.as_deref())
        .bind(contact.emergency_contact_phone.as_deref())
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    });
    match written {
        Ok(_) => Ok(()),
        Err(error) => Err(match unique_violation(&error) {
            Some(_) => {
                CommandError::Duplicate { field: "email", message: "that e-mail address is already in use".into() }
            }
            None => error.into(),
        }),
    }
}
