//! The rules of SPEC §2 beyond the state machine, one scenario each.

use super::*;
use crate::assignment::Unassignable;
use crate::category::Trade;
use crate::money::Rupees;
use crate::request::Revision;
use crate::request::{Assign, ClosedHow, Escalate, Reopen, RequestRefusal, StartWork, UnassignReason};
use crate::values::Rating;

pub(super) fn assign_to(n: u128) -> RequestCommand {
    RequestCommand::Assign(Assign {
        assignee: candidate(n, StaffRole::Plumber),
        workload_limit: 10,
        due: None,
        estimated_cost: None,
        ranking: vec![],
    })
}

fn with_assignee(assignee: Candidate) -> RequestCommand {
    RequestCommand::Assign(Assign { assignee, workload_limit: 10, due: None, estimated_cost: None, ranking: vec![] })
}

#[test]
fn a_resident_files_at_the_category_maximum_with_the_category_target_as_due_time() {
    Scenario::with(())
        .given_no_previous_events()
        .when(issue(resident(), 0, submit_command(None)))
        .then_expect_events(vec![submitted()]);
}

#[test]
fn a_resident_may_not_file_above_the_category_maximum() {
    Scenario::with(())
        .given_no_previous_events()
        .when(issue(resident(), 0, submit_command(Some(Priority::Emergency))))
        .then_expect_error(RequestRefusal::PriorityAboveCategoryMaximum {
            requested: Priority::Emergency,
            maximum: Priority::High,
            category: "Plumbing issue".into(),
        });
}

#[test]
fn staff_file_for_a_resident_at_any_priority_and_are_recorded_as_filing() {
    let result = Scenario::with(())
        .given_no_previous_events()
        .when(issue(manager(), 0, submit_command(Some(Priority::Emergency))))
        .inspect_result();
    let Ok(events) = result else { panic!("staff may file: {result:?}") };
    assert!(matches!(
        events.as_slice(),
        [RequestEvent::RequestSubmitted { priority: Priority::Emergency, filed_by: Some(f), submitter, .. }] if *f == id(MANAGER) && *submitter == id(RESIDENT)
    ));
}

#[test]
fn a_resident_cannot_file_for_another_resident() {
    let result = Scenario::with(())
        .given_no_previous_events()
        .when(issue(Actor::resident(id(OTHER_RESIDENT), false), 0, submit_command(None)))
        .inspect_result();
    assert!(matches!(result, Err(RequestRefusal::NotAllowed(_))), "{result:?}");
}

#[test]
fn requests_are_filed_only_for_active_residents() {
    let mut command = submit_command(None);
    if let RequestCommand::Submit(s) = &mut command {
        s.submitter_is_active_resident = false;
    }
    Scenario::with(())
        .given_no_previous_events()
        .when(issue(manager(), 0, command))
        .then_expect_error(RequestRefusal::SubmitterNotActiveResident);
}

#[test]
fn assigning_a_submitted_request_acknowledges_it_first() {
    Scenario::with(())
        .given(history_to(Status::Submitted))
        .when(issue(manager(), 1, assign_to(PLUMBER)))
        .then_expect_events(vec![
            RequestEvent::RequestAcknowledged { by: id(MANAGER), at: time(1) },
            RequestEvent::RequestAssigned {
                assignee: id(PLUMBER),
                by: id(MANAGER),
                previous: None,
                ranking: vec![],
                at: time(1),
            },
        ]);
}

#[test]
fn an_assignment_may_set_the_due_time_and_estimated_cost() {
    let cost = Rupees::parse("750.50").expect("valid");
    let command = RequestCommand::Assign(Assign {
        assignee: candidate(PLUMBER, StaffRole::Plumber),
        workload_limit: 10,
        due: Some(time(30)),
        estimated_cost: Some(cost),
        ranking: vec![],
    });
    Scenario::with(()).given(history_to(Status::Acknowledged)).when(issue(manager(), 2, command)).then_expect_events(
        vec![
            RequestEvent::RequestAssigned {
                assignee: id(PLUMBER),
                by: id(MANAGER),
                previous: None,
                ranking: vec![],
                at: time(2),
            },
            RequestEvent::DueTimeSet { due: time(30), by: id(MANAGER), at: time(2) },
            RequestEvent::CostEstimated { cost, by: id(MANAGER), at: time(2) },
        ],
    );
}

#[test]
fn a_reassignment_names_who_had_the_request() {
    Scenario::with(())
        .given(history_to(Status::InProgress))
        .when(issue(manager(), 6, assign_to(OTHER_PLUMBER)))
        .then_expect_events(vec![RequestEvent::RequestAssigned {
            assignee: id(OTHER_PLUMBER),
            by: id(MANAGER),
            previous: Some(id(PLUMBER)),
            ranking: vec![],
            at: time(6),
        }]);
}

#[test]
fn assigning_to_the_current_assignee_is_refused() {
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(manager(), 6, assign_to(PLUMBER)))
        .then_expect_error(RequestRefusal::AlreadyTheAssignee);
}

#[test]
fn each_assignment_rule_refuses_by_name() {
    let busy = Candidate { open_assignments: 10, ..candidate(PLUMBER, StaffRole::Plumber) };
    let gone = Candidate { employed: false, ..candidate(PLUMBER, StaffRole::Plumber) };
    let locked = Candidate { account_active: false, ..candidate(PLUMBER, StaffRole::Plumber) };
    let cases = [
        (busy, Unassignable::WorkloadLimitReached { open: 10, limit: 10 }),
        (gone, Unassignable::NotEmployed),
        (locked, Unassignable::AccountInactive),
        (
            candidate(ELECTRICIAN, StaffRole::Electrician),
            Unassignable::CannotTakeTrade { role: StaffRole::Electrician, trade: Trade::Plumbing },
        ),
    ];
    for (who, reason) in cases {
        let staff = who.staff;
        Scenario::with(())
            .given(history_to(Status::Acknowledged))
            .when(issue(manager(), 2, with_assignee(who)))
            .then_expect_error(RequestRefusal::NotAssignable { staff, reason });
    }
}

#[test]
fn the_workload_limit_refusal_has_its_own_code() {
    let refusal = RequestRefusal::NotAssignable {
        staff: id(PLUMBER),
        reason: Unassignable::WorkloadLimitReached { open: 10, limit: 10 },
    };
    assert_eq!(refusal.code(), "workload_limit_reached");
    assert_eq!(refusal.kind(), crate::request::RefusalKind::RuleBroken);
}

#[test]
fn a_plumber_takes_on_acknowledged_plumbing_work() {
    let start = RequestCommand::StartWork(StartWork {
        taker: Some(candidate(PLUMBER, StaffRole::Plumber)),
        workload_limit: 10,
    });
    Scenario::with(()).given(history_to(Status::Acknowledged)).when(issue(plumber(), 2, start)).then_expect_events(
        vec![RequestEvent::WorkStarted { assignee: id(PLUMBER), by: id(PLUMBER), took_on: true, at: time(2) }],
    );
}

#[test]
fn taking_on_work_respects_the_workload_limit_and_the_trade() {
    let full = Candidate { open_assignments: 3, ..candidate(PLUMBER, StaffRole::Plumber) };
    let start = RequestCommand::StartWork(StartWork { taker: Some(full), workload_limit: 3 });
    Scenario::with(()).given(history_to(Status::Acknowledged)).when(issue(plumber(), 2, start)).then_expect_error(
        RequestRefusal::NotAssignable {
            staff: id(PLUMBER),
            reason: Unassignable::WorkloadLimitReached { open: 3, limit: 3 },
        },
    );
    let electrician = staff(ELECTRICIAN, StaffRole::Electrician);
    let start = RequestCommand::StartWork(StartWork {
        taker: Some(candidate(ELECTRICIAN, StaffRole::Electrician)),
        workload_limit: 10,
    });
    let result =
        Scenario::with(()).given(history_to(Status::Acknowledged)).when(issue(electrician, 2, start)).inspect_result();
    assert!(
        matches!(result, Err(RequestRefusal::NotAssignable { reason: Unassignable::CannotTakeTrade { .. }, .. })),
        "{result:?}"
    );
}

#[test]
fn the_submitter_confirming_the_fix_closes_the_request() {
    Scenario::with(())
        .given(history_to(Status::Resolved))
        .when(issue(resident(), 6, RequestCommand::Close))
        .then_expect_events(vec![RequestEvent::RequestClosed {
            by: id(RESIDENT),
            how: ClosedHow::ConfirmedBySubmitter,
            at: time(6),
        }]);
}

#[test]
fn a_reopened_request_whose_assignee_left_goes_back_for_reassignment() {
    let reopen = RequestCommand::Reopen(Reopen { reason: text("still dripping"), assignee_employed: false });
    let events = vec![
        RequestEvent::RequestReopened { by: id(RESIDENT), reason: text("still dripping"), at: time(6) },
        RequestEvent::WorkHandedBack { assignee: id(PLUMBER), by: id(RESIDENT), at: time(6) },
        RequestEvent::RequestUnassigned {
            previous: id(PLUMBER),
            by: id(RESIDENT),
            reason: UnassignReason::StaffDeactivated,
            at: time(6),
        },
    ];
    Scenario::with(())
        .given(history_to(Status::Resolved))
        .when(issue(resident(), 6, reopen))
        .then_expect_events(events.clone());
    let after = state_after(&[history_to(Status::Resolved), events].concat());
    assert_eq!(after.filed().map(|r| r.status()), Some(Status::Acknowledged));
}

#[test]
fn the_submitter_cancels_before_work_starts_but_not_after() {
    let cancel = || RequestCommand::Cancel { reason: text("fixed it myself") };
    Scenario::with(()).given(history_to(Status::Assigned)).when(issue(resident(), 6, cancel())).then_expect_events(
        vec![RequestEvent::RequestCancelled { by: id(RESIDENT), reason: text("fixed it myself"), at: time(6) }],
    );
    let result =
        Scenario::with(()).given(history_to(Status::InProgress)).when(issue(resident(), 6, cancel())).inspect_result();
    assert!(matches!(result, Err(RequestRefusal::NotAllowed(_))), "{result:?}");
}

#[test]
fn only_the_submitter_rates_and_only_once_after_the_work_is_done() {
    let rate = || RequestCommand::Rate { rating: Rating::new(5).expect("valid"), feedback: Some(text("quick")) };
    Scenario::with(()).given(history_to(Status::Closed)).when(issue(resident(), 8, rate())).then_expect_events(vec![
        RequestEvent::WorkRated {
            rating: Rating::new(5).expect("valid"),
            feedback: Some(text("quick")),
            assignee: id(PLUMBER),
            at: time(8),
        },
    ]);
    let rated = [
        history_to(Status::Closed),
        vec![RequestEvent::WorkRated {
            rating: Rating::new(2).expect("valid"),
            feedback: None,
            assignee: id(PLUMBER),
            at: time(7),
        }],
    ]
    .concat();
    Scenario::with(()).given(rated).when(issue(resident(), 8, rate())).then_expect_error(RequestRefusal::AlreadyRated);
    Scenario::with(())
        .given(history_to(Status::InProgress))
        .when(issue(resident(), 8, rate()))
        .then_expect_error(RequestRefusal::NotFinished { status: Status::InProgress });
    let result =
        Scenario::with(()).given(history_to(Status::Closed)).when(issue(manager(), 8, rate())).inspect_result();
    assert!(matches!(result, Err(RequestRefusal::NotAllowed(_))), "{result:?}");
}

#[test]
fn setting_a_value_to_what_it_already_is_records_nothing() {
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(manager(), 6, RequestCommand::Revise(Revision::priority(Priority::High))))
        .then_expect_events(vec![]);
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(manager(), 6, RequestCommand::Revise(Revision::due(time(12)))))
        .then_expect_events(vec![]);
}

#[test]
fn a_due_time_must_come_after_submission() {
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(manager(), 6, RequestCommand::Revise(Revision::due(time(0)))))
        .then_expect_error(RequestRefusal::DueBeforeSubmission { due: time(0), submitted_at: time(0) });
}

#[test]
fn an_overdue_request_escalates_once_per_level() {
    let escalate = || RequestCommand::Escalate(Escalate { level_two_after_hours: 24 });
    let system = Actor::system;
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(system(), 11, escalate()))
        .then_expect_error(RequestRefusal::NotOverdue);
    let level_one = RequestEvent::RequestEscalated { level: 1, raised_to: None, at: time(13) };
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(system(), 13, escalate()))
        .then_expect_events(vec![level_one.clone()]);
    let escalated = [history_to(Status::Assigned), vec![level_one]].concat();
    Scenario::with(())
        .given(escalated.clone())
        .when(issue(system(), 36, escalate()))
        .then_expect_error(RequestRefusal::EscalationNotDue { level: 1 });
    let level_two = RequestEvent::RequestEscalated { level: 2, raised_to: None, at: time(37) };
    Scenario::with(())
        .given(escalated.clone())
        .when(issue(system(), 37, escalate()))
        .then_expect_events(vec![level_two.clone()]);
    let twice = [escalated, vec![level_two]].concat();
    Scenario::with(())
        .given(twice)
        .when(issue(system(), 90, escalate()))
        .then_expect_error(RequestRefusal::EscalationNotDue { level: 2 });
    Scenario::with(())
        .given(history_to(Status::Resolved))
        .when(issue(system(), 90, escalate()))
        .then_expect_error(RequestRefusal::NotOverdue);
}

#[test]
fn level_two_raises_a_low_priority_one_step() {
    let low = [
        history_to(Status::Assigned),
        vec![
            RequestEvent::Reprioritised { from: Priority::High, to: Priority::Low, by: id(MANAGER), at: time(5) },
            RequestEvent::RequestEscalated { level: 1, raised_to: None, at: time(13) },
        ],
    ]
    .concat();
    Scenario::with(())
        .given(low)
        .when(issue(Actor::system(), 40, RequestCommand::Escalate(Escalate { level_two_after_hours: 24 })))
        .then_expect_events(vec![RequestEvent::RequestEscalated {
            level: 2,
            raised_to: Some(Priority::Medium),
            at: time(40),
        }]);
}

#[test]
fn a_request_left_resolved_closes_itself_after_the_configured_days() {
    let auto = || RequestCommand::AutoClose { after_days: 7 };
    Scenario::with(())
        .given(history_to(Status::Resolved))
        .when(issue(Actor::system(), 4 + 24 * 7 - 1, auto()))
        .then_expect_error(RequestRefusal::NotDueForAutoClose);
    Scenario::with(())
        .given(history_to(Status::Resolved))
        .when(issue(Actor::system(), 4 + 24 * 7, auto()))
        .then_expect_events(vec![RequestEvent::RequestClosed {
            by: crate::actor::SYSTEM_ACCOUNT,
            how: ClosedHow::Automatically,
            at: time(4 + 24 * 7),
        }]);
}

#[test]
fn a_deactivated_assignee_gives_the_request_back_by_legal_steps() {
    Scenario::with(())
        .given(history_to(Status::InProgress))
        .when(issue(manager(), 6, RequestCommand::EndAssignment { assignee: id(PLUMBER) }))
        .then_expect_events(vec![
            RequestEvent::WorkHandedBack { assignee: id(PLUMBER), by: id(MANAGER), at: time(6) },
            RequestEvent::RequestUnassigned {
                previous: id(PLUMBER),
                by: id(MANAGER),
                reason: UnassignReason::StaffDeactivated,
                at: time(6),
            },
        ]);
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(manager(), 6, RequestCommand::EndAssignment { assignee: id(OTHER_PLUMBER) }))
        .then_expect_error(RequestRefusal::NotHeldBy { staff: id(OTHER_PLUMBER) });
}

#[test]
fn residents_cannot_post_internal_comments() {
    let result = Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(resident(), 6, comment(true)))
        .inspect_result();
    assert!(matches!(result, Err(RequestRefusal::NotAllowed(_))), "{result:?}");
}

#[test]
fn a_retried_comment_is_recorded_once() {
    let posted = RequestEvent::CommentPosted {
        comment: CommentId::from_uuid(uuid::Uuid::from_u128(500)),
        author: id(PLUMBER),
        text: text("On my way"),
        internal: false,
        at: time(6),
    };
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(plumber(), 6, comment(false)))
        .then_expect_events(vec![posted.clone()]);
    Scenario::with(())
        .given([history_to(Status::Assigned), vec![posted]].concat())
        .when(issue(plumber(), 7, comment(false)))
        .then_expect_events(vec![]);
}

#[test]
fn a_revision_is_all_or_nothing() {
    let revision = Revision { due: Some(time(0)), estimated_cost: None, priority: Some(Priority::Low) };
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(manager(), 6, RequestCommand::Revise(revision)))
        .then_expect_error(RequestRefusal::DueBeforeSubmission { due: time(0), submitted_at: time(0) });
    let revision = Revision { due: Some(time(30)), estimated_cost: None, priority: Some(Priority::Low) };
    Scenario::with(())
        .given(history_to(Status::Assigned))
        .when(issue(manager(), 6, RequestCommand::Revise(revision)))
        .then_expect_events(vec![
            RequestEvent::DueTimeSet { due: time(30), by: id(MANAGER), at: time(6) },
            RequestEvent::Reprioritised { from: Priority::High, to: Priority::Low, by: id(MANAGER), at: time(6) },
        ]);
}
