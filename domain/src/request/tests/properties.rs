//! Property tests: whatever anyone asks in whatever order, a request never leaves SPEC §2's state
//! machine, and folding the recorded events (after a trip through their stored JSON) always
//! gives back the state the aggregate reached.

use proptest::prelude::*;

use super::*;
use crate::money::Rupees;
use crate::request::Revision;
use crate::request::{decide, Assign, Escalate, Reopen, Resolve, StartWork};
use crate::values::Rating;

fn actors() -> Vec<Actor> {
    vec![
        resident(),
        Actor::resident(id(OTHER_RESIDENT), true),
        manager(),
        staff(SUPERVISOR, StaffRole::MaintenanceSupervisor),
        plumber(),
        staff(OTHER_PLUMBER, StaffRole::Plumber),
        staff(ELECTRICIAN, StaffRole::Electrician),
        staff(32, StaffRole::Cleaner),
        Actor::system(),
    ]
}

fn command(kind: u8, who: &Actor, pick: u32) -> RequestCommand {
    let staff_ids = [
        (PLUMBER, StaffRole::Plumber),
        (OTHER_PLUMBER, StaffRole::Plumber),
        (MANAGER, StaffRole::FacilityManager),
        (ELECTRICIAN, StaffRole::Electrician),
    ];
    let (n, role) = staff_ids[pick as usize % staff_ids.len()];
    let open = pick % 12;
    match kind % 18 {
        0 => submit_command(if pick % 2 == 0 { None } else { Some(Priority::Low) }),
        1 => RequestCommand::Acknowledge,
        2 => RequestCommand::Assign(Assign {
            assignee: Candidate { open_assignments: open, ..candidate(n, role) },
            workload_limit: 10,
            due: None,
            estimated_cost: None,
            ranking: vec![],
        }),
        3 => RequestCommand::Unassign,
        4 => {
            let taker =
                Candidate { open_assignments: open, ..candidate(who.account.as_uuid().as_u128(), StaffRole::Plumber) };
            RequestCommand::StartWork(StartWork { taker: Some(taker), workload_limit: 10 })
        }
        5 => RequestCommand::HandBack,
        6 => {
            RequestCommand::Resolve(Resolve { actual_cost: Rupees::from_paise(i64::from(pick) * 100).ok(), note: None })
        }
        7 => RequestCommand::Close,
        8 => RequestCommand::Reopen(Reopen { reason: text("not fixed"), assignee_employed: pick % 3 != 0 }),
        9 => RequestCommand::Cancel { reason: text("no longer needed") },
        10 => RequestCommand::Rate { rating: Rating::new(i64::from(pick % 5) + 1).expect("1..=5"), feedback: None },
        11 => RequestCommand::Revise(Revision::due(time(i64::from(pick % 200) + 1))),
        12 => {
            RequestCommand::Revise(Revision::estimated_cost(Rupees::from_paise(i64::from(pick)).expect("non-negative")))
        }
        13 => RequestCommand::Revise(Revision::priority(Priority::ALL[pick as usize % 4])),
        14 => RequestCommand::Comment {
            id: crate::ids::CommentId::from_uuid(uuid::Uuid::from_u128(u128::from(pick))),
            text: text("note"),
            internal: pick % 2 == 0,
        },
        15 => RequestCommand::Escalate(Escalate { level_two_after_hours: 24 }),
        16 => RequestCommand::AutoClose { after_days: 7 },
        _ => RequestCommand::EndAssignment { assignee: id(n) },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_commands_never_leave_the_state_machine(steps in prop::collection::vec((0..9usize, 0..18u8, 0..1000u32), 1..60)) {
        let actors = actors();
        let mut state = MaintenanceRequest::default();
        let mut recorded: Vec<RequestEvent> = Vec::new();
        for (hour, (who, kind, pick)) in steps.into_iter().enumerate() {
            let by = actors[who].clone();
            let cmd = command(kind, &by, pick);
            let Ok(events) = decide(&state, &Issued::new(by, time(hour as i64 * 7), cmd)) else { continue };
            for event in events {
                let before = state.filed().map(|r| r.status());
                state.evolve(event.clone());
                let after = state.filed().map(|r| r.status());
                match (before, after) {
                    (Some(from), Some(to)) if from != to => prop_assert!(from.may_move(to), "{from} -> {to} by {event:?}"),
                    (None, Some(to)) => prop_assert_eq!(to, Status::Submitted),
                    (None, None) => prop_assert!(false, "an event was recorded before submission: {:?}", event),
                    _ => {}
                }
                recorded.push(event);
            }
        }
        let stored = serde_json::to_value(&recorded).expect("events serialise");
        let read_back: Vec<RequestEvent> = serde_json::from_value(stored).expect("events deserialise");
        prop_assert_eq!(&read_back, &recorded);
        prop_assert_eq!(state_after(&read_back), state);
    }
}
