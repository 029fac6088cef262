//! Resident use cases: registering a resident with their account, and changes to their standing.

use khaki_domain::account::AccountKind;
use khaki_domain::resident::{Register, Resident, ResidentCommand, ResidentType};
use khaki_domain::AccountId;
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
) -> Result<Executed<Resident>, CommandError> {
    let loaded = log.load::<Resident>(&account.id.to_string()).await?;
    let mut tx = log.begin().await?;
    let command_id = Uuid::new_v4();
    open_in(log, &mut tx, origin, &account, AccountKind::Resident, false, command_id).await?;
    if register.resident_type == ResidentType::Owner {
        claim_in(log, &mut tx, origin, &register.flat, account.id, command_id).await?;
    }
    let executed = loaded
        .decide("register_resident", origin.issue(ResidentCommand::Register(register)))
        .await?
        .append_to(log, &mut tx, origin, command_id)
        .await?;
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
