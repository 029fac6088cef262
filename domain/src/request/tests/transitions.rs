//! Every action from every status: allowed where SPEC §2's machine and table allow it, and
//! refused (saying the current status and where it may go) everywhere else.

use super::*;
use crate::actor::Actor;
use crate::money::Rupees;
use crate::request::Revision;
use crate::request::{decide, Assign, Reopen, RequestRefusal, Resolve, StartWork};
use crate::values::Rating;

struct Row {
    name: &'static str,
    by: Actor,
    command: RequestCommand,
    /// The statuses it is allowed from, and the status it leaves the request in.
    allowed: Vec<(Status, Status)>,
}

fn rows() -> Vec<Row> {
    use Status::*;
    let assign = Assign {
        assignee: candidate(OTHER_PLUMBER, StaffRole::Plumber),
        workload_limit: 10,
        due: None,
        estimated_cost: None,
        ranking: vec![],
    };
    let same = |statuses: &[Status]| statuses.iter().map(|s| (*s, *s)).collect::<Vec<_>>();
    let open = [Submitted, Acknowledged, Assigned, InProgress, Resolved];
    vec![
        Row {
            name: "acknowledge",
            by: manager(),
            command: RequestCommand::Acknowledge,
            allowed: vec![(Submitted, Acknowledged)],
        },
        Row {
            name: "assign",
            by: manager(),
            command: RequestCommand::Assign(assign),
            allowed: vec![
                (Submitted, Assigned),
                (Acknowledged, Assigned),
                (Assigned, Assigned),
                (InProgress, InProgress),
            ],
        },
        Row {
            name: "unassign",
            by: manager(),
            command: RequestCommand::Unassign,
            allowed: vec![(Assigned, Acknowledged)],
        },
        Row {
            name: "start work",
            by: manager(),
            command: RequestCommand::StartWork(StartWork {
                taker: Some(candidate(MANAGER, StaffRole::FacilityManager)),
                workload_limit: 10,
            }),
            allowed: vec![(Acknowledged, InProgress), (Assigned, InProgress)],
        },
        Row {
            name: "hand back",
            by: manager(),
            command: RequestCommand::HandBack,
            allowed: vec![(InProgress, Assigned)],
        },
        Row {
            name: "resolve",
            by: manager(),
            command: RequestCommand::Resolve(Resolve { actual_cost: None, note: None }),
            allowed: vec![(InProgress, Resolved)],
        },
        Row { name: "close", by: manager(), command: RequestCommand::Close, allowed: vec![(Resolved, Closed)] },
        Row {
            name: "reopen",
            by: resident(),
            command: RequestCommand::Reopen(Reopen { reason: text("still leaking"), assignee_employed: true }),
            allowed: vec![(Resolved, InProgress)],
        },
        Row {
            name: "cancel",
            by: manager(),
            command: RequestCommand::Cancel { reason: text("duplicate") },
            allowed: vec![
                (Submitted, Cancelled),
                (Acknowledged, Cancelled),
                (Assigned, Cancelled),
                (InProgress, Cancelled),
            ],
        },
        Row {
            name: "rate",
            by: resident(),
            command: RequestCommand::Rate { rating: Rating::new(4).expect("valid"), feedback: None },
            allowed: same(&[Resolved, Closed]),
        },
        Row {
            name: "set due time",
            by: manager(),
            command: RequestCommand::Revise(Revision::due(time(48))),
            allowed: same(&open),
        },
        Row {
            name: "estimate cost",
            by: manager(),
            command: RequestCommand::Revise(Revision::estimated_cost(Rupees::parse("500").expect("valid"))),
            allowed: same(&open),
        },
        Row {
            name: "reprioritise",
            by: manager(),
            command: RequestCommand::Revise(Revision::priority(Priority::Low)),
            allowed: same(&open),
        },
        Row { name: "comment", by: resident(), command: comment(false), allowed: same(&Status::ALL) },
        Row {
            name: "auto-close",
            by: Actor::system(),
            command: RequestCommand::AutoClose { after_days: 7 },
            allowed: vec![(Resolved, Closed)],
        },
        Row {
            name: "end assignment",
            by: Actor::system(),
            command: RequestCommand::EndAssignment { assignee: id(PLUMBER) },
            allowed: vec![(Assigned, Acknowledged), (InProgress, Acknowledged)],
        },
    ]
}

#[test]
fn every_action_moves_only_where_the_state_machine_allows() {
    for row in rows() {
        for status in Status::ALL {
            let mut state = state_after(&history_to(status));
            let at = time(24 * 30);
            let result = decide(&state, &Issued::new(row.by.clone(), at, row.command.clone()));
            let expected = row.allowed.iter().find(|(from, _)| *from == status).map(|(_, to)| *to);
            match (result, expected) {
                (Ok(events), Some(to)) => {
                    for event in events {
                        state.evolve(event);
                    }
                    let now = state.filed().map(|r| r.status());
                    assert_eq!(now, Some(to), "{} from {status}", row.name);
                }
                (Err(refusal), None) => {
                    let named_status = matches!(
                        refusal,
                        RequestRefusal::RefusedTransition { status: s, allowed, .. } if s == status && allowed == status.may_move_to()
                    ) || matches!(refusal, RequestRefusal::NotFinished { status: s } | RequestRefusal::Finished { status: s } if s == status)
                        || matches!(refusal, RequestRefusal::NotHeldBy { .. });
                    assert!(
                        named_status,
                        "{} from {status}: refusal should name the status, got {refusal:?}",
                        row.name
                    );
                }
                (Ok(events), None) => panic!("{} from {status} should be refused, recorded {events:?}", row.name),
                (Err(refusal), Some(_)) => panic!("{} from {status} should be allowed, refused: {refusal}", row.name),
            }
        }
    }
}

#[test]
fn a_refused_transition_says_where_the_request_may_go() {
    let state = state_after(&history_to(Status::Closed));
    let refusal = decide(&state, &issue(manager(), 30, RequestCommand::Acknowledge)).expect_err("closed is final");
    assert_eq!(
        refusal.to_string(),
        "cannot acknowledge a request that is closed; from closed it may move to nothing (it is final)"
    );
    let state = state_after(&history_to(Status::Resolved));
    let refusal = decide(&state, &issue(manager(), 30, RequestCommand::HandBack)).expect_err("not in progress");
    assert_eq!(
        refusal.to_string(),
        "cannot hand back a request that is resolved; from resolved it may move to closed, in_progress"
    );
}

#[test]
fn a_command_on_a_request_never_submitted_is_not_found() {
    Scenario::with(())
        .given_no_previous_events()
        .when(issue(manager(), 1, RequestCommand::Acknowledge))
        .then_expect_error(RequestRefusal::NotFound);
}

#[test]
fn a_request_is_submitted_once() {
    Scenario::with(())
        .given(vec![submitted()])
        .when(issue(resident(), 1, submit_command(None)))
        .then_expect_error(RequestRefusal::AlreadySubmitted);
}
