//! Deactivating a staff member: they stop being assignable at once, and every request they hold
//! open goes back to `acknowledged` for reassignment (SPEC §1).

use khaki_domain::staff::{StaffCommand, StaffMember};
use khaki_domain::{AccountId, Actor, RequestId};

use crate::error::CommandError;
use crate::ledger::holdings;
use crate::log::{EventLog, Executed};
use crate::origin::Origin;
use crate::requests::end_assignment;
use crate::staff::change;

/// Deactivates and returns the requests they held (those returned are listed). Running it again
/// on someone already inactive returns anything still held, so an interrupted run is finished
/// by repeating it.
#[tracing::instrument(skip_all, fields(staff = %id))]
pub async fn deactivate(
    log: &EventLog,
    origin: &Origin,
    id: AccountId,
) -> Result<(Executed<StaffMember>, Vec<RequestId>), CommandError> {
    // Once the staff ledger says "not employed", the workload guard refuses every new
    // assignment, so the holdings read afterwards can only shrink.
    let executed = change(log, origin, id, "deactivate", StaffCommand::Deactivate).await?;
    let system = origin.acting_as(Actor::system());
    let mut returned = Vec::new();
    for request in holdings(log.database(), id).await? {
        let request = RequestId::from_uuid(request);
        match end_assignment(log, &system, request, id).await {
            Ok(_) => returned.push(request),
            // Someone else moved it meanwhile (resolved, reassigned): nothing to return.
            Err(CommandError::Refused(_)) => {}
            Err(other) => return Err(other),
        }
    }
    let still_active = log.load::<StaffMember>(&id.to_string()).await?.state.record().is_some_and(|r| r.active);
    if still_active {
        return Err(CommandError::Conflict { what: "the staff member" });
    }
    Ok((executed, returned))
}
