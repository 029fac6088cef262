//! Given / when / then tests of the maintenance request aggregate, with shared fixtures.

mod permissions;
mod properties;
mod rules;
mod transitions;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cqrs_es::test::TestFramework;

use crate::actor::{Actor, Issued};
use crate::assignment::Candidate;
use crate::category::{initial_catalogue, Category};
use crate::ids::{AccountId, CommentId, RequestId};
use crate::request::{MaintenanceRequest, RequestCommand, RequestEvent, Status, Submit};
use crate::roles::StaffRole;
use crate::ticket::TicketNumber;
use crate::values::{Priority, Text};

pub(super) type Scenario = TestFramework<MaintenanceRequest>;

pub(super) fn id(n: u128) -> AccountId {
    AccountId::from_uuid(uuid::Uuid::from_u128(n))
}

pub(super) const RESIDENT: u128 = 1;
pub(super) const OTHER_RESIDENT: u128 = 2;
pub(super) const MANAGER: u128 = 10;
pub(super) const SUPERVISOR: u128 = 11;
pub(super) const PLUMBER: u128 = 20;
pub(super) const OTHER_PLUMBER: u128 = 21;
pub(super) const ELECTRICIAN: u128 = 22;

pub(super) fn time(hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).single().expect("valid date") + Duration::hours(hour)
}

pub(super) fn resident() -> Actor {
    Actor::resident(id(RESIDENT), false)
}

pub(super) fn staff(n: u128, role: StaffRole) -> Actor {
    Actor::staff(id(n), role, role.default_permissions())
}

pub(super) fn manager() -> Actor {
    staff(MANAGER, StaffRole::FacilityManager)
}

pub(super) fn plumber() -> Actor {
    staff(PLUMBER, StaffRole::Plumber)
}

pub(super) fn plumbing() -> Category {
    initial_catalogue().into_iter().find(|c| c.name == "Plumbing issue").expect("in catalogue")
}

pub(super) fn text(s: &str) -> Text {
    Text::parse("text", s, 5000).expect("valid text")
}

pub(super) fn candidate(n: u128, role: StaffRole) -> Candidate {
    Candidate {
        staff: id(n),
        role,
        permissions: role.default_permissions(),
        employed: true,
        account_active: true,
        available_24x7: true,
        open_assignments: 0,
        rating_sum: 0,
        rating_count: 0,
        last_assigned_at: None,
    }
}

pub(super) fn issue(by: Actor, hour: i64, command: RequestCommand) -> Issued<RequestCommand> {
    Issued::new(by, time(hour), command)
}

pub(super) fn submit_command(priority: Option<Priority>) -> RequestCommand {
    RequestCommand::Submit(Submit {
        id: RequestId::from_uuid(uuid::Uuid::from_u128(99)),
        ticket: TicketNumber::new(2026, 1).expect("valid ticket"),
        submitter: id(RESIDENT),
        submitter_is_active_resident: true,
        title: text("Kitchen tap leaking"),
        description: text("Water drips all night"),
        category: plumbing(),
        location: text("Flat A-101"),
        priority,
    })
}

pub(super) fn submitted() -> RequestEvent {
    RequestEvent::RequestSubmitted {
        id: RequestId::from_uuid(uuid::Uuid::from_u128(99)),
        ticket: TicketNumber::new(2026, 1).expect("valid ticket"),
        title: text("Kitchen tap leaking"),
        description: text("Water drips all night"),
        category: plumbing(),
        location: text("Flat A-101"),
        priority: Priority::High,
        submitter: id(RESIDENT),
        filed_by: None,
        due: time(12),
        at: time(0),
    }
}

/// A history that leaves the request in `status`, assigned to the plumber where it has an
/// assignee.
pub(super) fn history_to(status: Status) -> Vec<RequestEvent> {
    let m = id(MANAGER);
    let p = id(PLUMBER);
    let acknowledged = RequestEvent::RequestAcknowledged { by: m, at: time(1) };
    let assigned = RequestEvent::RequestAssigned { assignee: p, by: m, previous: None, ranking: vec![], at: time(2) };
    let started = RequestEvent::WorkStarted { assignee: p, by: p, took_on: false, at: time(3) };
    let resolved = RequestEvent::RequestResolved { by: p, actual_cost: None, note: None, at: time(4) };
    let closed = RequestEvent::RequestClosed { by: m, how: crate::request::ClosedHow::ByStaff, at: time(5) };
    let cancelled = RequestEvent::RequestCancelled { by: m, reason: text("duplicate"), at: time(1) };
    let path: Vec<RequestEvent> = match status {
        Status::Submitted => vec![],
        Status::Acknowledged => vec![acknowledged],
        Status::Assigned => vec![acknowledged, assigned],
        Status::InProgress => vec![acknowledged, assigned, started],
        Status::Resolved => vec![acknowledged, assigned, started, resolved],
        Status::Closed => vec![acknowledged, assigned, started, resolved, closed],
        Status::Cancelled => vec![cancelled],
    };
    std::iter::once(submitted()).chain(path).collect()
}

pub(super) fn state_after(events: &[RequestEvent]) -> MaintenanceRequest {
    let mut state = MaintenanceRequest::default();
    for event in events {
        state.evolve(event.clone());
    }
    state
}

pub(super) fn comment(internal: bool) -> RequestCommand {
    RequestCommand::Comment { id: CommentId::from_uuid(uuid::Uuid::from_u128(500)), text: text("On my way"), internal }
}
