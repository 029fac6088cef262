//! Submitting a request: a gap-free ticket number taken in the same transaction as the
//! submission (at the ticket desk), then, for emergencies, assignment by the system.

use khaki_domain::request::{MaintenanceRequest, Request, Submit};
use khaki_domain::{AccountId, Priority, RequestId, Text, TicketNumber};
use khaki_migrations::{with_pool, Database};

use crate::error::CommandError;
use crate::log::{EventLog, Executed};
use crate::origin::Origin;
use crate::requests::desk::Filing;
use crate::requests::{assign_emergency, category};

#[derive(Clone, Debug)]
pub struct NewRequest {
    pub id: RequestId,
    /// The resident it is for; `None` means the actor (a resident filing for themself).
    pub submitter: Option<AccountId>,
    pub title: Text,
    pub description: Text,
    pub category: String,
    pub location: Text,
    pub priority: Option<Priority>,
}

#[derive(Clone, Debug)]
pub struct Submitted {
    pub executed: Executed<MaintenanceRequest>,
    pub ticket: TicketNumber,
    /// The staff member the system gave an emergency to, if it found one.
    pub emergency_assignee: Option<AccountId>,
}

#[tracing::instrument(skip_all, fields(request = %new.id))]
pub async fn submit(log: &EventLog, origin: &Origin, new: NewRequest) -> Result<Submitted, CommandError> {
    let category = category(&new.category)?;
    let submitter = new.submitter.unwrap_or(origin.actor.account);
    // A resident filing for themself was found active when their standing was looked up.
    let submitter_is_active_resident = if submitter == origin.actor.account && origin.actor.is_resident() {
        true
    } else {
        is_active_resident(log.database(), submitter).await?
    };
    let year = log.rules().local_year(origin.at);
    // A new stream cannot lose a race on its sequence, so the only retry is none: a submission
    // never fails because of its ticket number.
    let loaded = log.load::<MaintenanceRequest>(&new.id.to_string()).await?;
    let draft = Submit {
        id: new.id,
        // Replaced by the desk's number.
        ticket: TicketNumber::new(year, 1).map_err(|e| CommandError::Log(e.to_string()))?,
        submitter,
        submitter_is_active_resident,
        title: new.title,
        description: new.description,
        category,
        location: new.location,
        priority: new.priority,
    };
    let filing = Filing { origin: origin.clone(), loaded, year, draft };
    let (executed, ticket) = log.ticket_desk().file(log, filing).await?;
    let emergency = executed.state.filed().is_some_and(|r| r.priority == Priority::Emergency);
    // The submission stands whatever happens next; a failed emergency assignment leaves the
    // request for the people who can assign.
    let assigned = if emergency {
        assign_emergency(log, origin, new.id).await.unwrap_or_else(|error| {
            tracing::warn!(%error, ticket = %ticket, "emergency assignment failed");
            None
        })
    } else {
        None
    };
    let emergency_assignee = assigned.as_ref().and_then(|a| a.state.filed()).and_then(Request::assignee);
    // The answer is the request as this call left it: assigned, when the emergency found someone.
    let executed = assigned.unwrap_or(executed);
    Ok(Submitted { executed, ticket, emergency_assignee })
}

async fn is_active_resident(db: &Database, account: AccountId) -> Result<bool, CommandError> {
    let active: Option<bool> = with_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT r.active AND a.active AND (r.moves_out_on IS NULL OR r.moves_out_on > $2)
             FROM residents r JOIN accounts a ON a.id = r.account_id WHERE r.account_id = $1",
        )
        .bind(account.as_uuid())
        .bind(chrono::Utc::now().date_naive())
        .fetch_optional(pool)
        .await
    })?;
    Ok(active == Some(true))
}
