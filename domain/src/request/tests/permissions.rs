//! SPEC §2's "who may" column as one table: every caller against every action.

use super::*;
use crate::actor::{Actor, Standing};
use crate::request::{authorise, Action, Request, Requirement};
use crate::roles::Permission;

/// The callers, in the table's column order.
fn callers() -> Vec<(&'static str, Actor)> {
    let admin = Actor::administrator(id(90));
    vec![
        ("submitter", resident()),
        ("other resident", Actor::resident(id(OTHER_RESIDENT), false)),
        ("committee member", Actor::resident(id(3), true)),
        ("facility manager", manager()),
        ("maintenance supervisor", staff(SUPERVISOR, StaffRole::MaintenanceSupervisor)),
        ("accountant", staff(30, StaffRole::Accountant)),
        ("security head", staff(31, StaffRole::SecurityHead)),
        ("electrician", staff(ELECTRICIAN, StaffRole::Electrician)),
        ("plumber (assignee)", plumber()),
        ("other plumber", staff(OTHER_PLUMBER, StaffRole::Plumber)),
        ("cleaner", staff(32, StaffRole::Cleaner)),
        ("gardener", staff(33, StaffRole::Gardener)),
        ("administrator", admin),
        ("system", Actor::system()),
    ]
}

#[test]
fn who_may_do_what_follows_the_action_table() {
    use Status::*;
    // Columns: submitter, other resident, committee, facility manager, maintenance supervisor,
    // accountant, security head, electrician, plumber (assignee), other plumber, cleaner,
    // gardener, administrator, system.
    let table: [(Action, Status, &str); 20] = [
        (Action::Acknowledge, Submitted, "...YY........Y"),
        (Action::Assign, Acknowledged, "...YY........Y"),
        (Action::Unassign, Assigned, "...YY........."),
        (Action::StartWork, Assigned, "...YY...Y....."),
        (Action::StartWork, Acknowledged, "...YYYYYYYYY.."),
        (Action::HandBack, InProgress, "...YY...Y....."),
        (Action::Resolve, InProgress, "...YY..YYY...."),
        (Action::Close, Resolved, "Y..YY..YYY...."),
        (Action::Reopen, Resolved, "Y..YY..YYY...."),
        (Action::Cancel, Assigned, "Y..YY........."),
        (Action::Cancel, InProgress, "...YY........."),
        (Action::Rate, Resolved, "Y............."),
        (Action::SetDueTime, Acknowledged, "...YY........."),
        (Action::EstimateCost, Acknowledged, "...YY........."),
        (Action::Reprioritise, Acknowledged, "...YY........."),
        (Action::Comment, Assigned, "Y..YYYYYYYYY.."),
        (Action::CommentInternally, Assigned, "...YYYYYYYYY.."),
        (Action::Escalate, Assigned, ".............Y"),
        (Action::AutoClose, Resolved, ".............Y"),
        (Action::EndAssignment, Assigned, "...Y........YY"),
    ];
    let callers = callers();
    for (action, status, row) in table {
        let request = filed(status);
        for ((who, actor), expected) in callers.iter().zip(row.chars()) {
            let result = authorise(actor, action, &request);
            assert_eq!(
                result.is_ok(),
                expected == 'Y',
                "{who} may {action} a request that is {status}? got {result:?}"
            );
        }
    }
}

fn filed(status: Status) -> Request {
    state_after(&history_to(status)).filed().cloned().expect("filed")
}

#[test]
fn a_refusal_names_the_missing_permission() {
    let refusal =
        authorise(&plumber(), Action::Assign, &filed(Status::Acknowledged)).expect_err("plumbers do not assign");
    assert_eq!(refusal.requirement, Requirement::Permission(Permission::Assign));
    assert_eq!(refusal.requirement.permission(), Some(Permission::Assign));
    assert_eq!(refusal.to_string(), "only staff holding the assign permission may assign this request");
}

#[test]
fn a_plumber_cannot_assign_requests() {
    let assign = super::rules::assign_to(OTHER_PLUMBER);
    let refusal = crate::request::decide(&state_after(&history_to(Status::Acknowledged)), &issue(plumber(), 5, assign))
        .expect_err("refused");
    assert!(matches!(refusal, crate::request::RequestRefusal::NotAllowed(_)), "{refusal:?}");
}

#[test]
fn granted_flags_count_and_revoked_ones_do_not() {
    let request = filed(Status::Acknowledged);
    let mut cleaner = staff(32, StaffRole::Cleaner);
    if let Standing::Staff(s) = &mut cleaner.standing {
        s.permissions.insert(Permission::Assign);
    }
    assert!(authorise(&cleaner, Action::Assign, &request).is_ok());
    let mut manager = manager();
    if let Standing::Staff(s) = &mut manager.standing {
        s.permissions.remove(&Permission::Assign);
    }
    assert!(authorise(&manager, Action::Assign, &request).is_err());
}

#[test]
fn deactivated_staff_hold_no_permission() {
    let mut manager = manager();
    if let Standing::Staff(s) = &mut manager.standing {
        s.employed = false;
    }
    for action in [Action::Acknowledge, Action::Assign, Action::Close, Action::Comment] {
        assert!(authorise(&manager, action, &filed(Status::Resolved)).is_err(), "{action}");
    }
}

#[test]
fn the_available_actions_are_those_allowed_now() {
    let request = filed(Status::Resolved);
    let for_submitter = crate::request::actions_available(&resident(), &request);
    assert_eq!(for_submitter, vec![Action::Close, Action::Reopen, Action::Rate, Action::Comment]);
    let for_plumber = crate::request::actions_available(&plumber(), &request);
    assert_eq!(for_plumber, vec![Action::Close, Action::Reopen, Action::Comment, Action::CommentInternally]);
}
