//! `decide`: a request's state and a command in, the facts to record or a refusal out.
//! Read it beside SPEC §2: each arm is one row of the action table.

use chrono::{DateTime, Duration, Utc};

use crate::actor::{Actor, Issued, SYSTEM_ACCOUNT};
use crate::ids::AccountId;
use crate::request::command::{Assign, Escalate, Reopen, RequestCommand, Resolve, Revision, StartWork, Submit};
use crate::request::event::{ClosedHow, RequestEvent, UnassignReason};
use crate::request::permissions::{authorise, authorise_submission, Action};
use crate::request::refusal::RequestRefusal;
use crate::request::state::{MaintenanceRequest, Request, Stage, Status};
use crate::roles::Permission;

type Decision = Result<Vec<RequestEvent>, RequestRefusal>;

pub fn decide(state: &MaintenanceRequest, issued: &Issued<RequestCommand>) -> Decision {
    let Issued { by, at, command } = issued;
    match (state, command) {
        (MaintenanceRequest::NotSubmitted, RequestCommand::Submit(submit)) => submit_request(by, *at, submit),
        (MaintenanceRequest::Filed(_), RequestCommand::Submit(_)) => Err(RequestRefusal::AlreadySubmitted),
        (MaintenanceRequest::NotSubmitted, _) => Err(RequestRefusal::NotFound),
        (MaintenanceRequest::Filed(request), command) => {
            let action = action_of(command);
            authorise(by, action, request).map_err(RequestRefusal::NotAllowed)?;
            decide_on_filed(request, by, *at, command)
        }
    }
}

/// The row of the action table a command belongs to.
pub fn action_of(command: &RequestCommand) -> Action {
    match command {
        RequestCommand::Submit(_) => Action::Submit,
        RequestCommand::Acknowledge => Action::Acknowledge,
        RequestCommand::Assign(_) => Action::Assign,
        RequestCommand::Unassign => Action::Unassign,
        RequestCommand::StartWork(_) => Action::StartWork,
        RequestCommand::HandBack => Action::HandBack,
        RequestCommand::Resolve(_) => Action::Resolve,
        RequestCommand::Close => Action::Close,
        RequestCommand::Reopen(_) => Action::Reopen,
        RequestCommand::Cancel { .. } => Action::Cancel,
        RequestCommand::Rate { .. } => Action::Rate,
        RequestCommand::Revise(Revision { priority: Some(_), .. }) => Action::Reprioritise,
        RequestCommand::Revise(Revision { estimated_cost: Some(_), .. }) => Action::EstimateCost,
        RequestCommand::Revise(_) => Action::SetDueTime,
        RequestCommand::Comment { internal: true, .. } => Action::CommentInternally,
        RequestCommand::Comment { internal: false, .. } => Action::Comment,
        RequestCommand::Escalate(_) => Action::Escalate,
        RequestCommand::AutoClose { .. } => Action::AutoClose,
        RequestCommand::EndAssignment { .. } => Action::EndAssignment,
    }
}

fn submit_request(by: &Actor, at: DateTime<Utc>, submit: &Submit) -> Decision {
    authorise_submission(by, submit.submitter).map_err(RequestRefusal::NotAllowed)?;
    if !submit.submitter_is_active_resident {
        return Err(RequestRefusal::SubmitterNotActiveResident);
    }
    let maximum = submit.category.max_priority;
    let priority = submit.priority.unwrap_or(maximum);
    // Residents file up to the category's maximum; staff may set any priority.
    if by.is_resident() && priority > maximum {
        return Err(RequestRefusal::PriorityAboveCategoryMaximum {
            requested: priority,
            maximum,
            category: submit.category.name.clone(),
        });
    }
    Ok(vec![RequestEvent::RequestSubmitted {
        id: submit.id,
        ticket: submit.ticket,
        title: submit.title.clone(),
        description: submit.description.clone(),
        category: submit.category.clone(),
        location: submit.location.clone(),
        priority,
        submitter: submit.submitter,
        filed_by: (by.account != submit.submitter).then_some(by.account),
        due: at + Duration::hours(i64::from(submit.category.target_hours)),
        at,
    }])
}

fn decide_on_filed(request: &Request, by: &Actor, at: DateTime<Utc>, command: &RequestCommand) -> Decision {
    let me = by.account;
    let status = request.status();
    let refuse = |action| RequestRefusal::RefusedTransition { action, status, allowed: status.may_move_to() };
    match (&request.stage, command) {
        (_, RequestCommand::Submit(_)) => Err(RequestRefusal::AlreadySubmitted),

        (Stage::Submitted, RequestCommand::Acknowledge) => Ok(vec![RequestEvent::RequestAcknowledged { by: me, at }]),
        (_, RequestCommand::Acknowledge) => Err(refuse(Action::Acknowledge)),

        (_, RequestCommand::Assign(assign)) => assign_request(request, me, at, assign),

        (Stage::Assigned(held), RequestCommand::Unassign) => Ok(vec![RequestEvent::RequestUnassigned {
            previous: held.assignee,
            by: me,
            reason: UnassignReason::Unassigned,
            at,
        }]),
        (_, RequestCommand::Unassign) => Err(refuse(Action::Unassign)),

        (Stage::Assigned(held), RequestCommand::StartWork(_)) => {
            Ok(vec![RequestEvent::WorkStarted { assignee: held.assignee, by: me, took_on: false, at }])
        }
        (Stage::Acknowledged, RequestCommand::StartWork(start)) => take_on(request, me, at, start),
        (_, RequestCommand::StartWork(_)) => Err(refuse(Action::StartWork)),

        (Stage::InProgress(held), RequestCommand::HandBack) => {
            Ok(vec![RequestEvent::WorkHandedBack { assignee: held.assignee, by: me, at }])
        }
        (_, RequestCommand::HandBack) => Err(refuse(Action::HandBack)),

        (Stage::InProgress(_), RequestCommand::Resolve(Resolve { actual_cost, note })) => {
            Ok(vec![RequestEvent::RequestResolved { by: me, actual_cost: *actual_cost, note: note.clone(), at }])
        }
        (_, RequestCommand::Resolve(_)) => Err(refuse(Action::Resolve)),

        (Stage::Resolved { assignment, .. }, RequestCommand::Close) => {
            let confirmed = me == request.submitter && assignment.assignee != me && !by.holds(Permission::Close);
            let how = if confirmed { ClosedHow::ConfirmedBySubmitter } else { ClosedHow::ByStaff };
            Ok(vec![RequestEvent::RequestClosed { by: me, how, at }])
        }
        (_, RequestCommand::Close) => Err(refuse(Action::Close)),

        (Stage::Resolved { assignment, .. }, RequestCommand::Reopen(Reopen { reason, assignee_employed })) => {
            let mut events = vec![RequestEvent::RequestReopened { by: me, reason: reason.clone(), at }];
            // The person who did the work has left: the request goes back for reassignment,
            // through legal steps of the machine (in_progress → assigned → acknowledged).
            if !assignee_employed {
                events.extend(return_for_reassignment(assignment.assignee, true, me, at));
            }
            Ok(events)
        }
        (_, RequestCommand::Reopen(_)) => Err(refuse(Action::Reopen)),

        (stage, RequestCommand::Cancel { reason }) if stage.status().may_move(Status::Cancelled) => {
            Ok(vec![RequestEvent::RequestCancelled { by: me, reason: reason.clone(), at }])
        }
        (_, RequestCommand::Cancel { .. }) => Err(refuse(Action::Cancel)),

        (
            Stage::Resolved { assignment, .. } | Stage::Closed { assignment },
            RequestCommand::Rate { rating, feedback },
        ) => {
            if request.rating.is_some() {
                return Err(RequestRefusal::AlreadyRated);
            }
            Ok(vec![RequestEvent::WorkRated {
                rating: *rating,
                feedback: feedback.clone(),
                assignee: assignment.assignee,
                at,
            }])
        }
        (_, RequestCommand::Rate { .. }) => Err(RequestRefusal::NotFinished { status }),

        (_, RequestCommand::Revise(revision)) => revise(request, me, at, revision),

        (_, RequestCommand::Comment { id, text, internal }) => {
            // A retried comment (same id) is recorded once.
            let posted = request.comments.iter().any(|c| c.id == *id);
            Ok(changed(!posted, || RequestEvent::CommentPosted {
                comment: *id,
                author: me,
                text: text.clone(),
                internal: *internal,
                at,
            }))
        }

        (_, RequestCommand::Escalate(escalate)) => escalate_request(request, at, escalate),

        (Stage::Resolved { resolved_at, .. }, RequestCommand::AutoClose { after_days }) => {
            if at < *resolved_at + Duration::days(i64::from(*after_days)) {
                return Err(RequestRefusal::NotDueForAutoClose);
            }
            Ok(vec![RequestEvent::RequestClosed { by: SYSTEM_ACCOUNT, how: ClosedHow::Automatically, at }])
        }
        (_, RequestCommand::AutoClose { .. }) => Err(refuse(Action::AutoClose)),

        (Stage::Assigned(held), RequestCommand::EndAssignment { assignee }) if held.assignee == *assignee => {
            Ok(return_for_reassignment(*assignee, false, me, at))
        }
        (Stage::InProgress(held), RequestCommand::EndAssignment { assignee }) if held.assignee == *assignee => {
            Ok(return_for_reassignment(*assignee, true, me, at))
        }
        (_, RequestCommand::EndAssignment { assignee }) => Err(RequestRefusal::NotHeldBy { staff: *assignee }),
    }
}

/// Assign (first time, from submitted via an acknowledgement, or a reassignment).
fn assign_request(request: &Request, me: AccountId, at: DateTime<Utc>, assign: &Assign) -> Decision {
    let status = request.status();
    let mut events = Vec::new();
    let previous = match &request.stage {
        // Assigning a submitted request acknowledges it first: both facts are recorded so the
        // state machine holds.
        Stage::Submitted => {
            events.push(RequestEvent::RequestAcknowledged { by: me, at });
            None
        }
        Stage::Acknowledged => None,
        Stage::Assigned(held) | Stage::InProgress(held) => {
            if held.assignee == assign.assignee.staff {
                return Err(RequestRefusal::AlreadyTheAssignee);
            }
            Some(held.assignee)
        }
        _ => {
            return Err(RequestRefusal::RefusedTransition {
                action: Action::Assign,
                status,
                allowed: status.may_move_to(),
            })
        }
    };
    assign
        .assignee
        .assignable(request.category.trade, assign.workload_limit)
        .map_err(|reason| RequestRefusal::NotAssignable { staff: assign.assignee.staff, reason })?;
    if let Some(due) = assign.due {
        check_due(request, due)?;
    }
    events.push(RequestEvent::RequestAssigned {
        assignee: assign.assignee.staff,
        by: me,
        previous,
        ranking: assign.ranking.clone(),
        at,
    });
    if let Some(due) = assign.due.filter(|due| *due != request.due) {
        events.push(RequestEvent::DueTimeSet { due, by: me, at });
    }
    if let Some(cost) = assign.estimated_cost.filter(|cost| Some(*cost) != request.estimated_cost) {
        events.push(RequestEvent::CostEstimated { cost, by: me, at });
    }
    Ok(events)
}

/// A staff member takes on an acknowledged request and becomes its assignee.
fn take_on(request: &Request, me: AccountId, at: DateTime<Utc>, start: &StartWork) -> Decision {
    let Some(taker) = start.taker.as_ref().filter(|taker| taker.staff == me) else {
        return Err(RequestRefusal::NotAllowed(crate::request::permissions::NotAllowed {
            action: Action::StartWork,
            requirement: crate::request::permissions::Requirement::Staff,
        }));
    };
    taker
        .assignable(request.category.trade, start.workload_limit)
        .map_err(|reason| RequestRefusal::NotAssignable { staff: me, reason })?;
    Ok(vec![RequestEvent::WorkStarted { assignee: me, by: me, took_on: true, at }])
}

/// Due time, estimated cost and priority together; values already set record nothing.
fn revise(request: &Request, me: AccountId, at: DateTime<Utc>, revision: &Revision) -> Decision {
    unfinished(request)?;
    let mut events = Vec::new();
    if let Some(due) = revision.due {
        check_due(request, due)?;
        events.extend(changed(request.due != due, || RequestEvent::DueTimeSet { due, by: me, at }));
    }
    if let Some(cost) = revision.estimated_cost {
        events.extend(changed(request.estimated_cost != Some(cost), || RequestEvent::CostEstimated {
            cost,
            by: me,
            at,
        }));
    }
    if let Some(priority) = revision.priority {
        let from = request.priority;
        events.extend(changed(from != priority, || RequestEvent::Reprioritised { from, to: priority, by: me, at }));
    }
    Ok(events)
}

/// Hourly escalation: level 1 once overdue, level 2 a further period after level 1.
fn escalate_request(request: &Request, at: DateTime<Utc>, escalate: &Escalate) -> Decision {
    if !request.is_overdue(at) {
        return Err(RequestRefusal::NotOverdue);
    }
    match &request.escalation {
        None => Ok(vec![RequestEvent::RequestEscalated { level: 1, raised_to: None, at }]),
        Some(level_one) if level_one.level == 1 => {
            if at < level_one.at + Duration::hours(i64::from(escalate.level_two_after_hours)) {
                return Err(RequestRefusal::EscalationNotDue { level: 1 });
            }
            let raised = request.priority.escalated();
            Ok(vec![RequestEvent::RequestEscalated {
                level: 2,
                raised_to: (raised != request.priority).then_some(raised),
                at,
            }])
        }
        Some(done) => Err(RequestRefusal::EscalationNotDue { level: done.level }),
    }
}

/// Ends an open assignment by legal steps: hand back first when work had started.
fn return_for_reassignment(
    assignee: AccountId,
    in_progress: bool,
    me: AccountId,
    at: DateTime<Utc>,
) -> Vec<RequestEvent> {
    let mut events = Vec::new();
    if in_progress {
        events.push(RequestEvent::WorkHandedBack { assignee, by: me, at });
    }
    events.push(RequestEvent::RequestUnassigned {
        previous: assignee,
        by: me,
        reason: UnassignReason::StaffDeactivated,
        at,
    });
    events
}

fn unfinished(request: &Request) -> Result<(), RequestRefusal> {
    let status = request.status();
    if status.is_terminal() {
        Err(RequestRefusal::Finished { status })
    } else {
        Ok(())
    }
}

fn check_due(request: &Request, due: DateTime<Utc>) -> Result<(), RequestRefusal> {
    if due <= request.submitted_at {
        Err(RequestRefusal::DueBeforeSubmission { due, submitted_at: request.submitted_at })
    } else {
        Ok(())
    }
}

/// Setting a value to what it already is records nothing.
fn changed(differs: bool, event: impl FnOnce() -> RequestEvent) -> Vec<RequestEvent> {
    if differs {
        vec![event()]
    } else {
        Vec::new()
    }
}
