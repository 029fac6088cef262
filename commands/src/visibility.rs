//! "A request you may not see does not exist for you" (SPEC §2): loading a request on someone's
//! behalf answers not-found unless the domain's visibility rule lets them see it.

use std::collections::BTreeSet;

use khaki_domain::request::{can_see, MaintenanceRequest};
use khaki_domain::{AccountId, Actor, RequestId};
use khaki_migrations::Database;

use crate::error::CommandError;
use crate::ledger::reports_of;
use crate::log::{EventLog, Loaded};

/// Everyone below the actor in the reporting chain (empty for anyone not employed staff).
pub async fn reports_for(db: &Database, actor: &Actor) -> Result<BTreeSet<AccountId>, CommandError> {
    if actor.is_staff() {
        reports_of(db, actor.account).await
    } else {
        Ok(BTreeSet::new())
    }
}

/// Loads a request the actor can see, or answers not found.
pub async fn load_visible_request(
    log: &EventLog,
    actor: &Actor,
    id: RequestId,
) -> Result<Loaded<MaintenanceRequest>, CommandError> {
    let loaded = log.load::<MaintenanceRequest>(&id.to_string()).await?;
    ensure_visible(log.database(), actor, id, &loaded.state).await?;
    Ok(loaded)
}

/// Answers not found unless the request has been filed and the actor may see it as it stands in
/// `current`. For callers that already folded the request themselves.
pub async fn ensure_visible(
    db: &Database,
    actor: &Actor,
    id: RequestId,
    current: &MaintenanceRequest,
) -> Result<(), CommandError> {
    let Some(request) = current.filed() else {
        return Err(not_found(id));
    };
    // The reporting chain is only looked up when nothing simpler already lets them see it.
    let visible = can_see(actor, &BTreeSet::new(), request)
        || (actor.is_staff()
            && request.assignee().is_some()
            && can_see(actor, &reports_for(db, actor).await?, request));
    if visible {
        Ok(())
    } else {
        Err(not_found(id))
    }
}

fn not_found(id: RequestId) -> CommandError {
    CommandError::not_found(format!("no request {id}"))
}
