//! The staff aggregate (SPEC §1 "Staff"): onboarding, roles and flags, reporting chain,
//! availability, preferences, activation.

mod command;
mod decide;
mod event;
mod refusal;
mod state;

#[cfg(test)]
mod tests;

pub use command::{Onboard, StaffCommand, SupervisorFacts};
pub use decide::decide;
pub use event::StaffEvent;
pub use refusal::StaffRefusal;
pub use state::{EmployeeId, EmployeeIdError, EmploymentStatus, FlagDifference, StaffMember, StaffRecord};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

use crate::actor::Issued;

impl Aggregate for StaffMember {
    const TYPE: &'static str = "Staff";
    type Command = Issued<StaffCommand>;
    type Event = StaffEvent;
    type Error = StaffRefusal;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), StaffRefusal> {
        for event in decide(self, &command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: StaffEvent) {
        self.evolve(event);
    }
}
