//! Emergencies (priority 4): the system assigns the best suitable staff member who is available
//! 24×7 and under the workload limit, and records the ranking it chose from (SPEC §2).

use khaki_domain::request::{Assign, MaintenanceRequest, RequestCommand, RequestRefusal};
use khaki_domain::{rank_suitable, Actor, RequestId};

use crate::error::CommandError;
use crate::ledger::all_candidates;
use crate::log::{retrying, EventLog, Executed};
use crate::origin::Origin;
use crate::visibility::load_visible_request;

/// Returns the request as the assignment left it, or `None` when nobody qualifies (the request
/// then stays unassigned for the people who can assign) or someone assigned it first.
#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn assign_emergency(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
) -> Result<Option<Executed<MaintenanceRequest>>, CommandError> {
    let system = origin.acting_as(Actor::system());
    let limit = log.rules().workload_limit;
    retrying(&system, || async {
        let loaded = load_visible_request(log, &system.actor, id).await?;
        let Some(request) = loaded.state.filed() else { return Ok(None) };
        let around_the_clock: Vec<_> =
            all_candidates(log.database()).await?.into_iter().filter(|c| c.available_24x7).collect();
        let ranking = rank_suitable(request.category.trade, &around_the_clock, limit);
        let Some(best) = ranking.first() else {
            tracing::warn!(ticket = %request.ticket, "no staff member available 24x7 can take this emergency");
            return Ok(None);
        };
        let Some(chosen) = around_the_clock.iter().find(|c| c.staff == best.staff).cloned() else { return Ok(None) };
        let command = RequestCommand::Assign(Assign {
            assignee: chosen,
            workload_limit: limit,
            due: None,
            estimated_cost: None,
            ranking: ranking.clone(),
        });
        match loaded.decide("assign_emergency", system.issue(command)).await {
            Ok(decided) => match decided.commit(log, &system).await {
                Ok(executed) => Ok(Some(executed)),
                // They filled up between ranking and recording: rank again.
                Err(CommandError::Refused(crate::Refusal::Request(RequestRefusal::NotAssignable { .. }))) => {
                    Err(CommandError::Conflict { what: "the request" })
                }
                Err(other) => Err(other),
            },
            // Someone assigned it first: nothing left for the system to do.
            Err(CommandError::Refused(crate::Refusal::Request(
                RequestRefusal::RefusedTransition { .. } | RequestRefusal::AlreadyTheAssignee,
            ))) => Ok(None),
            Err(other) => Err(other),
        }
    })
    .await
}
