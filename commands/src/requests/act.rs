//! Every action on a filed request (SPEC §2's table), one function each. Each loads the request
//! as the actor may see it, gathers the facts its rules need, decides, and records — and runs
//! again against the new state if another command got there first.

use chrono::{DateTime, Utc};
use khaki_domain::request::{
    Assign, Escalate, MaintenanceRequest, Reopen, Request, RequestCommand, Resolve, Revision, StartWork,
};
use khaki_domain::{AccountId, CommentId, Rating, RequestId, Rupees, Text};

use crate::error::CommandError;
use crate::ledger::candidate;
use crate::log::{retrying, EventLog, Executed, Loaded};
use crate::origin::Origin;
use crate::visibility::load_visible_request;

/// Runs a command built from the request as it is now; the builder may look facts up.
async fn run<F, Fut>(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    name: &'static str,
    build: F,
) -> Result<Executed<MaintenanceRequest>, CommandError>
where
    F: Fn(Request) -> Fut,
    Fut: std::future::Future<Output = Result<RequestCommand, CommandError>>,
{
    let build = &build;
    retrying(origin, || async move {
        let loaded: Loaded<MaintenanceRequest> = load_visible_request(log, &origin.actor, id).await?;
        loaded.expect_version(origin)?;
        let request =
            loaded.state.filed().cloned().ok_or_else(|| CommandError::not_found(format!("no request {id}")))?;
        let command = build(request).await?;
        loaded.decide(name, origin.issue(command)).await?.commit(log, origin).await
    })
    .await
}

/// A command that needs no facts beyond the request.
async fn simple(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    name: &'static str,
    command: RequestCommand,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    run(log, origin, id, name, |_| {
        let command = command.clone();
        async move { Ok(command) }
    })
    .await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn acknowledge(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "acknowledge", RequestCommand::Acknowledge).await
}

#[derive(Clone, Debug)]
pub struct AssignTo {
    pub staff: AccountId,
    pub due: Option<DateTime<Utc>>,
    pub estimated_cost: Option<Rupees>,
}

#[tracing::instrument(skip_all, fields(request = %id, staff = %to.staff))]
pub async fn assign(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    to: AssignTo,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    let limit = log.rules().workload_limit;
    run(log, origin, id, "assign", |_| {
        let to = to.clone();
        async move {
            let assignee = candidate(log.database(), to.staff)
                .await?
                .ok_or_else(|| CommandError::invalid("staff_id", format!("{} is not a staff member", to.staff)))?;
            Ok(RequestCommand::Assign(Assign {
                assignee,
                workload_limit: limit,
                due: to.due,
                estimated_cost: to.estimated_cost,
                ranking: vec![],
            }))
        }
    })
    .await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn unassign(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "unassign", RequestCommand::Unassign).await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn start_work(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    let limit = log.rules().workload_limit;
    run(log, origin, id, "start_work", |_| async move {
        let taker = if origin.actor.is_staff() { candidate(log.database(), origin.actor.account).await? } else { None };
        Ok(RequestCommand::StartWork(StartWork { taker, workload_limit: limit }))
    })
    .await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn hand_back(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "hand_back", RequestCommand::HandBack).await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn resolve(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    actual_cost: Option<Rupees>,
    note: Option<Text>,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "resolve", RequestCommand::Resolve(Resolve { actual_cost, note })).await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn close(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "close", RequestCommand::Close).await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn reopen(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    reason: Text,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    run(log, origin, id, "reopen", |request| {
        let reason = reason.clone();
        async move {
            let assignee_employed = match request.assignee() {
                Some(assignee) => {
                    candidate(log.database(), assignee).await?.is_some_and(|c| c.employed && c.account_active)
                }
                None => false,
            };
            Ok(RequestCommand::Reopen(Reopen { reason, assignee_employed }))
        }
    })
    .await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn cancel(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    reason: Text,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "cancel", RequestCommand::Cancel { reason }).await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn rate(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    rating: Rating,
    feedback: Option<Text>,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "rate", RequestCommand::Rate { rating, feedback }).await
}

/// Sets any of due time, estimated cost and priority in one command.
#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn revise(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    revision: Revision,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "revise", RequestCommand::Revise(revision)).await
}

#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn comment(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    comment: CommentId,
    text: Text,
    internal: bool,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "comment", RequestCommand::Comment { id: comment, text, internal }).await
}

/// One hourly escalation step for one overdue request (system only).
#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn escalate(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    let hours = log.rules().level_two_after_hours;
    simple(log, origin, id, "escalate", RequestCommand::Escalate(Escalate { level_two_after_hours: hours })).await
}

/// Closes a request left resolved for the configured days (system only).
#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn auto_close(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    let days = log.rules().auto_close_days;
    simple(log, origin, id, "auto_close", RequestCommand::AutoClose { after_days: days }).await
}

/// Returns a request held by a deactivated staff member to `acknowledged`.
#[tracing::instrument(skip_all, fields(request = %id))]
pub async fn end_assignment(
    log: &EventLog,
    origin: &Origin,
    id: RequestId,
    assignee: AccountId,
) -> Result<Executed<MaintenanceRequest>, CommandError> {
    simple(log, origin, id, "end_assignment", RequestCommand::EndAssignment { assignee }).await
}
