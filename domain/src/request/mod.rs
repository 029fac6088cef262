//! The maintenance request aggregate (SPEC §2): from submission to closing, cancelling and rating.

mod command;
mod decide;
mod event;
mod permissions;
mod refusal;
mod state;
mod visibility;

#[cfg(test)]
mod tests;

pub use command::{Assign, Escalate, Reopen, RequestCommand, Resolve, Revision, StartWork, Submit};
pub use decide::{action_of, decide};
pub use event::{ClosedHow, RequestEvent, UnassignReason};
pub use permissions::{actions_available, authorise, may_manage_staff, Action, NotAllowed, Requirement};
pub use refusal::{RefusalKind, RequestRefusal};
pub use state::{Assignment, Comment, Escalation, MaintenanceRequest, Milestones, Request, Stage, Status};
pub use visibility::{can_see, reads_costed_requests};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

use crate::actor::Issued;

impl Aggregate for MaintenanceRequest {
    const TYPE: &'static str = "MaintenanceRequest";
    type Command = Issued<RequestCommand>;
    type Event = RequestEvent;
    type Error = RequestRefusal;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), RequestRefusal> {
        for event in decide(self, &command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: RequestEvent) {
        self.evolve(event);
    }
}
